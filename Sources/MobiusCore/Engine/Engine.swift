import Integrity
import Journal
import POSIX
import Synchronization

/// The service's core: owns the journal writer and the snapshot folder, keeps every projection
/// live, and is the only way events get appended.
///
/// `open` rebuilds the state (newest verified snapshot, then the journal's tail) and subscribes
/// to the writer's commit feed; a fold task then applies each committed frame — the same events,
/// bytes and timestamps a replay reads, with the same fold code — so the live projections equal
/// a replay at every seq. Every mutating call appends, then waits until its events are folded,
/// so a caller reads its own writes.
public final class Engine: Sendable {
    /// The settings it was opened with.
    public let configuration: EngineConfiguration
    /// The read-only replay path over the same folders (time travel, deep checks).
    public let builder: StateBuilder
    /// How startup rebuilt the state: the snapshot used, events replayed, what was skipped.
    public let startup: StartupReport
    let writer: JournalWriter
    let snapshots: SnapshotStore
    let live: Mutex<LiveState>
    private let foldTask: Mutex<Task<Void, Never>?>
    /// The thread every engine's fold task runs on: off the cooperative pool, so extractions
    /// decoding there (or anything else that keeps it busy) never hold up the folds each write
    /// waits for.
    static let folding = WorkerPool(threadCount: 1, name: "engine-fold")

    /// What the fold task and the callers share.
    struct LiveState {
        var projections: ProjectionSet
        /// The chain after the last frame folded (every fold ends on a frame boundary).
        var chain: SHA256Digest
        /// The seq of the newest snapshot written or used.
        var lastSnapshotSeq: UInt64
        /// Callers waiting for their events to be folded.
        var waiters: [(seq: UInt64, continuation: CheckedContinuation<Result<Void, EngineError>, Never>)] = []
        /// Set when folding stopped: the writer closed, or an event could not be folded.
        var stopped: EngineError?
        /// An automatic snapshot is being written.
        var isSnapshotting = false
        /// A migration run (not a dry run) is under way: runs check the schema, then append
        /// step by step, so two at once each applied every pending migration.
        var isMigrating = false
        /// A rollback is under way (only one at a time: a second would take its emergency
        /// snapshot of a state the first is rolling back).
        var isRollingBack = false
        /// Library image ids being added or removed and file hashes being added (reserved until
        /// folded), so concurrent adds or removals cannot both pass their check.
        var reservedImageIds: Set<String> = []
        var reservedSha256s: Set<String> = []
        /// Review items being resolved.
        var reservedItems: Set<String> = []
    }

    private init(configuration: EngineConfiguration, writer: JournalWriter, rebuilt: RebuiltState, chain: SHA256Digest) {
        self.configuration = configuration
        self.builder = configuration.stateBuilder
        self.writer = writer
        self.snapshots = SnapshotStore(directory: configuration.snapshotDirectory, kernel: configuration.kernel)
        self.startup = StartupReport(rebuilt)
        self.live = Mutex(LiveState(projections: rebuilt.projections, chain: chain, lastSnapshotSeq: rebuilt.base?.seq ?? 0))
        self.foldTask = Mutex(nil)
    }

    /// Opens the journal for writing (recovering a torn tail), rebuilds the state and starts
    /// folding. A skipped snapshot or undecodable events give one warning line
    /// (`configuration.warn`). Throws when the journal cannot be opened or replayed.
    public static func open(_ configuration: EngineConfiguration) throws(EngineError) -> Engine {
        let writer: JournalWriter
        do {
            writer = try JournalWriter.open(configuration.journal)
        } catch {
            throw EngineError(error)
        }
        do {
            // Nothing else appends through this writer yet, so the feed starts right after what the replay reads.
            let subscription = writer.subscribe()
            let rebuilt = try configuration.stateBuilder.state(atSeq: writer.headSeq)
            if let warning = rebuilt.warning { configuration.warn(warning) }
            let engine = Engine(configuration: configuration, writer: writer, rebuilt: rebuilt, chain: writer.chainValue)
            engine.foldTask.withLock { $0 = Task.detached(executorPreference: Engine.folding) { await engine.foldCommits(subscription) } }
            return engine
        } catch {
            try? writer.close()
            throw error
        }
    }

