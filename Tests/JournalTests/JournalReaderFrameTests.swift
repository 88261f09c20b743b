import Foundation
import Integrity
@testable import Journal
@testable import POSIX
import Testing
import TestSupport

/// Frame reads, the chain at a seq and the seq at a time, checked against what the segment
/// files say when decoded without the reader.
@Suite struct JournalReaderFrameTests {
    @Test func framesCarryTheBoundariesAndChainValuesAFullScanComputes() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let events = try journal.buildMixedJournal()
        let ends = try journal.independentFrameEnds()
        var frames: [ReadFrame] = []
        let summary = try JournalReader(directory: journal.directory).readFrames { frames.append($0); return true }
        #expect(summary.damage == nil)
        #expect(summary.deliveredCount == events.count)
        #expect(frames.map { FrameEnd(segment: $0.segment, offset: $0.offset, length: $0.length, firstSeq: $0.firstSeq, lastSeq: $0.lastSeq, chain: $0.chainAfter) } == ends)
        #expect(frames.flatMap(\.events) == events)
        #expect(frames.contains { $0.events.count > 2 } && Set(frames.map(\.segment)).count >= 3)
        for frame in frames {
            #expect(frame.firstTimestamp == frame.events.first?.timestamp)
            #expect(frame.lastTimestamp == frame.events.last?.timestamp)
        }
        // The frame with deltas 0, 5, 5: its span is in the header and its events keep their times.
        let delta = try #require(frames.first { $0.lastTimestamp == $0.firstTimestamp + 5 })
        #expect(delta.events.map { $0.timestamp - delta.firstTimestamp } == [0, 5, 5])
        #expect(try JournalVerifier.verify(directory: journal.directory).chain == ends.last?.chain)
    }

    @Test func aFilteredFrameReadKeepsWholeFramesAndFiltersTheirEvents() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let events = try journal.buildMixedJournal()
        let ends = try journal.independentFrameEnds()
        let multi = try #require(ends.first { $0.lastSeq > $0.firstSeq + 1 })
        var filter = EventFilter.from(multi.firstSeq + 1)
        filter.types = ["metric.sample"]
        var frames: [ReadFrame] = []
        _ = try JournalReader(directory: journal.directory).readFrames(filter) { frames.append($0); return true }
        #expect(frames.first?.firstSeq == multi.firstSeq)
        #expect(frames.map(\.lastSeq) == ends.filter { $0.lastSeq > multi.firstSeq }.map(\.lastSeq))
        #expect(frames.flatMap(\.events) == events.filter { $0.seq > multi.firstSeq && $0.type == "metric.sample" })
        var stopped: [ReadFrame] = []
        _ = try JournalReader(directory: journal.directory).readFrames { stopped.append($0); return stopped.count < 2 }
        #expect(stopped.count == 2)
    }

    @Test func theChainAtEverySeqIsTheFrameEndsChainOrNilInsideAFrame() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let events = try journal.buildMixedJournal()
        let ends = try journal.independentFrameEnds()
        let reader = JournalReader(directory: journal.directory)
        #expect(try reader.chain(atSeq: 0) == .zero)
        for seq in 1...(UInt64(events.count) + 2) {
            let expected = ends.first { $0.lastSeq == seq }?.chain
            #expect(try reader.chain(atSeq: seq) == expected, "seq \(seq)")
        }
    }

    @Test func theChainAtASeqIsCheckedAndDamageBeforeItIsReported() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        try journal.buildMixedJournal()
        let ends = try journal.independentFrameEnds()
        // The target has frames before it in its (sealed) segment; the one just before it is
        // damaged. (In the last segment's last sync group, damage reads as a torn tail.)
        let position = try #require(ends.indices.last { $0 > 0 && ends[$0 - 1].segment == ends[$0].segment && ends[$0].segment != ends.last!.segment })
        let target = ends[position], victim = ends[position - 1]
        let path = try journal.damage(victim, mask: 0x01)
        journal.dropIndex(of: victim.segment)
        #expect {
            _ = try JournalReader(directory: journal.directory).chain(atSeq: target.lastSeq)
        } throws: { error in
            guard let error = error as? JournalError else { return false }
            return error.code == .corrupt && error.path == path && error.offset == victim.offset
        }
    }

    @Test func theLastSeqAtOrBeforeATimeIsTheLastEventStampedByThen() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let events = try journal.buildMixedJournal()
        let reader = JournalReader(directory: journal.directory)
        var times: Set<UInt64> = [0, 1, UInt64.max]
        for event in events { times.formUnion([event.timestamp - 1, event.timestamp, event.timestamp + 1]) }
        for time in times.sorted() {
            let expected = events.last { $0.timestamp <= time }?.seq ?? 0
            #expect(try reader.lastSeq(atOrBefore: time) == expected, "time \(time)")
        }
    }

    @Test func aLastSegmentBeingCreatedIsNoEventYet() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let events = try journal.buildMixedJournal()
        let head = UInt64(events.count)
        let chain = try journal.independentFrameEnds().last?.chain
        // A writer has created the next segment and not yet written its header.
        #expect(FileManager.default.createFile(atPath: journal.directory + "/" + JournalFormat.segmentFileName(firstSeq: head + 1),
                                               contents: Data(repeating: 0, count: 10)))
        let reader = JournalReader(directory: journal.directory)
        #expect(try reader.lastSeq(atOrBefore: .max) == head)
        #expect(try reader.lastSeq(atOrBefore: events[3].timestamp) == events.last { $0.timestamp <= events[3].timestamp }!.seq)
        #expect(try reader.chain(atSeq: head) == chain)
        #expect(try reader.chain(atSeq: head + 1) == nil)
        var since = EventFilter()
        since.since = events.last!.timestamp
        var read: [JournalEvent] = []
        let summary = try reader.read(since) { read.append($0); return true }
        #expect(read == events.filter { $0.timestamp >= since.since! } && summary.damage?.isTornTail == true)
    }

    @Test func readsFromASeqOrATimeStartWhereTheyShould() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let events = try journal.buildMixedJournal()
        let reader = JournalReader(directory: journal.directory)
        var times: Set<UInt64> = [0, UInt64.max]
        for event in events { times.formUnion([event.timestamp - 1, event.timestamp, event.timestamp + 1]) }
        for since in times {
            for fromSeq in [1, UInt64(events.count / 2), UInt64(events.count)] {
                var filter = EventFilter.from(fromSeq)
                filter.since = since
                var read: [JournalEvent] = []
                let summary = try reader.read(filter) { read.append($0); return true }
                #expect(summary.damage == nil)
                #expect(read == events.filter { $0.seq >= fromSeq && $0.timestamp >= since }, "since \(since), from \(fromSeq)")
            }
        }
    }
}

