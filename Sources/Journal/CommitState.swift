import Integrity

/// A frame's payload compressed and waiting to be sealed and written, with the appends it
/// acknowledges.
struct EncodedFrame {
    /// Build order: the frame's place in seq order (tickets are handed out with the batches).
    let ticket: Int
    /// The compressed payload.
    let payload: EncodedPayload
    /// Its appends, in seq order.
    let batch: [AppendRequest]
    /// The blocked synchronous appender that built it (nil: a committer thread); it is handed
    /// the I/O role for it, so a blocked appender does not write frames queued behind its own.
    let builder: Parking?
}

/// A sealed frame being written, with the appends it acknowledges.
struct BuiltFrame {
    /// The frame.
    let frame: PreparedFrame
    /// Its appends, in seq order.
    let batch: [AppendRequest]

    /// The frame as the commit feed delivers it: its drafts with the seqs and timestamp they
    /// were committed with (the stored bytes are the drafts' bytes, so a reader sees the same).
    var committed: CommittedFrame {
        var events: [JournalEvent] = []
        events.reserveCapacity(Int(frame.seqs.count))
        var seq = frame.seqs.lowerBound
        for request in batch {
            for draft in request.drafts {
                events.append(JournalEvent(seq: seq, timestamp: frame.timestamp, type: draft.type, version: draft.version,
                                           requestId: draft.requestId, data: draft.data))
                seq += 1
            }
        }
        return CommittedFrame(events: events, timestamp: frame.timestamp, chain: frame.chain)
    }
}

/// The group-commit state machine, always accessed under the writer's mutex.
///
/// Two kinds of role. An encoder takes the queued appends as one batch with the next ticket and
/// compresses its payload with one of the `PayloadEncoder`s in `freeEncoders` — there are as
/// many encoders as cores, so consecutive frames compress at the same time — and puts it in
/// `ready`. The I/O role (one thread at a time) takes the ready frames whose tickets follow on
/// from the last written one, seals them in ticket order (seqs, timestamp, segment, chain),
/// writes them, syncs once per segment, acknowledges them, and goes on while frames are
/// ready. An encoder role goes to the owner of the oldest queued request if that is a blocked
/// synchronous appender, otherwise to an idle committer thread (async appenders never do I/O
/// themselves) — no thread is woken without work — and only one lead is outstanding at a time,
/// so each lead finds a batch to take. Blocked appenders lead one at a time
/// (`isIdleForBlockedLeader`).
///
/// Backpressure: at most `pendingEventLimit` events and `pendingByteLimit` record bytes are
/// accepted and not yet acknowledged (queued, built or being written); further appends wait, in
/// arrival order, in `waitingForRoom` until acknowledgements make room (one append bigger than
/// the limits is accepted alone).
struct CommitState {
    /// Accepted appends not yet taken into a frame, oldest first.
    var pending: [AppendRequest] = []
    /// Compressed frames not yet written, in ticket order (possibly with gaps: a later frame
    /// may finish compressing before an earlier one).
    var ready: [EncodedFrame] = []
    /// Ticket of the next batch taken.
    private var nextTicket = 0
    /// Ticket of the next frame to seal and write.
    private var nextWriteTicket = 0
    /// Appends waiting for room, oldest first.
    var waitingForRoom: [AppendRequest] = []
    /// Events accepted and not yet acknowledged or failed.
    private(set) var acceptedEventCount = 0
    /// Record bytes accepted and not yet acknowledged or failed.
    private(set) var acceptedByteCount = 0
    /// Most events accepted at once.
    let pendingEventLimit: Int
    /// Most record bytes accepted at once.
    let pendingByteLimit: Int
    /// Encoders not in use; a thread holding an encoder role has one of the others.
    var freeEncoders: [PayloadEncoder]
    /// How many encoders there are.
    let encoderCount: Int
    /// A lead was handed out and its batch not yet taken.
    var leadOutstanding = false
    /// Some thread holds the I/O role.
    var ioBusy = false
    /// Committer threads with no role, ready to lead for async appenders.
    var idleCommitters: [Parking] = []
    /// Whether the committer threads were started (on the first async append).
    var hasCommitters = false
    /// The write or sync failure that stopped the writer.
    var failure: JournalError?
    /// `close` was called.
    var isClosed = false
    /// `close`, waiting for what is in flight; woken (`.stop`) once nothing is busy.
    var closeWaiter: Parking?
    /// Seq of the last acknowledged event.
    var headSeq: UInt64
    /// Chain value after the last acknowledged frame.
    var chain: SHA256Digest
    /// What to do once the mutex is released; each transition appends to it and the writer
    /// drains it (`JournalWriter.update`), or a test reads it.
    var actions: [CommitAction] = []

