#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Integrity
import Synchronization
import POSIX

/// The one writer of a journal folder: appends events as frames, with group commit.
///
/// Open it with `open(_:)`, which takes the folder's `LOCK` (a second writer, in this or another
/// process, fails at once naming the holder's pid) and runs recovery. Both `append`s are
/// thread-safe. Concurrent appends are committed together, in two stages (see `CommitState`):
/// whoever holds an encoder role compresses one frame from everything queued and puts it in the
/// ready queue — up to one encoder per core at once, so consecutive frames compress in
/// parallel; whoever holds the I/O role seals the ready frames in order (seqs, chain), writes
/// them, syncs once per segment, acknowledges them and carries on while frames are ready — so
/// frames N+1 and N+2 are compressed while frame N is written and synced, and no thread has to
/// be woken between two syncs. Each append is still exactly one frame. A blocked synchronous
/// appender takes the roles on its own thread; requests of the `async` append
/// (JournalWriter+Async.swift) are served by committer threads, so no task ever blocks a
/// cooperative thread on I/O.
///
/// Any write or sync failure is fatal: the failing append and everything queued behind it throw,
/// and every later append throws `.writerFailed` with the original cause. Nothing is ever
/// acknowledged that is not written (and, in `.always` mode, synced).
public final class JournalWriter: Sendable {
    /// The configuration the writer was opened with.
    public let configuration: JournalConfiguration
    /// What recovery quarantined at open, if anything (each also appended as a
    /// `journal.recovered` event).
    public let recoveryReports: [RecoveryReport]

    private let io: FileIO
    private let lockDescriptor: Int32
    private let state: PlainLock<CommitState>
    // @unchecked Sendable boxes: both are touched only by the thread holding the I/O role
    // (`ioBusy` in `state`), and role hand-offs go through the mutex, which orders the memory
    // accesses.
    private let sealer: Exclusive<FrameBuilder>
    private let output: Exclusive<SegmentWriter>
    /// `.batch` mode's periodic sync (nil otherwise).
    private let flusher: BatchFlusher?
    /// Committed frames, in seq order, for subscribers (`subscribe`).
    let feed: CommitFeed

    /// Opens (creating if needed) the journal in `configuration.directory` for writing.
    ///
    /// Throws `.locked` if another writer holds it, `.corrupt` if damage precedes the tail (the
    /// message names segment, offset and seqs), `.io` for system failures.
    public static func open(_ configuration: JournalConfiguration) throws(JournalError) -> JournalWriter {
        let io = configuration.kernel.io
        let directory = configuration.directory
        if try io.makeDirectory(directory) {
            // The new folder's name must survive a crash too.
            let parent = directory.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            try io.syncDirectory(parent.isEmpty ? (directory.hasPrefix("/") ? "/" : ".") : parent)
        }
        let lockDescriptor = try WriterLock.acquire(directory: directory, io: io, adminURL: configuration.adminURL)
        do throws(JournalError) {
            let (tail, reports) = try Recovery.run(directory: directory, io: io)
            let writer = try JournalWriter(configuration: configuration, io: io, lock: lockDescriptor, tail: tail, reports: reports)
            if !reports.isEmpty {
                var events: [EventDraft] = []
                for report in reports { events.append(try EventDraft(type: "journal.recovered", data: report.eventData)) }
                _ = try writer.append(events)
            }
            return writer
        } catch {
            io.close(lockDescriptor)
            throw error
        }
    }

    private init(configuration: JournalConfiguration, io: FileIO, lock: Int32, tail: JournalTail?, reports: [RecoveryReport]) throws(JournalError) {
        self.configuration = configuration
        self.io = io
        lockDescriptor = lock
        recoveryReports = reports
        feed = CommitFeed(nextSeq: tail?.nextSeq ?? 1)
        sealer = Exclusive(FrameBuilder(tail: tail, segmentByteLimit: configuration.segmentByteLimit, clock: configuration.clock))
        output = Exclusive(try SegmentWriter(directory: configuration.directory, tail: tail, configuration: configuration, io: io))
        state = PlainLock(CommitState(headSeq: (tail?.nextSeq ?? 1) - 1, chain: tail?.chain ?? .zero, encoderCount: JournalWriter.encoderCount,
                                      pendingEventLimit: configuration.pendingEventLimit, pendingByteLimit: configuration.pendingByteLimit))
        flusher = configuration.durability == .batch ? BatchFlusher(interval: configuration.batchSyncInterval) : nil
        flusher?.start { [weak self] in self?.syncUnsyncedWrites() ?? true }
    }

