/// What a monitoring window is: how long, how often to poll, when to write checkpoints, what
/// the triggers compare with, and whether a trigger rolls back.
public struct MonitorPlan: Sendable, Equatable {
    /// The service watched, for the report.
    public var url: String
    /// How long the window lasts; polls run at `T+0`, `T+interval`, … up to `T+window`.
    public var window: Duration
    /// The time between polls.
    public var interval: Duration
    /// When checkpoint files are written, each in `(0, window]`, sorted, none twice.
    public var checkpoints: [Duration]
    /// The trigger limits.
    public var thresholds: HealthThresholds
    /// The baseline the relative triggers use; nil: only the absolute limits apply.
    public var baseline: MonitorBaseline?
    /// The snapshot a trigger rolls back to; nil: a trigger is reported, the window goes on,
    /// and the monitor ends with status 1.
    public var rollbackSnapshot: String?

    /// A plan; `precondition`s hold what the command's validation already checked.
    public init(url: String, window: Duration, interval: Duration, checkpoints: [Duration], thresholds: HealthThresholds = HealthThresholds(),
                baseline: MonitorBaseline? = nil, rollbackSnapshot: String? = nil) {
        precondition(window > .zero && interval > .zero && interval <= window, "a window holds at least one interval")
        precondition(checkpoints == checkpoints.sorted() && Set(checkpoints).count == checkpoints.count, "checkpoints sorted, none twice")
        precondition(checkpoints.allSatisfy { $0 > .zero && $0 <= window }, "checkpoints inside the window")
        self.url = url
        self.window = window
        self.interval = interval
        self.checkpoints = checkpoints
        self.thresholds = thresholds
        self.baseline = baseline
        self.rollbackSnapshot = rollbackSnapshot
    }

    /// `T+5m`: the name of a point of the window, as checkpoint files carry it.
    public static func label(_ elapsed: Duration) -> String { "T+" + DurationText.text(elapsed) }

    /// `monitoring-snapshot-T+5m.json`.
    public static func checkpointFileName(_ checkpoint: Duration) -> String { "monitoring-snapshot-\(label(checkpoint)).json" }

    /// The running report's file name.
    public static let reportFileName = "monitoring-report.json"
}