    /// Takes a snapshot if configured and at least `closeSnapshotMinimum` events came after the
    /// newest one, closes the journal, and waits for the fold task to finish. Later calls throw
    /// `.closed`.
    public func close() async throws(EngineError) {
        while live.withLock({ $0.isSnapshotting }) { try? await Task.sleep(for: .milliseconds(5)) }
        var failure: EngineError?
        let (seq, lastSnapshot) = live.withLock { ($0.projections.seq, $0.lastSnapshotSeq) }
        if configuration.snapshotsOnClose, seq >= lastSnapshot + max(configuration.closeSnapshotMinimum, 1), writer.stopReason == nil {
            do {
                _ = try await createSnapshot()
            } catch {
                failure = error
            }
        }
        do {
            try writer.close()
        } catch {
            if failure == nil { failure = EngineError(error) }
        }
        await foldTask.withLock { $0 }?.value
        if let failure { throw failure }
    }

    // MARK: Reading

    /// Reads the live projections under the engine's lock (keep `body` short: folding waits).
    public func read<T>(_ body: (borrowing ProjectionSet) throws -> T) rethrows -> T {
        try live.withLock { state in try body(state.projections) }
    }

    /// A copy of the live projections.
    public var projections: ProjectionSet { live.withLock { $0.projections } }

    /// The journal's head: the last seq committed, and the chain after it.
    public var head: (seq: UInt64, chain: SHA256Digest) { (writer.headSeq, writer.chainValue) }

    /// Why the journal cannot be written now, or nil when it can.
    public var journalProblem: JournalError? { writer.stopReason }

    /// Health now: the triggers on the live metrics, `CRITICAL` when the journal cannot be
    /// written.
    public func health(at time: UInt64 = JournalConfiguration.systemClock()) -> (MetricsSummary, HealthStatus) {
        let writable = writer.stopReason == nil
        return read { projections in
            let summary = projections.metricsSummary(at: max(time, projections.timestamp))
            return (summary, summary.health(projections.health, thresholds: configuration.healthThresholds, journalWritable: writable))
        }
    }

    /// Records `url` in the journal's `LOCK` as the admin API of the server holding it, so
    /// CLI write commands send their writes there.
    public func recordAdminURL(_ url: String) throws(EngineError) {
        do {
            try writer.recordAdminURL(url)
        } catch {
            throw EngineError(error)
        }
    }

    // MARK: Appending

    /// Appends `events` as one frame (all land or none), waits until they are folded, and
    /// returns the receipt.
    @discardableResult
    public func append(_ events: [DomainEvent], requestId: String? = nil) async throws(EngineError) -> AppendReceipt {
        var drafts: [EventDraft] = []
        do {
            for event in events { if let draft = try event.draft(requestId: requestId) { drafts.append(draft) } }
        } catch {
            throw EngineError(.invalidRequest, "\(error)")
        }
        return try await append(drafts: drafts)
    }

    /// Appends `drafts` (already encoded; types this version does not know are kept as they
    /// are) as one frame, waits until they are folded, and returns the receipt.
    @discardableResult
    public func append(drafts: [EventDraft]) async throws(EngineError) -> AppendReceipt {
        let receipt: AppendReceipt
        let start = ContinuousClock.now
        do {
            receipt = try await writer.append(drafts)
        } catch {
            throw EngineError(error)
        }
        configuration.observeAppend(ContinuousClock.now - start)
        try await waitUntilFolded(receipt.seqs.upperBound)
        return receipt
    }

    /// Returns once event `seq` is folded into the live projections.
    public func waitUntilFolded(_ seq: UInt64) async throws(EngineError) {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, EngineError>, Never>) in
            let ready: Result<Void, EngineError>? = live.withLock { state in
                if state.projections.seq >= seq { return .success(()) }
                if let stopped = state.stopped { return .failure(stopped) }
                state.waiters.append((seq, continuation))
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        try result.get()
    }

    // MARK: Folding

