import Foundation

/// The async append: callers suspend instead of parking a thread, and committer threads do the
/// work for them.
///
/// With many concurrent appenders, a parked thread per append costs a futex wake and two context
/// switches per acknowledgement, whatever the disk does. Here an appending task only queues its
/// request and suspends; a committer thread builds the frame, writes and syncs it, and then
/// resumes every task of the frame in one go. Three committers, because two can compress frames
/// N+1 and N+2 (one per core) while the third writes and syncs frame N; all are plain threads,
/// because `fdatasync` on a cooperative thread would stall every task of the pool for its
/// duration. They start on the first async append and stop at `close`.
extension JournalWriter {
    /// Encoders per writer, i.e. frames compressed at once: one per core of the 2-core machine
    /// this is tuned for (more would only time-slice; each holds ~1.2 MiB of zlib state).
    static let encoderCount = 2

    /// Committer threads per writer: one per encoder, plus one doing I/O meanwhile.
    static let committerCount = encoderCount + 1

    /// Appends `drafts` as one frame (atomic: all or none survive a crash) and returns their seqs
    /// once acknowledged per the durability mode — in `.always` mode after the frame's
    /// `fdatasync`. The calling task suspends meanwhile; no thread blocks.
    ///
    /// Backpressure: while `pendingEventLimit` events or `pendingByteLimit` bytes are queued, the
    /// append waits for room, in arrival order. Cancellation: if the task is cancelled before the
    /// events entered the queue (already cancelled at the call, or while waiting for room), the
    /// append throws `.cancelled` and writes nothing; once queued it is committed regardless and
    /// returns its seqs, so a caller always learns what was written.
    ///
    /// Throws `.invalidEvent` (nothing written) for an empty or over-64-MiB batch, the I/O error
    /// that stopped the writer, `.writerFailed` after an earlier failure, `.closed` after `close`.
    public func append(_ drafts: [EventDraft]) async throws(JournalError) -> AppendReceipt {
        let bytes = try JournalWriter.recordByteCount(of: drafts)
        let request = AppendRequest(drafts: drafts, byteCount: bytes, completion: nil)
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in submit(request, resuming: continuation) }
        } onCancel: {
            withdraw(request)
        }
        return try result.get()
    }

    /// Queues `request` (or fails it at once), starting the committers on first use.
    private func submit(_ request: AppendRequest, resuming continuation: UnsafeContinuation<AppendResult, Never>) {
        let started = update { s -> [Parking] in
            request.completion = .resume(continuation)
            do throws(JournalError) {
                try s.checkAccepting()
            } catch {
                s.complete(request, with: .failure(error))
                return []
            }
            guard !request.isWithdrawn else {
                s.complete(request, with: .failure(JournalWriter.cancellation))
                return []
            }
            var started: [Parking] = []
            if !s.hasCommitters {
                s.hasCommitters = true
                started = (0..<JournalWriter.committerCount).map { _ in Parking() }
                s.idleCommitters = started
            }
            _ = s.enqueue(request)
            s.promoteNextLeader()
            return started
        }
        // A lead signalled before a thread runs waits in its semaphore.
        for parking in started { startCommitter(parking) }
    }

    /// The cancellation handler: withdraws `request` unless it already entered the queue.
    private func withdraw(_ request: AppendRequest) {
        update { s in
            guard request.completion != nil else {
                // The task has not suspended yet; `submit` sees the flag and fails it.
                request.isWithdrawn = true
                return
            }
            if s.withdraw(request) { s.complete(request, with: .failure(JournalWriter.cancellation)) }
        }
    }

    private static let cancellation = JournalError(.cancelled, "the task was cancelled before its append entered the queue; nothing was written")

    /// Runs one committer thread: leads a commit each time it is told to, until `.stop`. It holds
    /// the writer only while committing, so an unclosed writer can still be deinitialised.
    private func startCommitter(_ parking: Parking) {
        let thread = Thread { [weak self] in
            // Named from inside: Foundation on Linux does not apply a name set before start, and
            // the thread would show up in profiles under its creator's (the pool's) name.
            Thread.current.name = "journal-commit"
            while true {
                switch parking.next() {
                case .lead:
                    guard let self else { return }
                    _ = self.commitFrame(leader: parking, own: nil)
                case .writeTurn:
                    guard let self else { return }
                    _ = self.writeReadyFrames(own: nil, committer: parking)
                case .stop:
                    return
                case .waiting, .done, .failed:
                    continue
                }
            }
        }
        thread.start()
    }

    /// Tells the (idle, since nothing is in flight) committer threads to exit; `close` calls it.
    func stopCommitters() {
        update { s in
            for parking in s.idleCommitters { s.signal(parking, .stop) }
            s.idleCommitters.removeAll()
        }
    }
}
