import Foundation
import Integrity
@testable import Journal
import Synchronization
import Testing
import TestSupport

/// Prefix copies: at every seq of a small journal of every shape, under a live writer, and the
/// refusals.
@Suite struct JournalPrefixCopyTests {
    /// A target folder beside the journal, named `name`.
    private func target(_ journal: TestJournal, _ name: String = "copy") -> String { journal.root.appending(name) }

    @Test func aCopyAtEverySeqVerifiesHoldsTheEventsAndContinues() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let events = try journal.buildMixedJournal()
        let ends = try journal.independentFrameEnds()
        let before = try journal.fileContents()
        #expect(ends.contains { $0.lastSeq > $0.firstSeq })
        for seq in 0...UInt64(events.count) {
            let copy = target(journal, "copy-\(seq)")
            let report = try JournalPrefixCopy.copy(from: journal.directory, to: copy, throughSeq: seq)
            try expectFaithfulCopy(copy, of: journal, events: events, ends: ends, through: seq, report: report)
            try FileManager.default.removeItem(atPath: copy)
        }
        #expect(try journal.fileContents() == before, "the source is untouched")
        #expect(try FileManager.default.contentsOfDirectory(atPath: journal.root.path).allSatisfy { !$0.contains("incomplete") })
    }

    /// The copy in `copy` of `journal` through `seq`: it verifies deep; its events are the
    /// source's up to `seq`; its files are the source's byte for byte up to the last whole frame
    /// (sealed segments and their indexes whole); a writer opens it and appends `seq + 1`.
    private func expectFaithfulCopy(_ copy: String, of journal: TestJournal, events: [JournalEvent], ends: [FrameEnd],
                                    through seq: UInt64, report: PrefixCopyReport, sourceHasIndexes: Bool = true,
                                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let context = "through seq \(seq)"
        let verified = try JournalVerifier.verify(directory: copy, deep: true)
        #expect(verified.isIntact && verified.writeOpen == .opens, "\(context): \(verified.damages), \(verified.writeOpen)", sourceLocation: sourceLocation)
        #expect(verified.headSeq == seq && verified.chain == report.chain && report.headSeq == seq, "\(context)", sourceLocation: sourceLocation)
        var copied: [JournalEvent] = []
        _ = try JournalReader(directory: copy).read { copied.append($0); return true }
        #expect(copied == Array(events.prefix(Int(seq))), "\(context)", sourceLocation: sourceLocation)

        let holding = ends.first { $0.lastSeq >= seq }
        let isInside = seq > 0 && holding.map { $0.lastSeq > seq } == true
        #expect((report.rewrittenFrame != nil) == isInside, "\(context)", sourceLocation: sourceLocation)
        if seq > 0, let holding, !isInside { #expect(report.chain == holding.chain, "\(context)", sourceLocation: sourceLocation) }
        let names = try FileManager.default.contentsOfDirectory(atPath: copy).sorted()
        let segments = names.filter { $0.hasSuffix(".seg") }
        let expectedSegments = seq == 0 ? [] : Set(ends.filter { $0.firstSeq <= seq }.map(\.segment)).sorted()
        #expect(segments == expectedSegments, "\(context)", sourceLocation: sourceLocation)
        #expect(names.allSatisfy { $0.hasSuffix(".seg") || $0.hasSuffix(".idx") }, "\(context): \(names)", sourceLocation: sourceLocation)
        for segment in segments {
            let mine = try [UInt8](Data(contentsOf: URL(fileURLWithPath: copy + "/" + segment)))
            let theirs = try [UInt8](Data(contentsOf: URL(fileURLWithPath: journal.directory + "/" + segment)))
            if segment != segments.last {
                #expect(mine == theirs, "\(context): \(segment) copied whole", sourceLocation: sourceLocation)
                let index = JournalFormat.indexFileName(ofSegment: segment)
                #expect(FileManager.default.fileExists(atPath: copy + "/" + index), "\(context): \(index) written", sourceLocation: sourceLocation)
                guard sourceHasIndexes else { continue }
                #expect(try Data(contentsOf: URL(fileURLWithPath: copy + "/" + index)) == Data(contentsOf: URL(fileURLWithPath: journal.directory + "/" + index)),
                        "\(context): \(index) copied", sourceLocation: sourceLocation)
            } else {
                let cut = isInside ? holding!.offset : ends.last { $0.lastSeq <= seq }!.offset + ends.last { $0.lastSeq <= seq }!.length
                #expect(mine.prefix(cut) == theirs.prefix(cut), "\(context): \(segment) identical up to byte \(cut)", sourceLocation: sourceLocation)
                #expect(isInside ? mine.count > cut : mine.count == cut, "\(context)", sourceLocation: sourceLocation)
            }
        }
        var configuration = journal.configuration()
        configuration.directory = copy
        let writer = try JournalWriter.open(configuration)
        #expect(writer.recoveryReports.isEmpty, "\(context)", sourceLocation: sourceLocation)
        #expect(try writer.append([journal.draft(99)]).seqs == (seq + 1)...(seq + 1), "\(context)", sourceLocation: sourceLocation)
        try writer.close()
        let after = try JournalVerifier.verify(directory: copy, deep: true)
        #expect(after.isIntact && after.headSeq == seq + 1, "\(context): \(after.damages)", sourceLocation: sourceLocation)
    }

    @Test func aCopyOfAVersionOneJournalAtEverySeqVerifiesAndContinues() throws {
        let journal = try FormatVersionOneTests.copy()
        defer { journal.root.remove() }
        let events = try journal.readAll().events
        let ends = try journal.independentFrameEnds()
        let before = try journal.fileContents()
        for seq in 0...UInt64(events.count) {
            let copy = target(journal, "copy-\(seq)")
            let report = try JournalPrefixCopy.copy(from: journal.directory, to: copy, throughSeq: seq)
            try expectFaithfulCopy(copy, of: journal, events: events, ends: ends, through: seq, report: report, sourceHasIndexes: false)
            try FileManager.default.removeItem(atPath: copy)
        }
        #expect(try journal.fileContents() == before)
    }

    @Test func aCopyInsideAFrameKeepsEveryEventsTimestamp() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let events = try journal.buildMixedJournal()
        var frames: [ReadFrame] = []
        _ = try JournalReader(directory: journal.directory).readFrames { frames.append($0); return true }
        let spread = try #require(frames.first { $0.lastTimestamp > $0.firstTimestamp })
        let copy = target(journal)
        let report = try JournalPrefixCopy.copy(from: journal.directory, to: copy, throughSeq: spread.firstSeq + 1)
        #expect(report.rewrittenFrame == spread.firstSeq...(spread.firstSeq + 1))
        var copied: [ReadFrame] = []
        _ = try JournalReader(directory: copy).readFrames { copied.append($0); return true }
        let last = try #require(copied.last)
        #expect(last.firstSeq == spread.firstSeq && last.lastSeq == spread.firstSeq + 1 && last.offset == spread.offset)
        #expect(last.events == Array(events[Int(spread.firstSeq - 1)...Int(spread.firstSeq)]))
        #expect(last.lastTimestamp == last.events.last?.timestamp && last.chainAfter == report.chain)
        #expect(last.chainAfter != spread.chainAfter)
    }

    @Test func aCopyWhileAWriterAppendsToTheSourceStopsAtAVerifiedFrame() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(durability: .always, segmentByteLimit: 4 << 10, preallocation: 8 << 10))
        defer { try? writer.close() }
        for index in 0..<200 { _ = try writer.append([journal.draft(index)]) }
        let stop = Atomic<Bool>(false)
        let appender = Thread {
            var index = 200
            while !stop.load(ordering: .relaxed) {
                _ = try? writer.append([journal.draft(index), journal.draft(index + 1)])
                index += 2
            }
        }
        appender.start()
        defer { stop.store(true, ordering: .relaxed) }
        for (round, seq) in [UInt64(1), 57, 200].enumerated() {
            let copy = target(journal, "live-\(round)")
            try JournalPrefixCopy.copy(from: journal.directory, to: copy, throughSeq: seq)
            let verified = try JournalVerifier.verify(directory: copy, deep: true)
            #expect(verified.isIntact && verified.headSeq == seq, "\(verified.damages)")
            var copied: [JournalEvent] = []
            _ = try JournalReader(directory: copy).read { copied.append($0); return true }
            var source: [JournalEvent] = []
            _ = try JournalReader(directory: journal.directory).read(EventFilter.through(seq)) { source.append($0); return true }
            #expect(copied == source)
        }
        #expect(WriterLock.holder(directory: journal.directory)?.isHeld == true, "the writer kept its lock throughout")
    }

    @Test func anEmptyPrefixIsAnEmptyJournalFolderAWriterCanStart() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        try journal.buildMixedJournal()
        let copy = target(journal)
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: false)
        let report = try JournalPrefixCopy.copy(from: journal.directory, to: copy + "/", throughSeq: 0)
        #expect(report == PrefixCopyReport(headSeq: 0, chain: .zero, segmentCount: 0, rewrittenFrame: nil))
        #expect(try FileManager.default.contentsOfDirectory(atPath: copy).isEmpty)
        var configuration = journal.configuration()
        configuration.directory = copy
        let writer = try JournalWriter.open(configuration)
        #expect(try writer.append([journal.draft(1)]).seqs == 1...1)
        try writer.close()
    }

    @Test func aSeqPastTheHeadIsRefusedNamingTheHeadAndLeavesNothing() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let events = try journal.buildMixedJournal()
        let copy = target(journal)
        #expect {
            try JournalPrefixCopy.copy(from: journal.directory, to: copy, throughSeq: UInt64(events.count) + 1)
        } throws: { error in
            guard let error = error as? JournalError else { return false }
            return error.code == .beyondHead && error.message.contains("head, seq \(events.count)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: journal.root.path) == ["journal"], "no target, no staging folder")
    }

    @Test func aTargetThatIsNotANewOrEmptyFolderIsRefused() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        try journal.buildMixedJournal()
        let full = target(journal, "full")
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: false)
        _ = FileManager.default.createFile(atPath: full + "/keep", contents: Data("mine".utf8))
        let file = target(journal, "file")
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        for target in [full, file, journal.directory, journal.root.path + "/missing/copy", journal.directory + "/inside", journal.root.path + "/./journal/../journal/inside"] {
            #expect(throws: JournalError.self, "\(target)") { try JournalPrefixCopy.copy(from: journal.directory, to: target, throughSeq: 3) }
        }
        #expect(try String(contentsOfFile: full + "/keep", encoding: .utf8) == "mine")
        #expect(try FileManager.default.contentsOfDirectory(atPath: journal.root.path).sorted() == ["file", "full", "journal"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: journal.directory).allSatisfy { !$0.hasPrefix(".") && $0 != "inside" })
    }

    @Test func damageBeforeTheSeqIsReportedAndNothingIsLeft() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let events = try journal.buildMixedJournal()
        let ends = try journal.independentFrameEnds()
        let victim = ends[ends.count / 2]
        let path = try journal.damage(victim, byteFromEnd: 2, mask: 0x10)
        let copy = target(journal)
        #expect {
            try JournalPrefixCopy.copy(from: journal.directory, to: copy, throughSeq: UInt64(events.count))
        } throws: { error in
            guard let error = error as? JournalError else { return false }
            return error.code == .corrupt && error.path == path && error.offset == victim.offset
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: journal.root.path) == ["journal"])
        // Up to the frame before the damage, it still copies.
        try JournalPrefixCopy.copy(from: journal.directory, to: copy, throughSeq: victim.firstSeq - 1)
        #expect(try JournalVerifier.verify(directory: copy, deep: true).isIntact)
    }
}

extension EventFilter {
    /// Every event up to `seq`.
    static func through(_ seq: UInt64) -> EventFilter {
        var filter = EventFilter()
        filter.toSeq = seq
        return filter
    }
}
