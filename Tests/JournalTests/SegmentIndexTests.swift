import Foundation
import Integrity
@testable import Journal
import Testing
import TestSupport

/// The index file codec: round trips, every field's bound, lookups by seq and time.
@Suite struct SegmentIndexTests {
    static let header = SegmentHeader(dictionaryId: 1, firstSeq: 41, baseTimestamp: 1_000, previousChain: SHA256Digest(bytes: [UInt8](repeating: 3, count: 32))!)

    /// An index of `frames` frames of 100 KiB each, three events apiece.
    static func index(frames: Int) -> SegmentIndex {
        var index = SegmentIndex(emptySegmentWith: header)
        var chain = header.previousChain
        for frame in 0..<frames {
            let next = SHA256.hash(chain.bytes)
            index.record(frameAt: 64 + frame * 100_000, length: 100_000, firstSeq: 41 + UInt64(frame * 3), count: 3,
                         firstTimestamp: 1_000 + UInt64(frame * 10), lastTimestamp: 1_005 + UInt64(frame * 10), chainBefore: chain, chainAfter: next)
            chain = next
        }
        return index
    }

    @Test(arguments: [0, 1, 2, 3, 7, 40])
    func roundTrips(frames: Int) throws {
        var index = SegmentIndexTests.index(frames: frames)
        index.isSealed = frames % 2 == 1
        let decoded = try index.encoded().withUnsafeBytes { try SegmentIndex.decode($0) }
        #expect(decoded == index)
        #expect(index.belongs(to: SegmentIndexTests.header))
        // Sparse: an entry at most every 256 KiB of frames, always one for the first frame.
        #expect(index.entries.count == (frames == 0 ? 0 : (frames - 1) / 3 + 1))
    }

    @Test func everyByteIsCovered() throws {
        let bytes = SegmentIndexTests.index(frames: 7).encoded()
        for position in bytes.indices {
            var damaged = bytes
            damaged[position] ^= 0x20
            #expect(throws: FrameError.self, "flip at \(position)") { try damaged.withUnsafeBytes { try SegmentIndex.decode($0) } }
        }
        for length in 0..<bytes.count {
            #expect(throws: FrameError.self) { try bytes.prefix(length).withUnsafeBytes { try SegmentIndex.decode(UnsafeRawBufferPointer($0)) } }
        }
    }

    @Test func lookupsFindTheEntryToStartAt() {
        let index = SegmentIndexTests.index(frames: 10)
        #expect(index.entries.map(\.firstSeq) == [41, 50, 59, 68])
        #expect(index.entry(forSeq: 40) == nil)
        #expect(index.entry(forSeq: 41)?.firstSeq == 41)
        #expect(index.entry(forSeq: 58)?.firstSeq == 50)
        #expect(index.entry(forSeq: 1_000)?.firstSeq == 68)
        #expect(index.entry(beforeTimestamp: 1_000) == nil)
        #expect(index.entry(beforeTimestamp: 1_031)?.firstTimestamp == 1_030)
        #expect(index.entry(beforeTimestamp: 1_030)?.firstTimestamp == 1_000)
    }
}