    /// The state of a writer whose journal ends at `headSeq` with `chain`, compressing with up
    /// to `encoderCount` threads at once.
    init(headSeq: UInt64, chain: SHA256Digest, encoderCount: Int, pendingEventLimit: Int, pendingByteLimit: Int) {
        self.encoderCount = encoderCount
        freeEncoders = (0..<encoderCount).map { _ in PayloadEncoder() }
        self.headSeq = headSeq
        self.chain = chain
        self.pendingEventLimit = pendingEventLimit
        self.pendingByteLimit = pendingByteLimit
    }

    /// Whether appends are still in the writer's hands (queued, built, being written or waiting).
    var isBusy: Bool { leadOutstanding || freeEncoders.count < encoderCount || ioBusy || !pending.isEmpty || !ready.isEmpty || !waitingForRoom.isEmpty }

    /// Throws if the writer no longer accepts appends.
    func checkAccepting() throws(JournalError) {
        if let failure { throw failure }
        if isClosed { throw JournalError(.closed, "the journal writer was closed; open a new one") }
    }

    /// Accepts `request` into `pending`, or parks it in `waitingForRoom` if the limits are
    /// reached or others wait. Returns whether it was accepted.
    mutating func enqueue(_ request: AppendRequest) -> Bool {
        guard waitingForRoom.isEmpty, hasRoom(for: request) else {
            waitingForRoom.append(request)
            return false
        }
        accept(request)
        return true
    }

    private func hasRoom(for request: AppendRequest) -> Bool {
        acceptedEventCount == 0 || (acceptedEventCount + request.drafts.count <= pendingEventLimit
            && acceptedByteCount + request.byteCount <= pendingByteLimit)
    }

    private mutating func accept(_ request: AppendRequest) {
        pending.append(request)
        acceptedEventCount += request.drafts.count
        acceptedByteCount += request.byteCount
    }

    /// For the holder of the outstanding lead: removes the queue's head and as many followers as
    /// fit in `limit` record bytes, with the next ticket and an encoder to compress them with
    /// (give it back to `freeEncoders`). Returns nil if the writer failed since the lead was
    /// handed out (`stop` already failed the queue).
    mutating func takeBatch(limit: Int) -> (batch: [AppendRequest], ticket: Int, encoder: PayloadEncoder)? {
        leadOutstanding = false
        guard failure == nil, !pending.isEmpty else { return nil }
        let encoder = freeEncoders.removeLast()
        let ticket = nextTicket
        nextTicket += 1
        var bytes = 0
        var count = 0
        for request in pending {
            if count > 0 && bytes + request.byteCount > limit { break }
            bytes += request.byteCount
            count += 1
        }
        let batch = Array(pending[..<count])
        pending.removeFirst(count)
        return (batch, ticket, encoder)
    }

    /// Puts a compressed frame in `ready`, in ticket order.
    mutating func insertReady(_ frame: EncodedFrame) {
        var index = ready.count
        while index > 0 && ready[index - 1].ticket > frame.ticket { index -= 1 }
        ready.insert(frame, at: index)
    }

    /// Whether the frame to write next is ready.
    var hasWritableFrame: Bool { ready.first?.ticket == nextWriteTicket }

    /// Removes the ready frames the next write takes: those whose tickets follow on without a
    /// gap from the last frame taken.
    mutating func takeReadyGroup() -> [EncodedFrame] {
        var count = 0
        while count < ready.count && ready[count].ticket == nextWriteTicket + count { count += 1 }
        let group = Array(ready[..<count])
        ready.removeFirst(count)
        nextWriteTicket += count
        return group
    }

    /// Acknowledges the frames of `group` (all written and synced): completes every request but
    /// `own`, whose seqs it returns if present.
    mutating func acknowledge(_ group: [BuiltFrame], own: AppendRequest?) -> AppendResult? {
        var ownResult: AppendResult? = nil
        for built in group {
            var next = built.frame.seqs.lowerBound
            for member in built.batch {
                let seqs = next...(next + UInt64(member.drafts.count) - 1)
                next = seqs.upperBound + 1
                let receipt = AppendReceipt(seqs: seqs, timestamp: built.frame.timestamp, chain: built.frame.chain, frameLastSeq: built.frame.seqs.upperBound)
                if member === own { ownResult = .success(receipt) } else { complete(member, with: .success(receipt)) }
            }
            release(built.batch)
        }
        if let last = group.last {
            headSeq = last.frame.seqs.upperBound
            chain = last.frame.chain
        }
        return ownResult
    }

