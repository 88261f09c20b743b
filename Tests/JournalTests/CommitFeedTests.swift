import Foundation
import Integrity
@testable import Journal
import Synchronization
@testable import POSIX
import Testing
import TestSupport

/// Receipts and the commit feed: what a live engine folds must be exactly what a replay reads.
@Suite struct CommitFeedTests {
    @Test func receiptsCarryTheCommitTimestampAndTheChainAfterTheFrame() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        var clock = 1_795_000_000_000_000 as UInt64
        let ticks = Mutex(clock)
        var configuration = journal.configuration(durability: .always)
        configuration.clock = { ticks.withLock { value in value += 7; return value } }
        let writer = try JournalWriter.open(configuration)
        var receipts: [AppendReceipt] = []
        for index in 0..<5 { receipts.append(try writer.append(index == 2 ? [journal.draft(index), journal.draft(9)] : [journal.draft(index)])) }
        try writer.close()
        var frames: [ReadFrameForTest] = []
        let scanner = try JournalScanner(directory: journal.directory, io: Kernel.live.io)
        while case .frame(let scanned, _) = try scanner.next() {
            frames.append(ReadFrameForTest(seqs: scanned.firstSeq...scanned.lastSeq, timestamp: scanned.firstTimestamp, chain: scanned.chainAfter))
        }
        #expect(receipts.map(\.seqs) == [1...1, 2...2, 3...4, 5...5, 6...6])
        #expect(receipts.map(\.timestamp) == frames.map(\.timestamp))
        #expect(receipts.map(\.chain) == frames.map(\.chain))
        #expect(receipts.map(\.frameLastSeq) == frames.map(\.seqs.upperBound))
        clock = 0
        _ = clock
    }

    struct ReadFrameForTest { let seqs: ClosedRange<UInt64>; let timestamp: UInt64; let chain: SHA256Digest }

    /// Collects a subscription's frames until `count` events arrived (or it ends).
    static func collect(_ subscription: CommitSubscription, events count: Int) async -> [CommitFeedItem] {
        var items: [CommitFeedItem] = []
        var seen = 0
        for await item in subscription {
            items.append(item)
            if case .frame(let frame) = item { seen += frame.events.count }
            if seen >= count { break }
        }
        return items
    }

    @Test func sixtyFourConcurrentAppendersFeedOneSubscriberInSeqOrderWithTheBytesAReaderSees() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(durability: .always, segmentByteLimit: 16 << 10))
        let subscription = writer.subscribe()
        #expect(subscription.startSeq == 1)
        let perTask = 40
        let collector = Task { await CommitFeedTests.collect(subscription, events: 64 * perTask) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<64 {
                group.addTask {
                    for index in 0..<perTask { _ = try await writer.append([journal.draft(task * 1000 + index)]) }
                }
            }
            try await group.waitForAll()
        }
        let items = await collector.value
        try writer.close()
        let frames = items.compactMap { if case .frame(let frame) = $0 { frame } else { nil } }
        #expect(frames.count == items.count, "no lag with the default buffer")
        let fed = frames.flatMap(\.events)
        #expect(fed.map(\.seq) == Array(1...UInt64(64 * perTask)), "gapless, in order")
        let (read, _) = try journal.readAll()
        #expect(fed == read, "the feed delivers exactly what a reader reads")
        // Each fed frame carries the chain a reader finds after it.
        let scanner = try JournalScanner(directory: journal.directory, io: Kernel.live.io)
        var chains: [UInt64: SHA256Digest] = [:]
        while case .frame(let scanned, _) = try scanner.next() { chains[scanned.lastSeq] = scanned.chainAfter }
        #expect(frames.allSatisfy { chains[$0.lastSeq] == $0.chain })
    }

    @Test func aSubscriberThatFallsBehindIsToldItLaggedAndCommitsDoNotWait() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        let subscription = writer.subscribe(bufferedEventLimit: 10)
        // Nobody reads while 50 one-event frames commit: the appends are not held up.
        for index in 0..<50 { _ = try await writer.append([journal.draft(index)]) }
        // Frames after the overflow are dropped until the subscriber takes the marker.
        #expect(await subscription.next() == .lagged(missedFrom: 1))
        // After the marker, the feed goes on with later frames (an append is acknowledged just
        // before its frame reaches the feed, so the last dropped one may still arrive).
        _ = try await writer.append([journal.draft(99)])
        var later: [UInt64] = []
        while later.last != 51, case .frame(let next)? = await subscription.next() { later.append(next.firstSeq) }
        #expect(later.last == 51 && later.count <= 2 && later.first! > 1, "\(later)")
        try writer.close()
        #expect(await subscription.next() == nil, "the subscription ends with the writer")
    }

    @Test func aWaitingSubscriberIsWokenAndACancelledOneEnds() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        _ = try await writer.append([journal.draft(0)])
        let subscription = writer.subscribe()
        #expect(subscription.startSeq == 2)
        let waiting = Task { await subscription.next() }
        try await Task.sleep(for: .milliseconds(20))
        _ = try await writer.append([journal.draft(1)])
        guard case .frame(let frame)? = await waiting.value else { Issue.record("the waiting subscriber was not woken"); return }
        #expect(frame.events.map(\.seq) == [2])
        let cancelled = Task { await subscription.next() }
        try await Task.sleep(for: .milliseconds(20))
        cancelled.cancel()
        #expect(await cancelled.value == nil)
        try writer.close()
    }

    @Test func feedOrderHoldsWhenGroupsArePublishedOutOfOrder() async {
        let feed = CommitFeed(nextSeq: 1)
        let subscription = feed.subscribe(startSeq: 1, bufferedEventLimit: 100)
        func frame(_ seqs: ClosedRange<UInt64>) -> CommittedFrame {
            CommittedFrame(events: seqs.map { JournalEvent(seq: $0, timestamp: 1, type: "t", version: 1, requestId: nil, data: Array("{}".utf8)) },
                           timestamp: 1, chain: .zero)
        }
        feed.publish([frame(4...5)])
        feed.publish([frame(3...3)])
        feed.publish([frame(1...2)])
        feed.finish()
        var seqs: [UInt64] = []
        for await item in subscription { if case .frame(let f) = item { seqs += f.events.map(\.seq) } }
        #expect(seqs == [1, 2, 3, 4, 5])
    }

    @Test func closeWaitsForAppendsInFlightWithoutSpinning() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(durability: .always))
        let appends = (0..<32).map { index in Task { try await writer.append([journal.draft(index)]) } }
        try await Task.sleep(for: .milliseconds(1))
        try writer.close()
        var acknowledged = 0
        for append in appends {
            if (try? await append.value) != nil { acknowledged += 1 }
        }
        let events = try journal.readAll().events
        #expect(events.count == acknowledged, "every append acknowledged before close returned is in the journal")
    }

    @Test func batchModeSyncsOnceAfterWritesAndNotWhileIdle() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let syncs = Atomic<Int>(0)
        var calls = SyscallTable.live
        calls.fdatasync = { fd in
            syncs.add(1, ordering: .relaxed)
            return SyscallTable.live.fdatasync(fd)
        }
        var configuration = journal.configuration(durability: .batch, calls: calls)
        configuration.batchSyncInterval = .milliseconds(5)
        let writer = try JournalWriter.open(configuration)
        let atOpen = syncs.load(ordering: .relaxed)
        _ = try await writer.append([journal.draft(0)])
        var waited = 0
        while syncs.load(ordering: .relaxed) == atOpen && waited < 2_000 {
            try await Task.sleep(for: .milliseconds(1))
            waited += 1
        }
        let afterWrite = syncs.load(ordering: .relaxed)
        #expect(afterWrite > atOpen, "the flusher synced the unsynced write")
        try await Task.sleep(for: .milliseconds(60))
        #expect(syncs.load(ordering: .relaxed) == afterWrite, "no syncs while nothing is unsynced")
        try writer.close()
    }
}
