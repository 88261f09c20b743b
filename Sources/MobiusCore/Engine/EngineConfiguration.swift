import Imaging
import Journal
import POSIX

/// Where the engine keeps its files and the settings it decides by.
public struct EngineConfiguration: Sendable {
    /// The journal writer's settings (its folder: `<data>/journal`).
    public var journal: JournalConfiguration
    /// The snapshot folder (`<data>/snapshots`).
    public var snapshotDirectory: String
    /// The data folder (what relative paths recorded in events, such as a registered library
    /// image's, are relative to).
    public let dataDirectory: String
    /// A snapshot is taken automatically once this many events were folded since the last
    /// one (0: never automatically).
    public var snapshotInterval: UInt64 = 100_000
    /// Snapshots kept: the newest this many, plus every one a deployment or rollback references,
    /// plus the history below.
    public var snapshotRetention = 10
    /// Besides those, the oldest snapshot of each span of this many seqs is kept (0: none), so
    /// `replay --seq N` at any N starts less than two spans back (`SnapshotRetention`), for disk
    /// of about the journal's events ÷ this × the average snapshot's size.
    public var snapshotHistorySpacing: UInt64 = 200_000
    /// Whether `close()` takes a snapshot of what it folded since the last one.
    public var snapshotsOnClose = true
    /// `close()` takes that snapshot only when at least this many events came after the
    /// newest snapshot (1: any; the CLI's one-shot commands use 10,000).
    public var closeSnapshotMinimum: UInt64 = 1
    /// Extractions whose match confidence is below this go to the review queue.
    public var lowConfidenceThreshold = 0.8
    /// Limits on the images decoded.
    public var decodingLimits = DecodingLimits()
    /// Largest image file or body accepted, bytes.
    public var maxImageBytes = 64 << 20
    /// The health triggers' limits.
    public var healthThresholds = HealthThresholds()
    /// Whether replays (startup, time travel, rollback targets) decode the journal on a second
    /// thread while folding on the calling one; the state is the same either way.
    public var pipelinesReplay = false
    /// Where one-line warnings go (a skipped snapshot, events that did not decode).
    public var warn: @Sendable (String) -> Void = { _ in }
    /// Told how long each journal append took, from the request to durable (for `/metrics`).
    public var observeAppend: @Sendable (Duration) -> Void = { _ in }

    /// The syscall funnel the journal and snapshots use.
    public var kernel: Kernel {
        get { journal.kernel }
        set { journal.kernel = newValue }
    }

    /// The layout of data folder `data`: `<data>/journal` and `<data>/snapshots`.
    public init(dataDirectory data: String, journal configure: (inout JournalConfiguration) -> Void = { _ in }) {
        dataDirectory = data
        var journal = JournalConfiguration(directory: data + "/journal")
        configure(&journal)
        self.journal = journal
        snapshotDirectory = data + "/snapshots"
    }

    /// The read-only replay path over the same folders.
    public var stateBuilder: StateBuilder {
        StateBuilder(journalDirectory: journal.directory, snapshots: SnapshotStore(directory: snapshotDirectory, kernel: kernel), kernel: kernel,
                     pipelinesDecoding: pipelinesReplay)
    }
}
