import Foundation
import Journal
@testable import POSIX
import Testing
import TestSupport

/// A journal folder in a temporary directory with helpers shared by the journal tests.
struct TestJournal {
    let root: TemporaryDirectory
    var directory: String { root.appending("journal") }

    init() throws { root = try TemporaryDirectory("journal-test") }

    /// A deterministic configuration: fake clock, no fsync by default, no preallocation.
    func configuration(durability: Durability = .none, segmentByteLimit: Int = 64 << 20, preallocation: Int = 0,
                       calls: SyscallTable = .live) -> JournalConfiguration {
        JournalConfiguration(directory: directory, durability: durability, segmentByteLimit: segmentByteLimit,
                             preallocationByteCount: preallocation, kernel: Kernel(calls: calls),
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

/// Building frames by hand, as a writer (or an attacker who can write the files) would.
extension TestJournal {
    /// Where write-open would continue (the journal must open).
    func tail() throws -> JournalTail {
        guard case .opens(let tail?, _, _) = try OpenCheck.verdict(directory: directory, io: Kernel.live.io) else {
            throw JournalError(.corrupt, "test journal does not open")
        }
        return tail
    }

    /// A payload of records built from raw parts, unchecked.
    func rawPayload(_ records: [(type: [UInt8], requestId: [UInt8]?, data: [UInt8])]) -> EncodedPayload {
        var bytes: [UInt8] = []
        for record in records {
            RecordCodec.append(type: record.type, version: 1, requestId: record.requestId, data: record.data, timestampDelta: 0, to: &bytes)
        }
        return PayloadEncoder().encode(records: bytes, count: records.count)
    }

    /// Writes `payloads` as frames after the journal's last frame, in one write, with correct
    /// CRCs and chain, the first beginning a sync group unless `continuesGroup`; the others
    /// continue it. Returns each frame's offset and length. The active index is removed, as it
    /// would be stale.
    @discardableResult
    func appendRawFrames(_ payloads: [EncodedPayload], continuesGroup: Bool = false) throws -> [(offset: Int, length: Int)] {
        let tail = try tail()
        let builder = FrameBuilder(tail: tail, segmentByteLimit: 1 << 30, clock: { 1_795_000_000_000_000 })
        var bytes: [UInt8] = []
        var frames: [(offset: Int, length: Int)] = []
        for (position, payload) in payloads.enumerated() {
            let frame = builder.seal(payload, continuesSyncGroup: position > 0 || continuesGroup)
            frames.append((tail.endOffset + bytes.count, frame.bytes.count))
            bytes += frame.bytes
        }
        let path = directory + "/" + tail.segmentName
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(tail.endOffset))
        try handle.write(contentsOf: bytes)
        try handle.close()
        dropIndex(of: tail.segmentName)
        return frames
    }

    /// Removes a segment's index, as a crash (no clean close) leaves the active segment.
    func dropIndex(of segment: String = "00000000000000000001.seg") {
        try? FileManager.default.removeItem(atPath: directory + "/" + segment.replacingOccurrences(of: ".seg", with: ".idx"))
    }

    /// Checks that what `verify` says write-open will do is what it does, on a copy of the
    /// folder: refuses (naming the same file and offset), opens untouched, or opens after
    /// repairs; and that once open, an append lands, reads back, and the journal verifies.
    /// Returns verify's report of the original folder.
    @discardableResult
    func expectVerifyAgreesWithWriteOpen(_ context: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation) throws -> VerificationReport {
        let report = try JournalVerifier.verify(directory: directory, deep: true)
        let copy = try TemporaryDirectory("journal-copy")
        defer { copy.remove() }
        let copied = copy.appending("journal")
        try FileManager.default.copyItem(atPath: directory, toPath: copied)
        var configuration = configuration()
        configuration.directory = copied
        switch Result(catching: { () throws(JournalError) in try JournalWriter.open(configuration) }) {
        case .failure(let error):
            guard case .refuses(let damage) = report.writeOpen else {
                Issue.record("verify says \(report.writeOpen) but write-open threw \(error); \(context())", sourceLocation: sourceLocation)
                return report
            }
            #expect(error.code == .corrupt, "\(context())", sourceLocation: sourceLocation)
            #expect(error.path == copied + "/" + damage.segment, "\(context())", sourceLocation: sourceLocation)
            #expect(error.offset == damage.offset, "\(context())", sourceLocation: sourceLocation)
        case .success(let writer):
            let head = writer.headSeq
            switch report.writeOpen {
            case .refuses(let damage):
                Issue.record("verify says write-open refuses (\(damage)) but it opened; \(context())", sourceLocation: sourceLocation)
            case .opens:
                #expect(writer.recoveryReports.isEmpty, "\(context())", sourceLocation: sourceLocation)
            case .repairs:
                break
            }
            let seqs = try writer.append([draft(7)]).seqs
            try writer.close()
            #expect(seqs == (head + 1)...(head + 1), "\(context())", sourceLocation: sourceLocation)
            let after = try JournalVerifier.verify(directory: copied, deep: true)
            #expect(after.writeOpen == .opens, "\(context()): after the open, \(after.writeOpen)", sourceLocation: sourceLocation)
            // Once repaired, the journal verifies and the append reads back — unless damage
            // write-open does not read was there before.
            if report.damages.allSatisfy({ [.tornTail, .invalidIndex].contains($0.kind) }) {
                #expect(after.isIntact, "\(context()): \(after.damages)", sourceLocation: sourceLocation)
                var events: [JournalEvent] = []
                _ = try JournalReader(directory: copied).read(EventFilter.from(head + 1)) { events.append($0); return true }
                #expect(events.map(\.seq) == [head + 1], "\(context())", sourceLocation: sourceLocation)
            }
            // A second write-open succeeds too.
            try JournalWriter.open(configuration).close()
        }
        return report
    }
}

extension EventFilter {
    /// Every event from `seq` on.
    static func from(_ seq: UInt64) -> EventFilter {
        var filter = EventFilter()
        filter.fromSeq = seq
        return filter
    }
}
