import Foundation
@testable import Journal
import POSIX
import Testing

/// The segment reader against a file that changes under it.
@Suite(.timeLimit(.minutes(1))) struct SegmentReaderTests {
    @Test func aSegmentTrimmedAfterItWasMeasuredEndsAfterItsLastFrame() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(preallocation: 64 << 10))
        // Frames shorter than the longest frame header: the last one must not wait for more.
        for _ in 0..<5 { _ = try writer.append([try EventDraft(type: "a", json: "{}")]) }
        try writer.close()
        let tail = try journal.tail()
        #expect(tail.fileSize > tail.endOffset, "the segment still has its padding")
        let reader = try SegmentReader(directory: journal.directory, name: tail.segmentName, io: Kernel.live.io)
        // Sealing trims the padding: the file is now shorter than the reader measured.
        #expect(truncate(journal.directory + "/" + tail.segmentName, off_t(tail.endOffset)) == 0)
        var frames: [ScannedFrame] = []
        scan: while true {
            switch try reader.next() {
            case .frame(let scanned): frames.append(scanned)
            case .end(let offset):
                #expect(offset == tail.endOffset)
                break scan
            case .damage(let damage):
                Issue.record("\(damage)")
                break scan
            }
        }
        #expect(frames.count == 5 && frames.allSatisfy { $0.frame.length < JournalFormat.maxFrameHeaderLength })
    }
}
