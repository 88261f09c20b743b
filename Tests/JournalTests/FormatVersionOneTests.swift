import Foundation
@testable import Journal
import POSIX
import Testing
import TestSupport

/// A journal written by format version 1 (before sync groups and indexes), committed as a
/// fixture: it still reads event for event, verifies, and a writer continues it in a new
/// version-2 segment without touching the old bytes.
@Suite struct FormatVersionOneTests {
    static let fixture = Bundle.module.resourcePath! + "/Fixtures/format-v1"

    /// A copy of the fixture journal in a fresh folder.
    static func copy() throws -> TestJournal {
        let journal = try TestJournal()
        try FileManager.default.copyItem(atPath: fixture + "/journal", toPath: journal.directory)
        return journal
    }

    @Test func readsAsItDidWhenWritten() throws {
        let journal = try FormatVersionOneTests.copy()
        defer { journal.root.remove() }
        let golden = try String(contentsOfFile: FormatVersionOneTests.fixture + "/inspect.jsonl", encoding: .utf8)
        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil)
        #expect(events.map { String(decoding: $0.envelopeJSON(), as: UTF8.self) + "\n" }.joined() == golden)
        let report = try JournalVerifier.verify(directory: journal.directory, deep: true)
        #expect(report.isIntact && report.segmentCount == 3 && report.headSeq == 18)
        #expect(report.missingIndexCount == 2, "sealed v1 segments have no index; write-open builds them")
    }

    @Test func aWriterContinuesInANewVersionTwoSegmentAndLeavesTheOldBytes() throws {
        let journal = try FormatVersionOneTests.copy()
        defer { journal.root.remove() }
        let before = try journal.segmentPaths().map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let writer = try JournalWriter.open(journal.configuration())
        #expect(try writer.append([journal.draft(1)]).seqs == 19...19)
        try writer.close()
        let paths = try journal.segmentPaths()
        #expect(paths.count == 4)
        #expect(try paths.prefix(3).map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
        let newest = try SegmentReader(directory: journal.directory, name: (paths[3] as NSString).lastPathComponent, io: Kernel.live.io)
        #expect(newest.header.formatVersion == 2 && newest.header.firstSeq == 19)
        for path in paths { #expect(FileManager.default.fileExists(atPath: path.replacingOccurrences(of: ".seg", with: ".idx"))) }
        let report = try JournalVerifier.verify(directory: journal.directory, deep: true)
        #expect(report.isIntact && report.headSeq == 19 && report.writeOpen == .opens)
    }
}
