import Foundation
import Integrity
@testable import Journal
import Testing
import TestSupport

/// Torn writes as a crash leaves them (issue 6): the last commit with any 512-byte sector
/// missing while later ones reached the disk, cut at every sector boundary, stray sectors in
/// the preallocated space, and a group commit of several frames torn anywhere. After recovery
/// every event acknowledged before the torn commit is there, verify passes, the next append
/// reads back and a second write-open succeeds.
@Suite struct TornWriteTests {
    static let sector = 512

    /// A journal of five acknowledged commits (`always`: each its own sync group), preallocated,
    /// then the last commit: one frame of about 3 KB that spans several sectors. The writer
    /// "crashes" before its clean close could index the segment. Returns the events acknowledged
    /// before the last commit and the last commit's byte range.
    static func journalWithLastCommit(_ journal: TestJournal) throws -> (acknowledged: [JournalEvent], commit: Range<Int>) {
        let writer = try JournalWriter.open(journal.configuration(durability: .always, preallocation: 16 << 10))
        for index in 0..<5 { _ = try writer.append([journal.draft(index)]) }
        let before = try journal.readAll().events
        var random = SeededGenerator(seed: 6)
        let noise = String((0..<3000).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".randomElement(using: &random)! })
        _ = try writer.append([try EventDraft(type: "extraction.completed", json: #"{"noise":"\#(noise)"}"#)])
        try writer.close()
        journal.dropIndex()
        let layout = try CorruptionTests.frameStarts(journal)[0]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: layout.path))
        let start = layout.starts.last!
        let end = bytes[start...].lastIndex { $0 != 0 }! + 1
        #expect(end - start > 4 * sector, "the last commit spans several sectors")
        return (before, start..<end)
    }

    /// Applies `tear` to the journal's only segment.
    static func tear(_ journal: TestJournal, _ tear: (inout Data) -> Void) throws {
        let path = try journal.segmentPaths()[0]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        tear(&bytes)
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    /// The sector boundaries inside `range`, and the sector holding its start.
    static func sectorStarts(in range: Range<Int>) -> [Int] {
        Array(stride(from: range.lowerBound / sector * sector, to: range.upperBound, by: sector))
    }

    /// Recovers, then checks what every torn-write case must hold.
    static func expectRecovered(_ journal: TestJournal, keeping acknowledged: [JournalEvent], _ context: String) throws {
        let report = try journal.expectVerifyAgreesWithWriteOpen(context)
        #expect(report.writeOpen != .opens || report.isIntact, "\(context): \(report.damages)")
        if case .refuses(let damage) = report.writeOpen { Issue.record("\(context): write-open refuses: \(damage)") }
        let writer = try JournalWriter.open(journal.configuration())
        let recovered = writer.recoveryReports
        let next = try writer.append([journal.draft(99)])
        try writer.close()
        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil, "\(context)")
        #expect(Array(events.prefix(acknowledged.count)) == acknowledged, "\(context): an acknowledged event is missing or changed")
        #expect(events.last?.seq == next.seqs.lowerBound, "\(context)")
        #expect(events.filter { $0.type == "journal.recovered" }.count == recovered.count, "\(context)")
        #expect(try JournalVerifier.verify(directory: journal.directory, deep: true).isIntact, "\(context)")
        try JournalWriter.open(journal.configuration()).close()
        for report in recovered {
            let saved = try Data(contentsOf: URL(fileURLWithPath: journal.directory + "/" + report.quarantinedTo))
            #expect(saved.count == report.bytes && saved.last != 0, "\(context): quarantine keeps the cut bytes")
        }
    }

    @Test func theLastCommitWithAnyOneSectorMissingRecovers() throws {
        let probe = try TestJournal()
        let commit = try TornWriteTests.journalWithLastCommit(probe).commit
        probe.root.remove()
        for sector in TornWriteTests.sectorStarts(in: commit) {
            let journal = try TestJournal()
            defer { journal.root.remove() }
            let (acknowledged, range) = try TornWriteTests.journalWithLastCommit(journal)
            try TornWriteTests.tear(journal) { bytes in
                let lost = max(sector, range.lowerBound)..<min(sector + TornWriteTests.sector, range.upperBound)
                bytes.replaceSubrange(lost, with: Data(count: lost.count))
            }
            try TornWriteTests.expectRecovered(journal, keeping: acknowledged, "sector at \(sector) missing")
        }
    }

    @Test func theLastCommitCutAtEverySectorBoundaryRecovers() throws {
        let probe = try TestJournal()
        let commit = try TornWriteTests.journalWithLastCommit(probe).commit
        probe.root.remove()
        for boundary in TornWriteTests.sectorStarts(in: commit) + [commit.upperBound] {
            for truncates in [false, true] {
                let journal = try TestJournal()
                defer { journal.root.remove() }
                let (acknowledged, range) = try TornWriteTests.journalWithLastCommit(journal)
                try TornWriteTests.tear(journal) { bytes in
                    let cut = max(boundary, range.lowerBound)
                    if truncates {
                        bytes = bytes.prefix(cut)
                    } else {
                        bytes.replaceSubrange(cut..<range.upperBound, with: Data(count: range.upperBound - cut))
                    }
                }
                try TornWriteTests.expectRecovered(journal, keeping: acknowledged, "cut at \(boundary)\(truncates ? ", file truncated" : "")")
            }
        }
    }

    @Test func aStrayNonZeroSectorAnywhereInThePreallocatedSpaceRecovers() throws {
        let probe = try TestJournal()
        let (_, commit) = try TornWriteTests.journalWithLastCommit(probe)
        let size = try Data(contentsOf: URL(fileURLWithPath: try probe.segmentPaths()[0])).count
        probe.root.remove()
        var random = SeededGenerator(seed: 9)
        let sectors = TornWriteTests.sectorStarts(in: commit.upperBound..<size)
        for sector in sectors where sector % (7 * TornWriteTests.sector) == 0 || sector == sectors.first || sector == sectors.last {
            let journal = try TestJournal()
            defer { journal.root.remove() }
            let (_, range) = try TornWriteTests.journalWithLastCommit(journal)
            let acknowledged = try journal.readAll().events
            try TornWriteTests.tear(journal) { bytes in
                let stray = max(sector, range.upperBound)..<min(sector + TornWriteTests.sector, bytes.count)
                bytes.replaceSubrange(stray, with: Data((0..<stray.count).map { _ in UInt8.random(in: 1...255, using: &random) }))
            }
            try TornWriteTests.expectRecovered(journal, keeping: acknowledged, "stray sector at \(sector)")
        }
    }

    /// A group commit: three frames written with one write and one sync (the second and third
    /// carry the continues-sync-group flag).
    static func journalWithGroupCommit(_ journal: TestJournal) throws -> (acknowledged: [JournalEvent], frames: [(offset: Int, length: Int)]) {
        let writer = try JournalWriter.open(journal.configuration(durability: .always, preallocation: 16 << 10))
        for index in 0..<4 { _ = try writer.append([journal.draft(index)]) }
        try writer.close()
        let acknowledged = try journal.readAll().events
        var random = SeededGenerator(seed: 3)
        let payloads = (0..<3).map { frame in
            journal.rawPayload([(Array("log.record".utf8), nil, Array(#"{"frame":\#(frame),"noise":"\#(String((0..<1200).map { _ in "0123456789abcdefghijklmnopqrstuvwxyz".randomElement(using: &random)! }))"}"#.utf8))])
        }
        return (acknowledged, try journal.appendRawFrames(payloads))
    }

    @Test func aGroupCommitTornInAnyOfItsFramesKeepsTheFramesBeforeTheTear() throws {
        let probe = try TestJournal()
        let frames = try TornWriteTests.journalWithGroupCommit(probe).frames
        probe.root.remove()
        #expect(try { let j = try TestJournal(); defer { j.root.remove() }; _ = try TornWriteTests.journalWithGroupCommit(j); return try j.readAll().events.count }() == 4 + 3,
                "the hand-built group reads back as a writer's would")
        let group = frames[0].offset..<(frames[2].offset + frames[2].length)
        for sector in TornWriteTests.sectorStarts(in: group) {
            let journal = try TestJournal()
            defer { journal.root.remove() }
            let (acknowledged, _) = try TornWriteTests.journalWithGroupCommit(journal)
            try TornWriteTests.tear(journal) { bytes in
                let lost = max(sector, group.lowerBound)..<min(sector + TornWriteTests.sector, group.upperBound)
                bytes.replaceSubrange(lost, with: Data(count: lost.count))
            }
            // Frames wholly before the lost sector survive (complete and chained); the rest go.
            let surviving = frames.filter { $0.offset + $0.length <= max(sector, group.lowerBound) }.count
            try TornWriteTests.expectRecovered(journal, keeping: acknowledged, "group commit, sector at \(sector) missing")
            let events = try journal.readAll().events
            #expect(events.filter { $0.type == "log.record" }.count == surviving, "sector at \(sector)")
        }
    }

    @Test func damageBeforeALaterSyncGroupIsCorruptionNotATear() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(durability: .always))
        for index in 0..<5 { _ = try writer.append([journal.draft(index)]) }
        try writer.close()
        journal.dropIndex()
        let layout = try CorruptionTests.frameStarts(journal)[0]
        // Frame 4 lost a byte; frame 5 began a later sync group, so frame 4 had been synced.
        try TornWriteTests.tear(journal) { bytes in bytes[layout.starts[3] + 3] = 0 }
        let report = try journal.expectVerifyAgreesWithWriteOpen("zero byte in frame 4 of 5")
        guard case .refuses(let damage) = report.writeOpen else { Issue.record("write-open would open"); return }
        #expect(damage.offset == layout.starts[3])
        #expect(damage.kind == .blocksWriteOpen)
        #expect(throws: JournalError.self) { _ = try JournalWriter.open(journal.configuration()) }
        #expect(try journal.readAll().events.count == 3)
    }

    @Test func aValidCRCWithAWrongChainAtTheCutIsCorruption() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(durability: .always))
        for index in 0..<3 { _ = try writer.append([journal.draft(index)]) }
        try writer.close()
        journal.dropIndex()
        // A frame sealed on another chain (it verifies alone) where the next frame belongs:
        // no torn write leaves a valid CRC behind.
        let tail = try journal.tail()
        var other = tail
        other.chain = SHA256Digest(bytes: [UInt8](repeating: 7, count: 32))!
        let frame = FrameBuilder(tail: other, segmentByteLimit: 1 << 30, clock: { 1_795_000_000_000_000 })
            .seal(journal.rawPayload([(Array("log.record".utf8), nil, Array(#"{"a":1}"#.utf8))]), continuesSyncGroup: true)
        try TornWriteTests.tear(journal) { bytes in bytes = bytes.prefix(tail.endOffset) + frame.bytes }
        let report = try journal.expectVerifyAgreesWithWriteOpen("valid CRC, wrong chain")
        guard case .refuses(let damage) = report.writeOpen else { Issue.record("write-open would open"); return }
        #expect(damage.reason.contains("hash chain"))
    }
}
