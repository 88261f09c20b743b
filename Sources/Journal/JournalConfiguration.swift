#if canImport(Glibc)
import Glibc
#endif
import POSIX

/// When an append is acknowledged, relative to stable storage.
public enum Durability: String, Sendable, CaseIterable {
    /// An append returns after its frame is written and `fdatasync`ed (group commit shares one
    /// sync among concurrent appenders). A crash loses nothing acknowledged.
    case always
    /// An append returns once written; the writer syncs at least every `batchSyncInterval`.
    /// A power failure can lose the last interval; a process crash loses nothing.
    case batch
    /// Never synced by the writer; the kernel writes back when it likes. For tests and imports.
    case none
}

/// How to open a journal for writing.
public struct JournalConfiguration: Sendable {
    /// The journal folder (created if missing), e.g. `<data>/journal`.
    public var directory: String
    /// When appends are acknowledged.
    public var durability: Durability
    /// A segment is closed and a new one started when the next frame would pass this size.
    public var segmentByteLimit: Int
    /// Zero bytes written ahead of the frames so that `fdatasync` need not update metadata;
    /// 0 disables preallocation.
    public var preallocationByteCount: Int
    /// Longest time between syncs in `.batch` mode.
    public var batchSyncInterval: Duration
    /// Most record bytes group commit puts into one frame from several appenders.
    public var groupByteLimit: Int
    /// Most events accepted and not yet acknowledged (queued, built into frames or being
    /// written); further appends wait for room, in arrival order. One append larger than the
    /// limit is accepted when nothing else is.
    public var pendingEventLimit: Int
    /// Most record bytes accepted and not yet acknowledged, as `pendingEventLimit`; with it,
    /// bounds the writer's memory (about twice this, counting the encoded frames).
    public var pendingByteLimit: Int
    /// The URL of the server's admin API when the writer is a server: recorded in `LOCK`, so
    /// CLI write commands can send their writes there instead of opening the journal.
    public var adminURL: String?
    /// The syscall funnel (`Kernel.live`; tests give a funnel with faults injected).
    public var kernel: Kernel
    /// The wall clock in µs since the epoch (tests pass a fake one).
    public var clock: @Sendable () -> UInt64

    /// Defaults: `always`, 64 MiB segments, 1 MiB preallocation steps, 5 ms batch interval,
    /// 1 MiB frames from group commit, at most 65,536 events / 16 MiB unacknowledged.
    public init(directory: String, durability: Durability = .always, segmentByteLimit: Int = 64 << 20,
                preallocationByteCount: Int = 1 << 20, batchSyncInterval: Duration = .milliseconds(5),
                groupByteLimit: Int = 1 << 20, pendingEventLimit: Int = 1 << 16, pendingByteLimit: Int = 16 << 20,
                kernel: Kernel = .live,
                clock: @escaping @Sendable () -> UInt64 = JournalConfiguration.systemClock) {
        self.directory = directory
        self.durability = durability
        self.segmentByteLimit = segmentByteLimit
        self.preallocationByteCount = preallocationByteCount
        self.batchSyncInterval = batchSyncInterval
        self.groupByteLimit = groupByteLimit
        self.pendingEventLimit = pendingEventLimit
        self.pendingByteLimit = pendingByteLimit
        self.kernel = kernel
        self.clock = clock
    }

    /// `CLOCK_REALTIME` in µs.
    public static let systemClock: @Sendable () -> UInt64 = {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1_000_000 + UInt64(time.tv_nsec) / 1000
    }
}
