import Foundation
@testable import Journal
import Synchronization
@testable import POSIX
import Testing
import TestSupport

/// What a consuming task has received so far, readable from the test while it runs.
final class Received: Sendable {
    private let events = Mutex<[JournalEvent]>([])
    private let failure = Mutex<JournalError?>(nil)

    var count: Int { events.withLock { $0.count } }
    var all: [JournalEvent] { events.withLock { $0 } }
    var error: JournalError? { failure.withLock { $0 } }

    func append(_ event: JournalEvent) { events.withLock { $0.append(event) } }
    func fail(_ error: JournalError) { failure.withLock { $0 = error } }

    /// Consumes `follower` in a task, recording every event and the error that ended it, if
    /// any; `pause` (after each event) lets a test make the consumer slow.
    func consume(_ follower: JournalFollower, pause: @escaping @Sendable (Int) async -> Void = { _ in }) -> Task<Void, Never> {
        Task {
            do throws(JournalError) {
                for try await event in follower {
                    append(event)
                    await pause(count)
                }
            } catch {
                fail(error)
            }
        }
    }
}

/// Followers: live events in order across segment rolls, cancellation while waiting and while
/// delivering, a bounded buffer, damage, and a thread that always exits.
@Suite(.timeLimit(.minutes(2))) struct JournalFollowerTests {
    /// Waits until every reader thread `follower` started has exited.
    private func expectThreadsExit(_ follower: JournalFollower, sourceLocation: SourceLocation = #_sourceLocation) async {
        let observer = follower.observer
        let exited = await eventually {
            observer.threadsStarted.load(ordering: .relaxed) == observer.threadsExited.load(ordering: .relaxed)
        }
        #expect(exited && observer.threadsStarted.load(ordering: .relaxed) >= 1, "the reader thread exits", sourceLocation: sourceLocation)
    }

    @Test func eventsAppendedAfterItStartedArriveInOrderAcrossSegmentRolls() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(segmentByteLimit: 1024, preallocation: 512))
        for index in 0..<3 { _ = try await writer.append([journal.draft(index)]) }
        let follower = JournalReader(directory: journal.directory).follow()
        let received = Received()
        let task = received.consume(follower)
        #expect(await eventually { received.count == 3 })
        for index in 3..<60 { _ = try await writer.append(index % 7 == 0 ? [journal.draft(index), journal.draft(1000 + index)] : [journal.draft(index)]) }
        let total = 60 + 8
        #expect(await eventually { received.count == total })
        #expect(try journal.segmentPaths().count > 3)
        try writer.close()
        var expected: [JournalEvent] = []
        _ = try JournalReader(directory: journal.directory).read { expected.append($0); return true }
        #expect(received.all == expected)
        task.cancel()
        await task.value
        #expect(received.error == nil)
        await expectThreadsExit(follower)
    }

    @Test func cancellingWhileItWaitsForEventsEndsTheSequence() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        for index in 0..<2 { _ = try await writer.append([journal.draft(index)]) }
        let follower = JournalReader(directory: journal.directory).follow(fallbackPollInterval: .seconds(3600))
        let received = Received()
        let task = received.consume(follower)
        // Both events taken, then the consumer suspends in next() with nothing buffered.
        #expect(await eventually { received.count == 2 && follower.observer.waitingConsumers.load(ordering: .relaxed) == 1 })
        task.cancel()
        await task.value
        #expect(received.count == 2 && received.error == nil)
        // The thread was waiting on inotify with an hour-long timeout: the wake-up pipe ended it.
        await expectThreadsExit(follower)
        try writer.close()
    }

    @Test func cancellingWhileEventsArePendingEndsTheSequence() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        for round in 0..<100 { _ = try await writer.append((0..<20).map { journal.draft(round * 20 + $0) }) }
        try writer.close()
        let follower = JournalReader(directory: journal.directory).follow(maxBufferedEvents: 8)
        let received = Received()
        let task = received.consume(follower) { count in
            // After the first event the consumer stalls until cancelled, with events pending.
            if count == 1 { try? await Task.sleep(for: .seconds(3600)) }
        }
        #expect(await eventually { received.count == 1 && follower.observer.producerWaits.load(ordering: .relaxed) >= 1 })
        task.cancel()
        await task.value
        #expect(received.count == 1 && received.error == nil)
        #expect(follower.observer.mostEventsBuffered.load(ordering: .relaxed) <= 8)
        await expectThreadsExit(follower)
    }

    @Test func aSlowConsumerKeepsTheBufferBounded() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        for round in 0..<60 { _ = try await writer.append((0..<50).map { journal.draft(round * 50 + $0) }) }
        try writer.close()
        let follower = JournalReader(directory: journal.directory).follow(maxBufferedEvents: 16, maxBufferedBytes: 2048)
        let observer = follower.observer
        let received = Received()
        let task = received.consume(follower) { count in
            // Hold back after the first event until the reader has filled the buffer and waits.
            if count == 1 { _ = await eventually { observer.producerWaits.load(ordering: .relaxed) >= 1 } }
            if count % 100 == 0 { await Task.yield() }
        }
        #expect(await eventually { received.count == 3_000 })
        task.cancel()
        await task.value
        #expect(received.all.map(\.seq) == Array(1...3_000))
        #expect(observer.producerWaits.load(ordering: .relaxed) >= 1)
        #expect(observer.mostEventsBuffered.load(ordering: .relaxed) <= 16)
        let largest = received.all.map { $0.data.count + $0.type.utf8.count + ($0.requestId?.utf8.count ?? 0) + 64 }.max()!
        #expect(observer.mostBytesBuffered.load(ordering: .relaxed) <= 2048 + largest)
        await expectThreadsExit(follower)
    }

    @Test func breakingOutOfTheLoopStopsTheThread() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        for index in 0..<5 { _ = try await writer.append([journal.draft(index)]) }
        try writer.close()
        let follower = JournalReader(directory: journal.directory).follow(EventFilter.from(2))
        var first: JournalEvent? = nil
        for try await event in follower {
            first = event
            break
        }
        #expect(first?.seq == 2)
        await expectThreadsExit(follower)
    }

    @Test func theFiltersRangeEndsTheSequenceOnceItIsPassed() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        for index in 0..<3 { _ = try await writer.append([journal.draft(index)]) }
        var filter = EventFilter.from(2)
        filter.toSeq = 6
        filter.types = ["extraction.completed"]
        let follower = JournalReader(directory: journal.directory).follow(filter)
        let received = Received()
        let task = received.consume(follower)
        for index in 3..<10 { _ = try await writer.append([journal.draft(index)]) }
        await task.value
        try writer.close()
        var expected: [JournalEvent] = []
        _ = try JournalReader(directory: journal.directory).read(filter) { expected.append($0); return true }
        #expect(received.all == expected && !expected.isEmpty)
        await expectThreadsExit(follower)
    }

    @Test func aFrameWrittenInTwoHalvesIsWaitedForThenDelivered() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        _ = try await writer.append([journal.draft(0)])
        try writer.close()
        let frame = FrameBuilder(tail: try journal.tail(), segmentByteLimit: 1 << 30, clock: { 1_795_000_000_000_001 }).build([[journal.draft(1)]])
        let tail = try journal.tail()
        let follower = JournalReader(directory: journal.directory).follow()
        let received = Received()
        let task = received.consume(follower)
        #expect(await eventually { received.count == 1 && follower.observer.folderWaits.load(ordering: .relaxed) >= 1 })
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: journal.directory + "/" + tail.segmentName))
        try handle.seek(toOffset: UInt64(tail.endOffset))
        let waits = follower.observer.folderWaits.load(ordering: .relaxed)
        try handle.write(contentsOf: frame.bytes.prefix(frame.bytes.count / 2))
        // A torn tail to a reader: the thread looks, then waits again; nothing is reported.
        #expect(await eventually { follower.observer.folderWaits.load(ordering: .relaxed) > waits })
        #expect(received.error == nil && received.count == 1)
        try handle.write(contentsOf: frame.bytes.dropFirst(frame.bytes.count / 2))
        try handle.close()
        #expect(await eventually { received.count == 2 })
        #expect(received.all.last?.seq == 2 && received.error == nil)
        task.cancel()
        await task.value
        await expectThreadsExit(follower)
    }

    @Test func corruptionEndsTheSequenceWithAnErrorAfterTheEventsBeforeIt() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        try journal.buildMixedJournal()
        let ends = try journal.independentFrameEnds()
        let victim = ends[ends.count / 2]
        let path = try journal.damage(victim)
        let follower = JournalReader(directory: journal.directory).follow()
        let received = Received()
        await received.consume(follower).value
        #expect(received.all.map(\.seq) == Array(1..<victim.firstSeq))
        #expect(received.error?.code == .corrupt && received.error?.path == path && received.error?.offset == victim.offset)
        await expectThreadsExit(follower)
    }

    @Test func withoutInotifyItFollowsByPolling() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        var calls = SyscallTable.live
        calls.inotifyInit1 = { _ in .failure(Errno(rawValue: ENOSYS)) }
        let writer = try JournalWriter.open(journal.configuration())
        _ = try await writer.append([journal.draft(0)])
        let follower = JournalReader(directory: journal.directory, kernel: Kernel(calls: calls)).follow(fallbackPollInterval: .milliseconds(20))
        let received = Received()
        let task = received.consume(follower)
        #expect(await eventually { received.count == 1 })
        for index in 1..<5 { _ = try await writer.append([journal.draft(index)]) }
        #expect(await eventually { received.count == 5 })
        try writer.close()
        task.cancel()
        await task.value
        await expectThreadsExit(follower)
    }

    @Test func aFollowerOfAFolderThatDoesNotExistYetWaitsForIt() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let follower = JournalReader(directory: journal.directory).follow(fallbackPollInterval: .milliseconds(20))
        let received = Received()
        let task = received.consume(follower)
        #expect(await eventually { follower.observer.folderWaits.load(ordering: .relaxed) >= 1 })
        let writer = try JournalWriter.open(journal.configuration())
        for index in 0..<3 { _ = try await writer.append([journal.draft(index)]) }
        #expect(await eventually { received.count == 3 })
        try writer.close()
        task.cancel()
        await task.value
        await expectThreadsExit(follower)
    }
}