    /// Frees the room of finished accepted `requests` and accepts waiting appends that now fit.
    private mutating func release(_ requests: [AppendRequest]) {
        for request in requests {
            acceptedEventCount -= request.drafts.count
            acceptedByteCount -= request.byteCount
        }
        var admitted = 0
        while admitted < waitingForRoom.count, hasRoom(for: waitingForRoom[admitted]) {
            accept(waitingForRoom[admitted])
            admitted += 1
        }
        waitingForRoom.removeFirst(admitted)
    }

    /// Takes `request` back out of `waitingForRoom` (its task was cancelled); returns false if
    /// it was already accepted, in which case it will be committed.
    mutating func withdraw(_ request: AppendRequest) -> Bool {
        guard let index = waitingForRoom.firstIndex(where: { $0 === request }) else { return false }
        waitingForRoom.remove(at: index)
        return true
    }

    /// Whether a new lead may be handed out: appends are queued, an encoder is free and no
    /// other lead is waiting to take its batch.
    var canLead: Bool { !leadOutstanding && !freeEncoders.isEmpty && !pending.isEmpty }

    /// Whether a blocked synchronous appender may lead now: only when no frame is being
    /// compressed. Its thread also writes the frame it built, so a second blocked leader
    /// compressing alongside adds a frame and a thread hand-off per sync (64 blocking appenders
    /// ran ~20% slower that way); committer threads serving async appends lead in parallel.
    var isIdleForBlockedLeader: Bool { freeEncoders.count == encoderCount }

    /// If an encoder role can be handed out, hands it to the owner of the oldest queued append
    /// if that is a blocked thread, else to an idle committer. With none idle (all busy), the
    /// committer that goes idle next calls this again.
    mutating func promoteNextLeader() {
        guard canLead, let head = pending.first else { return }
        let leader: Parking
        if case .parked(let parking) = head.completion {
            guard isIdleForBlockedLeader else { return }
            leader = parking
        } else if let committer = idleCommitters.popLast() {
            leader = committer
        } else {
            return
        }
        leadOutstanding = true
        signal(leader, .lead)
    }

    /// Passes the I/O role for the next ready frames to the thread that built the first of them, or
    /// to an idle committer; returns false (keep it) if there is neither.
    mutating func handOnIO() -> Bool {
        guard hasWritableFrame, let first = ready.first else { return false }
        if let builder = first.builder {
            signal(builder, .writeTurn)
        } else if let committer = idleCommitters.popLast() {
            signal(committer, .writeTurn)
        } else {
            return false
        }
        return true
    }

    /// Tells `parking`'s thread `value` once the mutex is released.
    mutating func signal(_ parking: Parking, _ value: Parking.Signal) {
        parking.signal = value
        actions.append(.wake(parking))
    }

    /// Delivers `result` to the owner of `request` once the mutex is released.
    mutating func complete(_ request: AppendRequest, with result: AppendResult) {
        switch request.completion {
        case .parked(let parking):
            switch result {
            case .success(let receipt): signal(parking, .done(receipt))
            case .failure(let error): signal(parking, .failed(error))
            }
        case .resume(let continuation):
            actions.append(.resume(continuation, result))
        case nil:
            preconditionFailure("an async append was queued before its task suspended")
        }
    }

    /// Fails the accepted `requests` with `error`, except `own` (whose owner is the caller):
    /// returns `error` as `own`'s outcome if it is among them.
    mutating func fail(_ requests: [AppendRequest], except own: AppendRequest?, with error: JournalError) -> AppendResult? {
        var ownResult: AppendResult? = nil
        for request in requests {
            if request === own { ownResult = .failure(error) } else { complete(request, with: .failure(error)) }
        }
        release(requests)
        return ownResult
    }

    /// Stops the writer after `cause`: records `failure` (what later appends get) and fails
    /// everything accepted but not in flight — queued and built frames — and everything waiting
    /// for room with `cause`. Returns `own`'s outcome if it was among them.
    mutating func stop(failure: JournalError, cause: JournalError, own: AppendRequest?) -> AppendResult? {
        self.failure = failure
        leadOutstanding = false
        let waiting = waitingForRoom
        waitingForRoom.removeAll()
        for request in waiting { complete(request, with: .failure(cause)) }
        var ownResult = fail(pending, except: own, with: cause)
        pending.removeAll()
        for built in ready {
            if let result = fail(built.batch, except: own, with: cause) { ownResult = result }
        }
        ready.removeAll()
        return ownResult
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