    deinit {
        do throws(JournalError) {
            try close()
        } catch {
            let line = Array("mobius-dhash: a journal writer was dropped without close() and closing it failed: \(error)\n".utf8)
            _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
    }

    /// Subscribes to the commit feed: every frame committed from now on, in seq order, after it
    /// is acknowledged, with exactly the events and timestamp a reader will see (see
    /// `CommitSubscription`, which also says what happens to a subscriber that falls more than
    /// `bufferedEventLimit` events behind). The subscription ends when the writer closes or stops.
    public func subscribe(bufferedEventLimit: Int = 1 << 16) -> CommitSubscription {
        update { s in feed.subscribe(startSeq: s.headSeq + 1, bufferedEventLimit: bufferedEventLimit) }
    }

    /// Seq of the last acknowledged event (0 for an empty journal).
    public var headSeq: UInt64 { update { $0.headSeq } }

    /// The chain value after the last acknowledged frame.
    public var chainValue: SHA256Digest { update { $0.chain } }

    /// Why the writer accepts no more appends — the failure that stopped it, or `.closed` —
    /// or nil while it does (health reports a journal that cannot be written as CRITICAL).
    public var stopReason: JournalError? {
        update { s in s.failure ?? (s.isClosed ? JournalError(.closed, "the journal writer was closed") : nil) }
    }

    /// Appends `drafts` as one frame (atomic: all or none survive a crash) and returns their seqs
    /// once acknowledged per the durability mode. Thread-safe; blocks the calling thread until
    /// then (from Swift concurrency, use the `async` overload, which blocks no thread).
    ///
    /// Waits while the queue is full (`pendingEventLimit` / `pendingByteLimit`).
    /// Throws `.invalidEvent` (nothing written) for an empty or over-64-MiB batch, the I/O error
    /// that stopped the writer, `.writerFailed` after an earlier failure, `.closed` after `close`.
    public func append(_ drafts: [EventDraft]) throws(JournalError) -> AppendReceipt {
        let bytes = try JournalWriter.recordByteCount(of: drafts)
        let parking = Parking()
        let request = AppendRequest(drafts: drafts, byteCount: bytes, completion: .parked(parking))
        var leads = try update { (s) throws(JournalError) -> Bool in
            try s.checkAccepting()
            guard s.enqueue(request) else { return false }
            if s.canLead && s.isIdleForBlockedLeader && s.pending.first === request {
                s.leadOutstanding = true
                return true
            }
            s.promoteNextLeader()
            return false
        }
        while true {
            if leads, let result = commitFrame(leader: parking, own: request) { return try result.get() }
            leads = false
            switch parking.next() {
            case .lead: leads = true
            case .writeTurn:
                if let result = writeReadyFrames(own: request, committer: nil) { return try result.get() }
            case .done(let receipt): return receipt
            case .failed(let error): throw error
            case .waiting, .stop: continue
            }
        }
    }

    /// The encoded size of `drafts`, checked against the one-frame limit.
    static func recordByteCount(of drafts: [EventDraft]) throws(JournalError) -> Int {
        guard !drafts.isEmpty else { throw JournalError(.invalidEvent, "append needs at least one event") }
        var bytes = 0
        for draft in drafts { bytes += RecordCodec.encodedLength(of: draft) }
        guard bytes <= JournalFormat.maxUncompressedLength else {
            throw JournalError(.invalidEvent, "one append holds at most \(JournalFormat.maxUncompressedLength) bytes of events (this one: \(bytes)); split it into several appends")
        }
        return bytes
    }

    /// Compresses one frame holding the lead (for `own`'s thread, or as a committer thread when
    /// `own` is nil), queues it for writing, hands the lead on and — if the I/O role is free and
    /// the frame to write next is ready — writes the ready frames. Returns `own`'s outcome if
    /// already known.
    func commitFrame(leader: Parking, own: AppendRequest?) -> AppendResult? {
        let committer = own == nil ? leader : nil
        let taken = update { s in
            defer { s.promoteNextLeader() }
            let taken = s.takeBatch(limit: configuration.groupByteLimit)
            if taken == nil, let committer { s.idleCommitters.append(committer) }
            return taken
        }
        guard let (batch, ticket, encoder) = taken else { return nil }
        let payload = encoder.encode(batch.map(\.drafts))
        var ownResult: AppendResult? = nil
        let writes = update { s -> Bool in
            s.freeEncoders.append(encoder)
            defer { s.promoteNextLeader() }
            if let failure = s.failure {
                ownResult = s.fail(batch, except: own, with: failure)
            } else {
                s.insertReady(EncodedFrame(ticket: ticket, payload: payload, batch: batch, builder: committer == nil ? leader : nil))
                if !s.ioBusy && s.hasWritableFrame {
                    s.ioBusy = true
                    return true
                }
            }
            if let committer { s.idleCommitters.append(committer) }
            return false
        }
        return writes ? writeReadyFrames(own: own, committer: committer) : ownResult
    }

    /// Holding the I/O role: seals the next ready frames in order, writes those of one segment,
    /// syncs once, acknowledges them, and repeats while frames are ready — except that a blocked
    /// appender, once its own append is acknowledged, passes the role on (to the builder of the
    /// next frame or an idle committer) and returns. Returns `own`'s outcome if it was among the
    /// frames.
    func writeReadyFrames(own: AppendRequest?, committer: Parking?) -> AppendResult? {
        var ownResult: AppendResult? = nil
        var group = update { s in nextGroupOrRelease(&s, committer: committer) }
        while !group.isEmpty {
            // Frames written together (one write, one sync per segment) form one sync group, and
            // so do frames written after unsynced ones (`.batch`, `.none`): a crash can tear them
            // together, and recovery must know (flags bit 2).
            let isUnsynced = output.value.hasUnsyncedBytes
            var sealed = group.enumerated().map { position, encoded in
                BuiltFrame(frame: sealer.value.seal(encoded.payload, continuesSyncGroup: position > 0 || isUnsynced), batch: encoded.batch)
            }[...]
            while let run = JournalWriter.takeSegmentRun(&sealed) {
                do {
                    try output.value.write(run.map(\.frame))
                } catch {
                    update { s in
                        let failure = JournalError(.writerFailed, "an earlier write failed, so this writer accepts nothing more; reopen the journal (recovery checks the tail). Cause: \(error)", path: error.path, offset: error.offset, errno: error.errno)
                        if let result = s.stop(failure: failure, cause: error, own: own) { ownResult = result }
                        for built in run + sealed {
                            if let result = s.fail(built.batch, except: own, with: error) { ownResult = result }
                        }
                        s.ioBusy = false
                        if let committer { s.idleCommitters.append(committer) }
                    }
                    feed.finish()
                    return ownResult
                }
                let isLast = sealed.isEmpty
                var publishes = false
                let next = update { s -> [EncodedFrame] in
                    if let result = s.acknowledge(run, own: own) { ownResult = result }
                    publishes = feed.hasSubscribers
                    defer { s.promoteNextLeader() }
                    guard isLast else { return [] }
                    if ownResult != nil && s.handOnIO() { return [] }
                    return nextGroupOrRelease(&s, committer: committer)
                }
                if publishes { feed.publish(run.map(\.committed)) }
                if output.value.hasUnsyncedBytes { flusher?.arm() }
                if isLast { group = next }
            }
        }
        return ownResult
    }

    /// Removes the leading frames of `sealed` that go to one segment (one write, one sync): the
    /// first, and those after it up to the next that starts a segment. Nil when empty.
    private static func takeSegmentRun(_ sealed: inout ArraySlice<BuiltFrame>) -> [BuiltFrame]? {
        guard !sealed.isEmpty else { return nil }
        var end = sealed.startIndex + 1
        while end < sealed.endIndex && sealed[end].frame.newSegment == nil { end += 1 }
        defer { sealed = sealed[end...] }
        return Array(sealed[..<end])
    }

    /// The ready frames the I/O role writes next; with none, frees the role (and a committer
    /// thread holding it goes idle).
    private func nextGroupOrRelease(_ s: inout CommitState, committer: Parking?) -> [EncodedFrame] {
        let group = s.takeReadyGroup()
        if group.isEmpty {
            s.ioBusy = false
            if let committer { s.idleCommitters.append(committer) }
            s.promoteNextLeader()
        }
        return group
    }

    /// Runs `body` under the state mutex, then carries out the wake-ups it decided on (never
    /// under the mutex). Wakes `close` once nothing is in flight any more.
    @inline(__always)
    func update<T, E: Error>(_ body: (inout CommitState) throws(E) -> T) throws(E) -> T {
        var actions: [CommitAction] = []
        let result = try state.withLock { (s) throws(E) -> T in
            defer {
                if let closer = s.closeWaiter, !s.isBusy {
                    s.closeWaiter = nil
                    s.signal(closer, .stop)
                }
                swap(&actions, &s.actions)
            }
            return try body(&s)
        }
        for action in actions { action.perform() }
        return result
    }

    /// Waits for in-flight commits, syncs (`.batch`), writes the active segment's index, closes
    /// the segment and releases the lock; the commit feed's subscriptions end. Later appends
    /// throw `.closed`. Calling it twice is harmless. Throws the error of the final sync or
    /// index write; a writer dropped without `close` reports that error on standard error,
    /// having nowhere else to put it.
    public func close() throws(JournalError) {
        let closer = Parking()
        let (wasOpen, mustWait) = update { s -> (Bool, Bool) in
            defer { s.isClosed = true }
            guard !s.isClosed else { return (false, false) }
            if s.isBusy { s.closeWaiter = closer }
            return (true, s.isBusy)
        }
        guard wasOpen else { return }
        if mustWait { _ = closer.next() }
        flusher?.stop()
        stopCommitters()
        feed.finish()
        let failed = update { $0.failure != nil }
        defer { io.close(lockDescriptor) }
        if !failed { try output.value.close() }
    }

    /// Records `url` in `LOCK` as this writer's admin API, where CLI writers look for the
    /// server holding the journal (`WriterLock.holder`).
    public func recordAdminURL(_ url: String) throws(JournalError) {
        try WriterLock.record(adminURL: url, heldThrough: lockDescriptor, directory: configuration.directory, io: io)
    }

    /// `.batch` mode's flusher: syncs what a write left unsynced once `batchSyncInterval` has
    /// passed, when the I/O role is free (a busy writer syncs in its own writes meanwhile).
    /// Returns false when the role was busy, so the flusher tries again an interval later.
    func syncUnsyncedWrites() -> Bool {
        let acquired = update { s -> Bool in
            guard !s.ioBusy, s.failure == nil else { return false }
            s.ioBusy = true
            return true
        }
        guard acquired else { return update { $0.failure != nil || $0.isClosed } }
        do throws(JournalError) {
            try output.value.sync()
            // Frames built meanwhile wait for the I/O role: write them before letting go.
            let drains = update { s -> Bool in
                if !s.hasWritableFrame { s.ioBusy = false }
                return s.hasWritableFrame
            }
            if drains { _ = writeReadyFrames(own: nil, committer: nil) }
        } catch {
            update { s in
                _ = s.stop(failure: JournalError(.writerFailed, "a periodic sync failed, so this writer accepts nothing more; appends since the last sync may be lost. Cause: \(error)", errno: error.errno), cause: error, own: nil)
                s.ioBusy = false
            }
            feed.finish()
        }
        return true
    }
}
