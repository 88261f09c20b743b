/// The baseline the monitor compares with: a saved `/metrics/dhash` answer (`--baseline FILE`)
/// or the one the latest deployment took (`--baseline-from-deployment`).
public struct MonitorBaseline: Sendable, Equatable {
    /// The figures.
    public var figures: MetricsBaseline
    /// Where they came from, for people (`file before.json`, `deployment dep-7`).
    public var source: String
    /// `total_extractions` and `last_reset` when it was taken, when known (a saved answer): then
    /// extractions since the baseline are counted from them while counting has not restarted.
    public var totalExtractions: Int?
    public var lastReset: String?

    /// A baseline with the given figures.
    public init(figures: MetricsBaseline, source: String, totalExtractions: Int? = nil, lastReset: String? = nil) {
        self.figures = figures
        self.source = source
        self.totalExtractions = totalExtractions
        self.lastReset = lastReset
    }

    /// Extractions counted since the baseline was taken: the growth of `total_extractions` while
    /// `last_reset` is unchanged; else all of them (counting restarted after the baseline, as a
    /// deployment's `metrics.reset` restarts it right after taking one).
    public func extractions(since metrics: MonitorMetrics) -> Int {
        if let lastReset, let totalExtractions, lastReset == metrics.lastReset { return max(0, metrics.totalExtractions - totalExtractions) }
        return metrics.totalExtractions
    }
}
