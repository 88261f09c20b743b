import Integrity

/// The group-commit state machine, always accessed under the writer's mutex.
///
/// Two roles, each held by at most one thread: the encoder (builds the next frame from the
/// queue) and I/O (writes and syncs one frame). The encoder role is released only once its
/// holder has the I/O role, so frames are written in build order. The role goes to the owner of
/// the oldest queued request if that is a blocked synchronous appender, otherwise to an idle
/// committer thread (async appenders never do I/O themselves) — no thread is woken without work.
///
/// Backpressure: at most `pendingEventLimit` events and `pendingByteLimit` record bytes wait in
/// `pending`; further appends wait, in arrival order, in `waitingForRoom` and move into
/// `pending` as frames take requests out (one append bigger than the limits is admitted alone).
struct CommitState {
    /// Appends not yet taken into a frame, oldest first.
    var pending: [AppendRequest] = []
    /// Appends waiting for room in `pending`, oldest first.
    var waitingForRoom: [AppendRequest] = []
    /// Events in `pending`.
    private(set) var pendingEventCount = 0
    /// Record bytes in `pending`.
    private(set) var pendingByteCount = 0
    /// Most events `pending` holds before appends wait for room.
    let pendingEventLimit: Int
    /// Most record bytes `pending` holds before appends wait for room.
    let pendingByteLimit: Int
    /// Some thread holds the encoder role.
    var encoderBusy = false
    /// Some thread holds the I/O role.
    var ioBusy = false
    /// The encoder waiting for the I/O role, if any.
    var ioWaiter: Parking?
    /// Committer threads with no role, ready to lead for async appenders.
    var idleCommitters: [Parking] = []
    /// Whether the committer threads were started (on the first async append).
    var hasCommitters = false
    /// The write or sync failure that stopped the writer.
    var failure: JournalError?
    /// `close` was called.
    var isClosed = false
    /// Seq of the last acknowledged event.
    var headSeq: UInt64
    /// Chain value after the last acknowledged frame.
    var chain: SHA256Digest
    /// Wake-ups to carry out once the mutex is released.
    var wakes: [Wake] = []

    /// The state of a writer whose journal ends at `headSeq` with `chain`.
    init(headSeq: UInt64, chain: SHA256Digest, pendingEventLimit: Int, pendingByteLimit: Int) {
        self.headSeq = headSeq
        self.chain = chain
        self.pendingEventLimit = pendingEventLimit
        self.pendingByteLimit = pendingByteLimit
    }

    /// Whether appends are still in the writer's hands (queued, waiting for room or in flight).
    var isBusy: Bool { encoderBusy || ioBusy || !pending.isEmpty || !waitingForRoom.isEmpty }

    /// Throws if the writer no longer accepts appends.
    func checkAccepting() throws(JournalError) {
        if let failure { throw failure }
        if isClosed { throw JournalError(.closed, "the journal writer was closed; open a new one") }
    }

    /// Queues `request`, or parks it in `waitingForRoom` if the queue is full or others wait.
    /// Returns whether it entered the queue.
    mutating func enqueue(_ request: AppendRequest) -> Bool {
        guard waitingForRoom.isEmpty, hasRoom(for: request) else {
            waitingForRoom.append(request)
            return false
        }
        admit(request)
        return true
    }

    private func hasRoom(for request: AppendRequest) -> Bool {
        pending.isEmpty || (pendingEventCount + request.drafts.count <= pendingEventLimit
            && pendingByteCount + request.byteCount <= pendingByteLimit)
    }

    private mutating func admit(_ request: AppendRequest) {
        pending.append(request)
        pendingEventCount += request.drafts.count
        pendingByteCount += request.byteCount
    }

    /// Removes the queue's head and as many followers as fit in `limit` record bytes, then
    /// admits waiting appends that now fit.
    mutating func takeBatch(limit: Int) -> [AppendRequest] {
        var bytes = 0
        var count = 0
        var events = 0
        for request in pending {
            if count > 0 && bytes + request.byteCount > limit { break }
            bytes += request.byteCount
            events += request.drafts.count
            count += 1
        }
        let batch = Array(pending[..<count])
        pending.removeFirst(count)
        pendingEventCount -= events
        pendingByteCount -= bytes
        var admitted = 0
        while admitted < waitingForRoom.count, hasRoom(for: waitingForRoom[admitted]) {
            admit(waitingForRoom[admitted])
            admitted += 1
        }
        waitingForRoom.removeFirst(admitted)
        return batch
    }

    /// Takes `request` back out of `waitingForRoom` (its task was cancelled); returns false if
    /// it already entered the queue, where it will be committed.
    mutating func withdraw(_ request: AppendRequest) -> Bool {
        guard let index = waitingForRoom.firstIndex(where: { $0 === request }) else { return false }
        waitingForRoom.remove(at: index)
        return true
    }

    /// If the encoder role is free and appends are queued, hands it to the owner of the oldest
    /// one if that is a blocked thread, else to an idle committer. With none idle (both busy with
    /// I/O and a finished frame), the committer that goes idle next calls this again.
    mutating func promoteNextLeader() {
        guard !encoderBusy, let head = pending.first else { return }
        let leader: Parking
        if case .parked(let parking) = head.completion {
            leader = parking
        } else if let committer = idleCommitters.popLast() {
            leader = committer
        } else {
            return
        }
        encoderBusy = true
        signal(leader, .lead)
    }

    /// Frees the I/O role, or passes it straight to the encoder waiting for it.
    mutating func releaseIO() {
        if let waiter = ioWaiter {
            ioWaiter = nil
            signal(waiter, .writeTurn)
        } else {
            ioBusy = false
        }
    }

    /// Tells `parking`'s thread `value` once the mutex is released.
    mutating func signal(_ parking: Parking, _ value: Parking.Signal) {
        parking.signal = value
        wakes.append(.thread(parking))
    }

    /// Delivers `result` to the owner of `request` once the mutex is released.
    mutating func complete(_ request: AppendRequest, with result: AppendResult) {
        switch request.completion {
        case .parked(let parking):
            switch result {
            case .success(let seqs): signal(parking, .done(seqs))
            case .failure(let error): signal(parking, .failed(error))
            }
        case .resume(let continuation):
            wakes.append(.task(continuation, result))
        case nil:
            preconditionFailure("an async append was queued before its task suspended")
        }
    }

    /// Fails every request in `requests` except `own` (whose owner is the caller) with `error`.
    mutating func fail(_ requests: [AppendRequest], except own: AppendRequest? = nil, with error: JournalError) {
        for request in requests where request !== own { complete(request, with: .failure(error)) }
    }

    /// Stops the writer after `cause`: records `failure` (what later appends get) and fails
    /// everything queued or waiting for room with `cause`.
    mutating func stop(failure: JournalError, cause: JournalError) {
        self.failure = failure
        fail(pending, with: cause)
        fail(waitingForRoom, with: cause)
        pending.removeAll()
        waitingForRoom.removeAll()
        pendingEventCount = 0
        pendingByteCount = 0
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
