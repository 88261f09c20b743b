import Foundation
@testable import Journal
import POSIX
import Testing

/// Storage faults: bit flips, torn tails, mid-journal damage.
@Suite struct CorruptionTests {
    /// A small journal: two segments of a few frames each, no preallocation.
    static func smallJournal(_ journal: TestJournal, frames: Int = 5) throws {
        let writer = try JournalWriter.open(journal.configuration(segmentByteLimit: 320))
        for index in 0..<frames {
            _ = try writer.append(index == 2 ? [journal.draft(index), journal.draft(index + 100)] : [journal.draft(index)])
        }
        try writer.close()
    }

    /// Each segment's frame start offsets (from a clean scan) and file sizes.
    static func frameStarts(_ journal: TestJournal) throws -> [(path: String, starts: [Int], size: Int)] {
        try journal.segmentPaths().map { path in
            let name = (path as NSString).lastPathComponent
            let reader = try SegmentReader(directory: journal.directory, name: name, io: Kernel.live.io)
            var starts: [Int] = []
            while case .frame(let frame) = try reader.next() { starts.append(frame.fileOffset) }
            return (path, starts, reader.fileSize)
        }
    }

    @Test func everySingleBitFlipIsReportedWithItsFileAndOffsetAndWriteOpenDoesWhatVerifySays() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        try CorruptionTests.smallJournal(journal, frames: 9)
        let layout = try CorruptionTests.frameStarts(journal)
        #expect(layout.count == 3)
        #expect(layout.allSatisfy { $0.starts.count >= 2 }, "several frames per segment")
        #expect(try JournalVerifier.verify(directory: journal.directory).isIntact)
        let indexes = layout.map { $0.path.replacingOccurrences(of: ".seg", with: ".idx") }
        var flips = 0
        for (file, starts) in layout.map({ ($0.path, $0.starts) }) + indexes.map({ ($0, [Int]()) }) {
            let original = try Data(contentsOf: URL(fileURLWithPath: file))
            let name = (file as NSString).lastPathComponent
            for byte in 0..<original.count {
                // Frame damage is reported at the start of the frame holding the byte, header
                // damage inside the 64-byte header, index damage at the index file.
                let frameStart = starts.last { $0 <= byte }
                for bit in 0..<8 {
                    var damaged = original
                    damaged[byte] ^= UInt8(1 << bit)
                    try damaged.write(to: URL(fileURLWithPath: file))
                    flips += 1
                    let report = bit == byte % 8
                        ? try journal.expectVerifyAgreesWithWriteOpen("flip of bit \(bit) at \(name):\(byte)")
                        : try JournalVerifier.verify(directory: journal.directory, deep: true)
                    guard let damage = report.damages.first else {
                        Issue.record("flip of bit \(bit) at \(name):\(byte) was not reported")
                        continue
                    }
                    #expect(report.damages.count <= 2, "flip of bit \(bit) at \(name):\(byte) gave \(report.damages)")
                    #expect(damage.segment == name, "flip at \(name):\(byte) reported in \(damage.segment)")
                    if starts.isEmpty {
                        #expect(damage.kind == .invalidIndex, "flip at \(name):\(byte) gave \(damage)")
                    } else if byte < JournalFormat.segmentHeaderLength {
                        #expect(damage.offset < JournalFormat.segmentHeaderLength, "header flip at \(byte) reported at \(damage.offset)")
                    } else {
                        #expect(damage.offset == frameStart, "flip at \(name):\(byte) reported at \(damage.offset)")
                    }
                }
            }
            try original.write(to: URL(fileURLWithPath: file))
        }
        #expect(flips == (layout.map(\.size).reduce(0, +) + indexes.map { try! Data(contentsOf: URL(fileURLWithPath: $0)).count }.reduce(0, +)) * 8)
        #expect(try JournalVerifier.verify(directory: journal.directory, deep: true).isIntact)
    }

    @Test func verifyReportsDamageInEverySegmentItReaches() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        try CorruptionTests.smallJournal(journal, frames: 9)
        let layout = try CorruptionTests.frameStarts(journal)
        for segment in layout {
            var bytes = try Data(contentsOf: URL(fileURLWithPath: segment.path))
            bytes[segment.starts[1] + 9] ^= 0x40
            try bytes.write(to: URL(fileURLWithPath: segment.path))
        }
        let report = try JournalVerifier.verify(directory: journal.directory)
        for segment in layout {
            let name = (segment.path as NSString).lastPathComponent
            #expect(report.damages.contains { $0.segment == name && $0.offset == segment.starts[1] }, "\(name): \(report.damages)")
        }
    }

    @Test func truncationAtEveryOffsetOfTheLastFrameRecoversToThePreviousFrame() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        try CorruptionTests.smallJournal(journal)
        let layout = try CorruptionTests.frameStarts(journal)
        let last = layout.last!
        let lastStart = last.starts.last!
        let original = try Data(contentsOf: URL(fileURLWithPath: last.path))
        let (before, _) = try journal.readAll()
        let survivors = before.filter { $0.seq < before.last!.seq }
        // A cut that is a crash artefact happens before a clean close writes the index.
        try FileManager.default.removeItem(atPath: last.path.replacingOccurrences(of: ".seg", with: ".idx"))
        for cut in lastStart..<last.size {
            try original.prefix(cut).write(to: URL(fileURLWithPath: last.path))
            try? FileManager.default.removeItem(atPath: last.path.replacingOccurrences(of: ".seg", with: ".idx"))
            let quarantine = journal.directory + "/quarantine"
            try? FileManager.default.removeItem(atPath: quarantine)
            let writer = try JournalWriter.open(journal.configuration())
            let report = writer.recoveryReports.first
            try writer.close()
            if cut == lastStart {
                #expect(report == nil)
            } else {
                let cutBytes = Array(original[lastStart..<cut])
                let kept = Array(cutBytes[..<(cutBytes.lastIndex { $0 != 0 }.map { $0 + 1 } ?? 0)])
                #expect(report?.offset == lastStart)
                #expect(report?.bytes == kept.count)
                let saved = try Data(contentsOf: URL(fileURLWithPath: journal.directory + "/" + report!.quarantinedTo))
                #expect(Array(saved) == kept)
            }
            let (events, summary) = try journal.readAll()
            #expect(summary.damage == nil)
            #expect(Array(events.prefix(survivors.count)) == survivors)
            if cut > lastStart {
                #expect(events.count == survivors.count + 1)
                #expect(events.last?.type == "journal.recovered")
                #expect(events.last?.seq == survivors.last!.seq + 1)
            }
            #expect(try JournalVerifier.verify(directory: journal.directory, deep: true).isIntact)
        }
    }

    @Test func tornWriteIntoPreallocatedZerosIsATornTail() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(preallocation: 8192))
        for index in 0..<4 { _ = try writer.append([journal.draft(index)]) }
        try writer.close()
        let path = try journal.segmentPaths()[0]
        let layout = try CorruptionTests.frameStarts(journal)[0]
        #expect(layout.size > layout.starts.last! + 200, "segment is preallocated")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // The last frame's second half never reached the disk: zeros, as a lost page reads back.
        let start = layout.starts.last!
        let end = layout.starts.count > 0 ? bytes[start...].lastIndex { $0 != 0 }! + 1 : start
        for index in ((start + end) / 2)..<end { bytes[index] = 0 }
        try bytes.write(to: URL(fileURLWithPath: path))
        let report = try JournalVerifier.verify(directory: journal.directory)
        #expect(report.damages.count == 1)
        #expect(report.damages.first?.isTornTail == true)
        #expect(report.damages.first?.offset == start)
        let reopened = try JournalWriter.open(journal.configuration(preallocation: 8192))
        #expect(reopened.recoveryReports.first?.offset == start)
        _ = try reopened.append([journal.draft(9)])
        try reopened.close()
        let (events, _) = try journal.readAll()
        #expect(events.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(events[3].type == "journal.recovered")
        #expect(try JournalVerifier.verify(directory: journal.directory, deep: true).isIntact)
    }

    @Test func nonZeroBytesInThePaddingAreReported() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(preallocation: 8192))
        _ = try writer.append([journal.draft(1)])
        try writer.close()
        let path = try journal.segmentPaths()[0]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count - 10] = 0x42
        try bytes.write(to: URL(fileURLWithPath: path))
        let report = try JournalVerifier.verify(directory: journal.directory)
        #expect(report.damages.map(\.offset) == [bytes.count - 10])
    }

    @Test func midJournalDamageRefusesWriteOpenButReadersGetWhatIsBeforeIt() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(durability: .always))
        for index in 0..<6 { _ = try writer.append([journal.draft(index)]) }
        try writer.close()
        // As after a crash: no index for the active segment, so write-open scans all of it.
        try FileManager.default.removeItem(atPath: journal.directory + "/00000000000000000001.idx")
        let layout = try CorruptionTests.frameStarts(journal)[0]
        let damagedFrame = layout.starts[3]
        let path = layout.path
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[damagedFrame + 20] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        do {
            _ = try JournalWriter.open(journal.configuration())
            Issue.record("write-open succeeded on a damaged journal")
        } catch {
            #expect(error.code == .corrupt)
            #expect(error.path == path)
            #expect(error.offset == damagedFrame)
            #expect(error.seqRange == 4...4)
            #expect(error.description.contains("00000000000000000001.seg at byte \(damagedFrame)"))
            #expect(error.description.contains("seq 4"))
        }
        let (events, summary) = try journal.readAll()
        #expect(events.map(\.seq) == [1, 2, 3])
        #expect(summary.damage?.offset == damagedFrame)
        #expect(summary.damage?.isTornTail == false)
        #expect(!FileManager.default.fileExists(atPath: journal.directory + "/quarantine"))
    }

    @Test func editedFrameWithRecomputedCRCBreaksTheChain() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        for index in 0..<3 { _ = try writer.append([journal.draft(index)]) }
        try writer.close()
        let layout = try CorruptionTests.frameStarts(journal)[0]
        // Swap the first frame for a forged one (same seq and timestamp, valid CRC, other event).
        let forger = FrameBuilder(tail: nil, segmentByteLimit: 1 << 20, clock: { 1_795_000_000_000_000 })
        let forged = forger.build([[try EventDraft(type: "forged", json: #"{"evil":true}"#)]]).bytes
        var bytes = try Data(contentsOf: URL(fileURLWithPath: layout.path))
        bytes.replaceSubrange(layout.starts[0]..<layout.starts[1], with: forged)
        try bytes.write(to: URL(fileURLWithPath: layout.path))
        let report = try JournalVerifier.verify(directory: journal.directory)
        // The forged frame itself is self-consistent (valid CRC, chained from zero), but the
        // genuine frame after it was chained from the genuine one: the tag no longer matches.
        #expect(report.damages.first?.offset == layout.starts[0] + forged.count)
        #expect(report.damages.first?.reason.contains("hash chain") == true)
        // The forged frame is shorter: the segment no longer matches its index either, and
        // write-open refuses on that (an index covers only synced frames).
        #expect(report.damages.count == 2)
        guard case .refuses(let damage) = report.writeOpen else { Issue.record("write-open would open"); return }
        #expect(damage.reason.contains("cut off"))
        #expect(throws: JournalError.self) { _ = try JournalWriter.open(journal.configuration()) }
    }
}
