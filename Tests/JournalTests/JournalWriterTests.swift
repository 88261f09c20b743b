import Foundation
import Integrity
@testable import Journal
import Testing

@Suite struct JournalWriterTests {
    @Test func appendsAreReadBackInOrderWithGaplessSeqs() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        #expect(try writer.append([journal.draft(1)]) == 1...1)
        #expect(try writer.append([journal.draft(2), journal.draft(3), journal.draft(4)]) == 2...4)
        #expect(writer.headSeq == 4)
        let chain = writer.chainValue
        try writer.close()
        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil)
        #expect(events.map(\.seq) == [1, 2, 3, 4])
        #expect(events.map(\.data) == (1...4).map { journal.draft($0).data })
        #expect(events[1].requestId == "req-2")
        #expect(events[0].requestId == nil)
        let report = try JournalVerifier.verify(directory: journal.directory, deep: true)
        #expect(report.isIntact)
        #expect(report.chain == chain)
        #expect(report.headSeq == 4)
    }

    @Test func reopeningContinuesSeqsAndChainAcrossSegments() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        for round in 0..<3 {
            let writer = try JournalWriter.open(journal.configuration(segmentByteLimit: 300, preallocation: 512))
            for index in 0..<5 { _ = try writer.append([journal.draft(round * 5 + index)]) }
            try writer.close()
        }
        #expect(try journal.segmentPaths().count > 2)
        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil)
        #expect(events.map(\.seq) == Array(1...15))
        #expect(try JournalVerifier.verify(directory: journal.directory, deep: true).isIntact)
    }
}
