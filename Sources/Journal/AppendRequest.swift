import Dispatch

/// What an append call gets back: its receipt once acknowledged, or why it was not written.
typealias AppendResult = Result<AppendReceipt, JournalError>

/// One caller's append waiting in the group-commit queue.
final class AppendRequest: @unchecked Sendable {
    // @unchecked Sendable: `drafts` and `byteCount` are immutable; `completion` and
    // `isWithdrawn` are only read and written under the writer's state mutex.
    /// The events of this append call.
    let drafts: [EventDraft]
    /// Their encoded record size, for group-size and backpressure limits.
    let byteCount: Int
    /// How the caller learns the outcome; nil until an async caller has suspended.
    var completion: Completion?
    /// An async caller's task was cancelled before the request entered the queue.
    var isWithdrawn = false

    /// How the owner of a request is told its outcome.
    enum Completion {
        /// A thread blocked in the synchronous `append`, which may also be asked to lead.
        case parked(Parking)
        /// A suspended task in the async `append`.
        case resume(UnsafeContinuation<AppendResult, Never>)
    }

    /// A request for `drafts`, `byteCount` record bytes in all.
    init(drafts: [EventDraft], byteCount: Int, completion: Completion?) {
        self.drafts = drafts
        self.byteCount = byteCount
        self.completion = completion
    }
}

/// A thread blocked on the writer — a synchronous appender or a committer thread — and what it
/// is told when woken.
final class Parking: @unchecked Sendable {
    // @unchecked Sendable: `signal` is written under the writer's mutex before `semaphore` is
    // signalled, and read by the parked thread after its `wait` returns; the semaphore orders
    // the two.
    /// Signalled once per change of `signal`.
    let semaphore = DispatchSemaphore(value: 0)
    /// The latest instruction or outcome.
    var signal: Signal = .waiting

    /// What a parked thread is told.
    enum Signal {
        case waiting
        /// Take the encoder role: build the next frame.
        case lead
        /// The I/O role is yours: write the ready frames.
        case writeTurn
        /// Your append was acknowledged with this receipt.
        case done(AppendReceipt)
        /// Your append was not written; throw this.
        case failed(JournalError)
        /// The writer closed: a committer thread exits.
        case stop
    }

    /// Blocks until the next signal and returns it.
    func next() -> Signal {
        semaphore.wait()
        return signal
    }
}

/// What the commit state machine decides under the writer's mutex and the writer carries out
/// after releasing it, so the lock is never held across a futex wake or a task resumption.
/// State-level tests read these instead of running threads.
enum CommitAction {
    /// Wake a parked thread: its instruction or outcome is already in `parking.signal`.
    case wake(Parking)
    /// Resume a suspended task with its outcome.
    case resume(UnsafeContinuation<AppendResult, Never>, AppendResult)

    /// Carries out the action.
    func perform() {
        switch self {
        case .wake(let parking): parking.semaphore.signal()
        case .resume(let continuation, let result): continuation.resume(returning: result)
        }
    }
}
