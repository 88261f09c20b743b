import Integrity
@testable import Journal
import Testing

/// The group-commit state machine on its own: transitions in, actions out, no threads.
@Suite struct CommitStateTests {
    static func state(pendingEventLimit: Int = 100, pendingByteLimit: Int = 1 << 20) -> CommitState {
        CommitState(headSeq: 0, chain: .zero, encoderCount: 2, pendingEventLimit: pendingEventLimit, pendingByteLimit: pendingByteLimit)
    }

    static func request(_ events: Int = 1, bytes: Int = 50) -> (AppendRequest, Parking) {
        let parking = Parking()
        let drafts = (0..<events).map { try! EventDraft(type: "t", json: #"{"i":\#($0)}"#) }
        return (AppendRequest(drafts: drafts, byteCount: bytes, completion: .parked(parking)), parking)
    }

    /// The parkings woken by `actions`, in order.
    static func woken(_ actions: [CommitAction]) -> [Parking] {
        actions.compactMap { if case .wake(let parking) = $0 { parking } else { nil } }
    }

    static func frame(_ ticket: Int, _ batch: [AppendRequest]) -> EncodedFrame {
        EncodedFrame(ticket: ticket, payload: EncodedPayload(stored: [1], codec: .stored, uncompressedLength: 1, count: batch.count),
                     batch: batch, builder: nil)
    }

    @Test func theOldestBlockedAppenderIsToldToLeadAndTakesEverythingThatFits() {
        var s = CommitStateTests.state()
        let (first, parking) = CommitStateTests.request()
        let (second, _) = CommitStateTests.request(bytes: 600)
        let (third, _) = CommitStateTests.request(bytes: 600)
        let accepted = [s.enqueue(first), s.enqueue(second), s.enqueue(third)]
        #expect(accepted == [true, true, true])
        s.promoteNextLeader()
        #expect(CommitStateTests.woken(s.actions).map(ObjectIdentifier.init) == [ObjectIdentifier(parking)])
        guard case .lead = parking.signal else { Issue.record("not told to lead: \(parking.signal)"); return }
        #expect(s.leadOutstanding && !s.canLead, "one lead at a time")
        let taken = s.takeBatch(limit: 1_000).map { ($0.batch, $0.ticket) }
        #expect(taken?.0.map(ObjectIdentifier.init) == [first, second].map(ObjectIdentifier.init), "the group stops before passing the byte limit")
        #expect(taken?.1 == 0)
        #expect(s.pending.map(ObjectIdentifier.init) == [ObjectIdentifier(third)])
        #expect(s.isBusy)
    }

    @Test func framesAreWrittenInTicketOrderWhateverOrderTheyFinishCompressing() {
        var s = CommitStateTests.state()
        let requests = (0..<3).map { _ in CommitStateTests.request().0 }
        for request in requests { _ = s.enqueue(request) }
        for _ in requests {
            s.leadOutstanding = true
            _ = s.takeBatch(limit: 1)
            s.freeEncoders.append(PayloadEncoder())
        }
        s.insertReady(CommitStateTests.frame(2, [requests[2]]))
        s.insertReady(CommitStateTests.frame(1, [requests[1]]))
        #expect(!s.hasWritableFrame, "frame 0 is still compressing")
        let none = s.takeReadyGroup()
        #expect(none.isEmpty)
        s.insertReady(CommitStateTests.frame(0, [requests[0]]))
        #expect(s.hasWritableFrame)
        let group = s.takeReadyGroup()
        #expect(group.map(\.ticket) == [0, 1, 2])
        #expect(!s.hasWritableFrame)
    }

    @Test func acknowledgingGivesEachAppendItsReceiptAndFreesRoom() throws {
        var s = CommitStateTests.state(pendingEventLimit: 3)
        let (a, parkingA) = CommitStateTests.request(2)
        let (b, parkingB) = CommitStateTests.request(1)
        let (waiting, _) = CommitStateTests.request(1)
        let accepted = [s.enqueue(a), s.enqueue(b), s.enqueue(waiting)]
        #expect(accepted == [true, true, false], "the limits are reached: the third waits for room")
        #expect(s.waitingForRoom.count == 1)
        s.leadOutstanding = true
        let taken = s.takeBatch(limit: 1 << 20)
        let batch = try #require(taken).batch
        let chain = SHA256.hash([1, 2, 3])
        let built = BuiltFrame(frame: PreparedFrame(bytes: [], newSegment: nil, seqs: 1...3, timestamp: 77, chain: chain), batch: batch)
        s.actions.removeAll()
        let own = s.acknowledge([built], own: nil)
        #expect(own == nil)
        #expect(CommitStateTests.woken(s.actions).count == 2)
        guard case .done(let receiptA) = parkingA.signal, case .done(let receiptB) = parkingB.signal else {
            Issue.record("not acknowledged: \(parkingA.signal), \(parkingB.signal)")
            return
        }
        #expect(receiptA == AppendReceipt(seqs: 1...2, timestamp: 77, chain: chain, frameLastSeq: 3))
        #expect(receiptB == AppendReceipt(seqs: 3...3, timestamp: 77, chain: chain, frameLastSeq: 3))
        #expect(s.headSeq == 3 && s.chain == chain)
        #expect(s.waitingForRoom.isEmpty && s.pending.map(ObjectIdentifier.init) == [ObjectIdentifier(waiting)], "room made: the waiting append is accepted")
    }

    @Test func aStoppedWriterFailsEverythingAcceptedAndWaitingAndRefusesMore() {
        var s = CommitStateTests.state(pendingEventLimit: 1)
        let (queued, parkingQueued) = CommitStateTests.request()
        let (waiting, parkingWaiting) = CommitStateTests.request()
        _ = s.enqueue(queued)
        _ = s.enqueue(waiting)
        let cause = JournalError(.io, "disk gone", errno: 5)
        _ = s.stop(failure: JournalError(.writerFailed, "stopped"), cause: cause, own: nil)
        for parking in [parkingQueued, parkingWaiting] {
            guard case .failed(let error) = parking.signal else { Issue.record("not failed: \(parking.signal)"); continue }
            #expect(error.errno == 5)
        }
        #expect(!s.isBusy)
        #expect(throws: JournalError.self) { try s.checkAccepting() }
    }

    @Test func aWithdrawnWaitingAppendLeavesTheQueueAndAnAcceptedOneCannotBeWithdrawn() {
        var s = CommitStateTests.state(pendingEventLimit: 1)
        let (accepted, _) = CommitStateTests.request()
        let (waiting, _) = CommitStateTests.request()
        _ = s.enqueue(accepted)
        _ = s.enqueue(waiting)
        let withdrawn = [s.withdraw(waiting), s.withdraw(accepted)]
        #expect(withdrawn == [true, false], "accepted appends are committed regardless")
        #expect(s.waitingForRoom.isEmpty)
    }
}
