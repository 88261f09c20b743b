import Integrity
@testable import Journal
import Testing

@Suite struct PayloadEncoderTests {
    static func drafts(_ count: Int, from first: Int) -> [EventDraft] {
        (first..<(first + count)).map { index in
            try! EventDraft(type: "extraction.completed", requestId: "req-\(index)",
                            json: #"{"file":"rulebooks/catan/page-\#(index).png","width":1024,"height":768,"confidence":0.9\#(index % 10)}"#)
        }
    }

    /// Frames of 1, 5, 30 and 200 events: every level tier below the parallel one.
    static let sizes = [1, 5, 30, 200]

    @Test func payloadsCompressedOutOfOrderOnTwoEncodersSealToTheFramesOfAnInOrderBuild() {
        let clock: @Sendable () -> UInt64 = { 1_795_000_000_000_000 }
        var batches: [[EventDraft]] = []
        var first = 0
        for size in PayloadEncoderTests.sizes {
            batches.append(PayloadEncoderTests.drafts(size, from: first))
            first += size
        }
        let inOrder = FrameBuilder(tail: nil, segmentByteLimit: 1 << 20, clock: clock)
        let expected = batches.map { inOrder.build([$0]) }

        // Two encoders, the later frames finishing first, as two cores would produce them.
        let encoders = [PayloadEncoder(), PayloadEncoder()]
        var payloads = [EncodedPayload?](repeating: nil, count: batches.count)
        for index in batches.indices.reversed() { payloads[index] = encoders[index % 2].encode([batches[index]]) }
        let sealer = FrameBuilder(tail: nil, segmentByteLimit: 1 << 20, clock: clock)
        let sealed = payloads.map { sealer.seal($0!, continuesSyncGroup: false) }

        #expect(sealed.map(\.bytes) == expected.map(\.bytes))
        #expect(sealed.map(\.seqs) == expected.map(\.seqs))
        #expect(sealed.last?.chain == expected.last?.chain)
        #expect(sealed.map(\.seqs) == [1...1, 2...6, 7...36, 37...236])
    }

    @Test(arguments: PayloadEncoderTests.sizes)
    func aPayloadInflatesBackToItsRecords(size: Int) throws {
        let batch = PayloadEncoderTests.drafts(size, from: 0)
        let payload = PayloadEncoder().encode([batch])
        var records: [UInt8] = []
        for draft in batch { RecordCodec.append(draft, timestampDelta: 0, to: &records) }
        #expect(payload.codec == .deflate)
        #expect(payload.count == size)
        #expect(payload.uncompressedLength == records.count)
        #expect(payload.stored.count < records.count)
        var inflated = [UInt8](repeating: 0, count: payload.uncompressedLength)
        try payload.stored.withUnsafeBytes { input in
            try inflated.withUnsafeMutableBytes { try Decompressor().decompress(input, into: $0, dictionaryId: CompressionDictionary.currentId) }
        }
        #expect(inflated == records)
    }
}
