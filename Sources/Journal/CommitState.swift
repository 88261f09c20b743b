import Dispatch
import Integrity

/// One caller's append waiting in the group-commit queue.
final class AppendRequest: @unchecked Sendable {
    // @unchecked Sendable: `drafts` and `byteCount` are immutable; `outcome` is only read and
    // written under the writer's state mutex; `wake` is a thread-safe semaphore.
    /// The events of this append call.
    let drafts: [EventDraft]
    /// Their encoded record size, for group-size limits.
    let byteCount: Int
    /// Signalled when `outcome` changes.
    let wake = DispatchSemaphore(value: 0)
    /// What the owner should do or return; written under the writer's mutex.
    var outcome: Outcome = .waiting

    /// What the owner of a waiting request is told when woken.
    enum Outcome {
        case waiting
        /// Become the leader: build the next frame.
        case lead
        /// The I/O role is yours: write your frame.
        case writeTurn
        /// Acknowledged with these seqs.
        case done(ClosedRange<UInt64>)
        /// Not written; throw this.
        case failed(JournalError)
    }

    /// A request for `drafts`, `byteCount` record bytes in all.
    init(drafts: [EventDraft], byteCount: Int) {
        self.drafts = drafts
        self.byteCount = byteCount
    }
}

/// The group-commit state machine, always accessed under the writer's mutex.
///
/// Two roles, each held by at most one thread: the encoder (builds the next frame from the
/// queue) and I/O (writes and syncs one frame). The encoder role is released only once its
/// holder has the I/O role, so frames are written in build order, and a thread is promoted to
/// leader only when it has a request queued — no thread is ever woken without work.
struct CommitState {
    /// Appends not yet taken into a frame, oldest first.
    var pending: [AppendRequest] = []
    /// Some thread holds the encoder role.
    var encoderBusy = false
    /// Some thread holds the I/O role.
    var ioBusy = false
    /// The encoder waiting for the I/O role, if any.
    var ioWaiter: AppendRequest?
    /// The write or sync failure that stopped the writer.
    var failure: JournalError?
    /// `close` was called.
    var isClosed = false
    /// Seq of the last acknowledged event.
    var headSeq: UInt64
    /// Chain value after the last acknowledged frame.
    var chain: SHA256Digest
    /// Requests whose outcome changed; their owners are woken after the mutex is released, so
    /// the lock is not held across a futex wake per appender.
    var wakeList: [AppendRequest] = []

    /// The state of a writer whose journal ends at `headSeq` with `chain`.
    init(headSeq: UInt64, chain: SHA256Digest) {
        self.headSeq = headSeq
        self.chain = chain
    }

    /// Throws if the writer no longer accepts appends.
    func checkAccepting() throws(JournalError) {
        if let failure { throw failure }
        if isClosed { throw JournalError(.closed, "the journal writer was closed; open a new one") }
    }

    /// Removes the queue's head and as many followers as fit in `limit` record bytes.
    mutating func takeBatch(limit: Int) -> [AppendRequest] {
        var bytes = 0
        var count = 0
        for request in pending {
            if count > 0 && bytes + request.byteCount > limit { break }
            bytes += request.byteCount
            count += 1
        }
        let batch = Array(pending[..<count])
        pending.removeFirst(count)
        return batch
    }

    /// Hands the encoder role to the owner of the oldest queued request, if any.
    mutating func promoteNextLeader() {
        guard let next = pending.first, !encoderBusy else { return }
        encoderBusy = true
        next.outcome = .lead
        wakeList.append(next)
    }

    /// Frees the I/O role, or passes it straight to the encoder waiting for it.
    mutating func releaseIO() {
        if let waiter = ioWaiter {
            ioWaiter = nil
            waiter.outcome = .writeTurn
            wakeList.append(waiter)
        } else {
            ioBusy = false
        }
    }

    /// Fails every request in `requests` with `error` and wakes their owners.
    mutating func fail(_ requests: [AppendRequest], with error: JournalError) {
        for request in requests {
            request.outcome = .failed(error)
            wakeList.append(request)
        }
    }
}

/// A reference to a non-Sendable object that one role-holding thread uses at a time.
final class Exclusive<Value>: @unchecked Sendable {
    // @unchecked Sendable: JournalWriter only touches `value` while holding the role (encoder
    // or I/O) that owns it; role changes happen under a mutex, which orders the accesses.
    /// The guarded object.
    let value: Value
    /// Wraps `value`.
    init(_ value: Value) { self.value = value }
}
