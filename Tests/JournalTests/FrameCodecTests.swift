import Integrity
@testable import Journal
import TestSupport
import Testing

@Suite struct FrameCodecTests {
    /// Three frames built by the real builder (records, deflate, chain), back to back.
    static func sampleFrames() -> (bytes: [UInt8], boundaries: [Int], chain: SHA256Digest) {
        let builder = FrameBuilder(tail: nil, segmentByteLimit: 1 << 20, clock: { 1_795_000_000_000_000 })
        var bytes: [UInt8] = []
        var boundaries: [Int] = []
        var chain = SHA256Digest.zero
        for count in [1, 3, 40] {
            let drafts = (0..<count).map { index in
                try! EventDraft(type: "metric.sample", requestId: index % 2 == 0 ? "r\(index)" : nil,
                                json: #"{"name":"lcm_queue_length","value":\#(index)}"#)
            }
            let frame = builder.build([drafts])
            boundaries.append(bytes.count)
            bytes += frame.bytes
            chain = frame.chain
        }
        return (bytes, boundaries, chain)
    }

    /// Feeds `bytes` to the decoder in pieces of the given sizes, as a stream would deliver them.
    static func decodeStream(_ bytes: [UInt8], pieces: [Int]) throws -> [FrameHeader] {
        var decoder = FrameDecoder()
        var available = 0
        var consumed = 0
        var headers: [FrameHeader] = []
        for piece in pieces + [0] {
            available = min(bytes.count, available + piece)
            while true {
                let frame: FrameHeader? = try bytes[..<available].withUnsafeBytes { raw in
                    var cursor = ByteCursor(raw, offset: consumed)
                    guard let frame = try decoder.decode(&cursor) else {
                        #expect(cursor.offset == consumed, "a nil decode must not move the cursor")
                        return nil
                    }
                    consumed = cursor.offset
                    return frame.header
                }
                guard let frame else { break }
                headers.append(frame)
            }
        }
        #expect(consumed == bytes.count)
        return headers
    }

    @Test func framesDecodeWholeByteByByteAndInRandomSplits() throws {
        let (bytes, _, _) = FrameCodecTests.sampleFrames()
        let whole = try FrameCodecTests.decodeStream(bytes, pieces: [bytes.count])
        #expect(whole.map(\.count) == [1, 3, 40])
        #expect(try FrameCodecTests.decodeStream(bytes, pieces: Array(repeating: 1, count: bytes.count)) == whole)
        var random = SeededGenerator(seed: 7)
        for _ in 0..<50 {
            var pieces: [Int] = []
            var total = 0
            while total < bytes.count {
                let piece = Int.random(in: 1...40, using: &random)
                pieces.append(piece)
                total += piece
            }
            #expect(try FrameCodecTests.decodeStream(bytes, pieces: pieces) == whole)
        }
    }

    @Test func chainRecomputedFromFramesMatchesTheBuilder() throws {
        let (bytes, _, chain) = FrameCodecTests.sampleFrames()
        var running = FrameChain()
        try bytes.withUnsafeBytes { raw in
            var cursor = ByteCursor(raw)
            var decoder = FrameDecoder()
            while let frame = try decoder.decode(&cursor) {
                let advanced = running.advance(over: frame)
                #expect(advanced)
            }
        }
        #expect(running.value == chain)
    }

    /// Encodes a header with one field replaced and a correct CRC, to test bounds alone.
    static func frame(codec: UInt8 = 1, fields: [UInt64], payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [JournalFormat.frameMagic, codec]
        for field in fields { bytes.appendVarint(field) }
        bytes += [UInt8](repeating: 0, count: 8)
        bytes.appendLittleEndian(CRC32.checksum(payload, initial: CRC32.checksum(bytes)))
        return bytes + payload
    }

    static let valid: [UInt64] = [4, 4, 0, 1, 0, 0]

    /// Decodes the first frame of `bytes`.
    static func decodeFirst(_ bytes: [UInt8]) throws(FrameError) -> Frame? {
        var result: Result<Frame?, FrameError> = .success(nil)
        bytes.withUnsafeBytes { raw in
            var cursor = ByteCursor(raw)
            var decoder = FrameDecoder()
            do throws(FrameError) { result = .success(try decoder.decode(&cursor)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    @Test(arguments: [
        (0, UInt64(JournalFormat.maxStoredLength + 1)),
        (1, 0), (1, UInt64(JournalFormat.maxUncompressedLength + 1)),
        (2, JournalFormat.maxSeqOffset),
        (3, 0), (3, 5),
        (4, JournalFormat.maxTimestampDelta), (5, JournalFormat.maxTimestampDelta),
    ])
    func everyHeaderFieldIsBounded(field: Int, value: UInt64) throws {
        var fields = FrameCodecTests.valid
        fields[field] = value
        let bytes = FrameCodecTests.frame(fields: fields, payload: [1, 2, 3, 4])
        #expect(throws: FrameError.self) { _ = try FrameCodecTests.decodeFirst(bytes) }
    }

    @Test func validBoundsDecode() throws {
        let bytes = FrameCodecTests.frame(fields: FrameCodecTests.valid, payload: [1, 2, 3, 4])
        let header = try FrameCodecTests.decodeFirst(bytes)?.header
        #expect(header?.count == 1)
        #expect(header?.storedLength == 4)
    }

    @Test(arguments: [
        ([UInt8]([0xF4, 1]), FrameError.Code.badMagic),
        ([0xF5, 0x08], .badFlags),
        ([0xF5, 0x03], .badFlags),
        ([0xF5, 1, 0x84, 0x00], .malformedVarint),
        ([0xF5, 1] + [UInt8](repeating: 0xFF, count: 10) + [0x01], .malformedVarint),
    ])
    func malformedHeadersAreRejected(bytes: [UInt8], code: FrameError.Code) {
        let padded = bytes + [UInt8](repeating: 0, count: 80)
        do {
            _ = try FrameCodecTests.decodeFirst(padded)
            Issue.record("expected \(code)")
        } catch {
            #expect(error.code == code)
        }
    }

    @Test func storedFramesMustDeclareEqualLengths() {
        let bytes = FrameCodecTests.frame(codec: 0, fields: [4, 5, 0, 1, 0, 0], payload: [1, 2, 3, 4])
        #expect(throws: FrameError.self) { _ = try FrameCodecTests.decodeFirst(bytes) }
    }

    @Test func crcCoversHeaderAndPayload() throws {
        var bytes = FrameCodecTests.frame(fields: FrameCodecTests.valid, payload: [1, 2, 3, 4])
        bytes[bytes.count - 1] ^= 0x10
        do {
            _ = try FrameCodecTests.decodeFirst(bytes)
            Issue.record("payload flip not detected")
        } catch {
            #expect(error.code == .checksumMismatch)
        }
    }

    @Test func varintsRoundTripAndRejectNonMinimalForms() throws {
        for value: UInt64 in [0, 1, 127, 128, 300, 1 << 32, UInt64.max] {
            var bytes: [UInt8] = []
            bytes.appendVarint(value)
            #expect(bytes.count == varintLength(value))
            let decoded = try bytes.withUnsafeBytes { raw in
                var cursor = ByteCursor(raw)
                return try cursor.readVarint()
            }
            #expect(decoded == value)
            // Every proper prefix is "need more bytes".
            for cut in 0..<bytes.count {
                let prefix = Array(bytes[..<cut])
                #expect(try prefix.withUnsafeBytes { raw in var c = ByteCursor(raw); return try c.readVarint() } == nil)
            }
        }
        for bad: [UInt8] in [[0x80, 0x00], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02], [UInt8](repeating: 0x80, count: 11)] {
            #expect(throws: VarintError.self) {
                try bad.withUnsafeBytes { raw in var c = ByteCursor(raw); _ = try c.readVarint() }
            }
        }
    }
}
