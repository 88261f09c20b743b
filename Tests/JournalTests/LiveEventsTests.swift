import Foundation
@testable import Journal
import Testing
import TestSupport

/// The in-process tail: journal first, then the commit feed, each event once and in order.
@Suite struct LiveEventsTests {
    /// Takes `count` events from `events`.
    static func take(_ count: Int, from events: LiveEvents) async throws -> [JournalEvent] {
        var taken: [JournalEvent] = []
        for try await event in events {
            taken.append(event)
            if taken.count == count { break }
        }
        return taken
    }

    @Test func historyThenLiveEventsArriveOnceInOrder() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(segmentByteLimit: 2048))
        for index in 0..<30 { _ = try await writer.append([journal.draft(index)]) }
        let tail = writer.events(from: 11)
        let consumer = Task { try await LiveEventsTests.take(60, from: tail) }
        for index in 30..<70 { _ = try await writer.append(index % 5 == 0 ? [journal.draft(index), journal.draft(index + 500)] : [journal.draft(index)]) }
        let received = try await consumer.value
        try writer.close()
        let (all, _) = try journal.readAll()
        #expect(received.map(\.seq) == Array(11...70))
        #expect(received == Array(all[10..<70]), "the same bytes and timestamps a reader reads")
    }

    @Test func aConsumerThatLagsCatchesUpFromTheJournal() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        let tail = writer.events(from: 1, bufferedEventLimit: 4)
        // Nobody consumes while 40 frames commit: the buffer of 4 overflows.
        for index in 0..<40 { _ = try await writer.append([journal.draft(index)]) }
        let consumer = Task { try await LiveEventsTests.take(45, from: tail) }
        try await Task.sleep(for: .milliseconds(20))
        for index in 40..<45 { _ = try await writer.append([journal.draft(index)]) }
        let received = try await consumer.value
        try writer.close()
        #expect(received.map(\.seq) == Array(1...45))
        #expect(received == (try journal.readAll().events))
    }

    @Test func itEndsWhenTheWriterClosesAndWhenItsTaskIsCancelled() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        _ = try await writer.append([journal.draft(0)])
        let waiting = Task { () async throws -> Int in
            var count = 0
            for try await _ in writer.events(from: 1) { count += 1 }
            return count
        }
        let cancelled = Task { () async throws -> Int in
            var count = 0
            for try await _ in writer.events(from: 2) { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(30))
        cancelled.cancel()
        #expect(try await cancelled.value == 0)
        try writer.close()
        #expect(try await waiting.value == 1)
    }
}