    /// Folds every committed frame, in order, until the writer closes.
    private func foldCommits(_ subscription: CommitSubscription) async {
        for await item in subscription {
            do throws(EngineError) {
                switch item {
                case .frame(let frame):
                    let folded = live.withLock { $0.projections.seq }
                    if frame.firstSeq > folded + 1 { try foldFromJournal() }
                    try fold(frame.events, chain: frame.chain)
                case .lagged:
                    try foldFromJournal()
                }
            } catch {
                stop(error)
                return
            }
            scheduleSnapshotIfDue()
        }
        stop(EngineError(.closed, "the engine was closed"))
    }

    /// Folds the events of one frame after what is folded already, then wakes whoever waits.
    private func fold(_ events: [JournalEvent], chain: SHA256Digest) throws(EngineError) {
        guard let last = events.last, last.seq > live.withLock({ $0.projections.seq }) else { return }
        var rebuilt = RebuiltState(projections: ProjectionSet())
        for event in events {
            let (recorded, problem) = RecordedEvent.folding(event)
            if let problem {
                rebuilt.undecodableEventCount += 1
                if rebuilt.firstUndecodable == nil { rebuilt.firstUndecodable = (event.seq, problem) }
            }
            // A rollback's target state comes from the files, outside the lock.
            var restored: DomainState?
            if case .rollbackPerformed(let rollback) = recorded.event {
                restored = try builder.domainState(atSeq: rollback.toSeq)
            }
            live.withLock { state in
                guard recorded.seq > state.projections.seq else { return }
                state.projections.apply(recorded) { _ in restored! }
            }
        }
        if let warning = rebuilt.warning { configuration.warn(warning) }
        let woken = live.withLock { state -> [CheckedContinuation<Result<Void, EngineError>, Never>] in
            state.chain = chain
            let seq = state.projections.seq
            let ready = state.waiters.filter { $0.seq <= seq }.map(\.continuation)
            state.waiters.removeAll { $0.seq <= seq }
            return ready
        }
        for continuation in woken { continuation.resume(returning: .success(())) }
    }

    /// Catches up from the journal after the feed dropped frames (this subscriber lagged).
    private func foldFromJournal() throws(EngineError) {
        var filter = EventFilter()
        filter.fromSeq = live.withLock { $0.projections.seq } + 1
        do {
            let summary = try JournalReader(directory: configuration.journal.directory, kernel: configuration.kernel).readFrames(filter) { frame in
                try fold(frame.events, chain: frame.chainAfter)
                return true
            }
            if let damage = summary.damage, !damage.isTornTail { throw EngineError(.integrity, "catching up from the journal: \(damage)") }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.journal, "catching up from the journal: \(error)")
        }
    }

    /// Stops folding: every waiter, now and later, gets `error`.
    private func stop(_ error: EngineError) {
        let woken = live.withLock { state -> [CheckedContinuation<Result<Void, EngineError>, Never>] in
            if state.stopped == nil { state.stopped = error }
            defer { state.waiters.removeAll() }
            return state.waiters.map(\.continuation)
        }
        for continuation in woken { continuation.resume(returning: .failure(error)) }
    }
}

/// How the engine's state was rebuilt at startup.
public struct StartupReport: Sendable {
    /// The snapshot loaded; nil: replayed from the start of the journal.
    public var snapshot: SnapshotHeader?
    /// Events replayed after it.
    public var replayedEventCount: Int
    /// Snapshots skipped, newest first, with why.
    public var skippedSnapshots: [SnapshotError]
    /// The one warning line startup printed, if any.
    public var warning: String?
    /// Time spent listing, checking and decoding snapshots (`RebuiltState.baseLoadTime`).
    public var snapshotLoadTime: Duration
    /// Time spent replaying the journal's tail after the snapshot.
    public var tailReplayTime: Duration

    init(_ rebuilt: RebuiltState) {
        snapshot = rebuilt.base
        snapshotLoadTime = rebuilt.baseLoadTime
        tailReplayTime = rebuilt.replayTime
        replayedEventCount = rebuilt.replayedEventCount
        skippedSnapshots = rebuilt.skippedSnapshots
        warning = rebuilt.warning
    }
}
