import Foundation
import Journal
@testable import MobiusCore
import Testing
import TestSupport

/// Log records on their way into the journal: queued before the engine, bounded, flushed on finish.
@Suite struct JournalLogSinkTests {
    private func engine(_ directory: TemporaryDirectory) throws -> Engine {
        var configuration = EngineConfiguration(dataDirectory: directory.path) { $0.durability = .none }
        configuration.snapshotsOnClose = false
        return try Engine.open(configuration)
    }

    private func record(_ message: String, requestId: String? = nil) -> LogRecord {
        LogRecord(timestamp: 1, level: .info, message: message, category: "test", requestId: requestId,
                  metadata: [("n", .integer(7)), ("nested", .object([("k", .string("v"))]))])
    }

    @Test func recordsBeforeTheEngineAreKeptAndAnOverflowDropsTheOldest() async throws {
        let directory = try TemporaryDirectory("mobius-logsink")
        defer { directory.remove() }
        let sink = JournalLogSink(capacity: 3)
        for index in 1...5 { sink.record(record("line \(index)")) }
        #expect(sink.dropped.load(ordering: .relaxed) == 2)
        let engine = try engine(directory)
        sink.attach(engine)
        #expect(await eventually { engine.head.seq == 3 })
        sink.record(record("after", requestId: "req-1"))
        await sink.finish()
        sink.record(record("too late"))
        var events: [DomainEvent] = []
        _ = try JournalReader(directory: directory.appending("journal")).read { event in
            events.append(try DomainEvent(type: event.type, version: event.version, data: event.data))
            return true
        }
        let messages = events.compactMap { event -> String? in
            if case .logRecorded(let log) = event { return log.message } else { return nil }
        }
        #expect(messages == ["line 3", "line 4", "line 5", "after"])
        if case .logRecorded(let log) = events.last {
            #expect(log.category == "test" && log.metadata == .object([("n", .integer(7)), ("nested", .object([("k", .string("v"))]))]))
        }
        #expect(sink.failed.load(ordering: .relaxed) == 0)
        try await engine.close()
    }

    @Test func aRequestIdTheJournalRefusesCostsOnlyTheId() async throws {
        let directory = try TemporaryDirectory("mobius-logsink")
        defer { directory.remove() }
        let engine = try engine(directory)
        let sink = JournalLogSink()
        sink.attach(engine)
        sink.record(record("odd id", requestId: String(repeating: "x", count: 100_000)))
        await sink.finish()
        #expect(engine.head.seq == 1 && sink.failed.load(ordering: .relaxed) == 0)
        try await engine.close()
    }
}
