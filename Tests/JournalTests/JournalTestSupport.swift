import Foundation
import Journal
import Testing
import TestSupport

/// A journal folder in a temporary directory with helpers shared by the journal tests.
struct TestJournal {
    let root: TemporaryDirectory
    var directory: String { root.appending("journal") }

    init() throws { root = try TemporaryDirectory("journal-test") }

    /// A deterministic configuration: fake clock, no fsync by default, no preallocation.
    func configuration(durability: Durability = .none, segmentByteLimit: Int = 64 << 20, preallocation: Int = 0,
                       calls: SystemCalls = .live) -> JournalConfiguration {
        JournalConfiguration(directory: directory, durability: durability, segmentByteLimit: segmentByteLimit,
                             preallocationByteCount: preallocation, calls: calls,
                             clock: { 1_795_000_000_000_000 })
    }

    func draft(_ index: Int) -> EventDraft {
        try! EventDraft(type: index % 3 == 0 ? "metric.sample" : "extraction.completed", requestId: index % 2 == 0 ? "req-\(index)" : nil,
                        json: #"{"index":\#(index),"file":"rulebooks/catan/page-\#(index).png","confidence":0.95}"#)
    }

    func readAll() throws -> (events: [JournalEvent], summary: ReadSummary) {
        var events: [JournalEvent] = []
        let summary = try JournalReader(directory: directory).read { events.append($0); return true }
        return (events, summary)
    }

    func segmentPaths() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".seg") }.sorted().map { directory + "/" + $0 }
    }

    /// Closes `writer` after concurrent appends and checks what they were told: seqs 1…n without
    /// a gap, every acknowledged event read back with its data, the chain intact and equal to the
    /// writer's, spread over several segments.
    func expectAcknowledgedEventsReadBack(_ acknowledged: [UInt64: [UInt8]], closing writer: JournalWriter) throws {
        #expect(acknowledged.keys.sorted() == Array(1...UInt64(acknowledged.count)))
        #expect(writer.headSeq == UInt64(acknowledged.count))
        let chain = writer.chainValue
        try writer.close()
        let (events, summary) = try readAll()
        #expect(summary.damage == nil)
        #expect(events.count == acknowledged.count)
        for event in events { #expect(acknowledged[event.seq] == event.data) }
        let report = try JournalVerifier.verify(directory: directory, deep: true)
        #expect(report.isIntact)
        #expect(report.chain == chain)
        #expect(report.segmentCount > 1)
    }
}