/// Lookups on a journal of several multi-megabyte segments read about one sparse index step
/// of frames (plus the reader's 1 MiB buffer), not the journal.
@Suite struct JournalReaderSeekTests {
    static let segmentBytes = 3 << 20

    /// ~8 MiB of poorly compressible events in segments of 3 MiB, each frame 1 ms later.
    static func bigJournal() throws -> (TestJournal, [JournalEvent]) {
        let journal = try TestJournal()
        var generator = SeededGenerator(seed: 7)
        let writer = try JournalWriter.open(journal.steppingConfiguration(SteppingClock(), segmentByteLimit: segmentBytes))
        for round in 0..<1_400 {
            let drafts = try (0..<10).map { item in
                let blob = (0..<64).map { _ in String(generator.next(), radix: 16) }.joined()
                return try EventDraft(type: "blob.stored", json: #"{"round":\#(round),"item":\#(item),"blob":"\#(blob)"}"#)
            }
            _ = try writer.append(drafts)
        }
        try writer.close()
        let events = try journal.readAll().events
        return (journal, events)
    }

    @Test func chainTimeAndRangeLookupsReadABoundedPartOfTheJournal() throws {
        let (journal, events) = try JournalReaderSeekTests.bigJournal()
        defer { journal.root.remove() }
        let paths = try journal.segmentPaths()
        let total = try paths.reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: $1)[.size] as! Int) }
        #expect(paths.count >= 3 && total > 6 << 20)
        let bound = (1 << 20) + 2 * JournalFormat.indexSparseStep
        let ends = try journal.independentFrameEnds()
        for probe in [ends.count / 3, ends.count / 2 + 7, ends.count - 2] {
            let end = ends[probe]
            let counter = ReadCounter()
            let reader = JournalReader(directory: journal.directory, kernel: Kernel(calls: counter.calls))
            #expect(try reader.chain(atSeq: end.lastSeq) == end.chain)
            #expect(counter.bytes.load(ordering: .relaxed) < bound, "chain(atSeq: \(end.lastSeq)) read \(counter.bytes.load(ordering: .relaxed)) bytes")

            let event = events[Int(end.lastSeq) - 1]
            counter.bytes.store(0, ordering: .relaxed)
            #expect(try reader.lastSeq(atOrBefore: event.timestamp) == end.lastSeq)
            #expect(counter.bytes.load(ordering: .relaxed) < bound, "lastSeq read \(counter.bytes.load(ordering: .relaxed)) bytes")

            for byTime in [false, true] {
                var filter = EventFilter()
                if byTime { filter.since = event.timestamp } else { filter.fromSeq = event.seq }
                counter.bytes.store(0, ordering: .relaxed)
                var first: JournalEvent? = nil
                _ = try reader.read(filter) { first = $0; return false }
                #expect(first == events[Int(end.firstSeq) - 1 + (byTime ? 0 : Int(event.seq - end.firstSeq))])
                #expect(counter.bytes.load(ordering: .relaxed) < bound, "read from \(byTime ? "a time" : "a seq") read \(counter.bytes.load(ordering: .relaxed)) bytes")
            }
        }
    }
}
