@testable import Imaging
import Testing
import TestSupport

@Suite struct PNMDecoderTests {
    static let fixtures = DHashFixtures.names("pnm")

    private func decode(_ pieces: [[UInt8]], limits: DecodingLimits = DecodingLimits()) throws(ImagingError) -> RowCollector {
        var decoder = PNMDecoder(limits: limits)
        var collector = RowCollector()
        for piece in pieces {
            try piece.withBytes { (bytes) throws(ImagingError) in try decoder.feed(bytes, into: &collector) }
        }
        try decoder.finish(into: &collector)
        return collector
    }

    private func decode(_ text: String) throws(ImagingError) -> RowCollector {
        try decode([Array(text.utf8)])
    }

    @Test("decoded samples equal Pillow's, fed whole, byte by byte and in random splits",
          arguments: fixtures, Splitting.allCases)
    func samplesMatchPillow(file: String, splitting: Splitting) throws {
        let entry = DHashFixtures.entry("pnm", file)
        let collector = try decode(splitting.pieces(of: DHashFixtures.bytes(file)))
        let header = try #require(collector.header)
        #expect(header.width == entry["width"] as! Int && header.height == entry["height"] as! Int)
        #expect(collector.rows.count == header.height)
        if let pixels = entry["pixels"] as? String {
            #expect(collector.pixels == DHashFixtures.bytes(hex: pixels))
        }
        let mode = entry["pillowMode"] as! String
        let expectedLayout: PixelLayout = mode == "RGB" ? .rgb : mode == "I" ? .gray16 : .gray
        #expect(header.layout == expectedLayout)
    }

    @Test func maxvalScalingRoundsHalfToEvenLikePython() {
        // 1/2 × 255 = 127.5 rounds to 128 (even); 3/6 × 255 likewise; 1/10 × 255 = 25.5 → 26.
        #expect(PNMSampleScale(maxValue: 2, outMax: 255).table[1] == 128)
        #expect(PNMSampleScale(maxValue: 10, outMax: 255).table[1] == 26)
        #expect(PNMSampleScale(maxValue: 10, outMax: 255).table[3] == 76) // 76.5 → 76
        #expect(PNMSampleScale(maxValue: 15, outMax: 255).table[200] == 255) // above maxval clips
        #expect(PNMSampleScale(maxValue: 1000, outMax: 65535).table[1000] == 65535)
    }

    @Test func bitmapsAreBlackForOne() throws {
        let plain = try decode("P1\n3 2\n1 0 1\n010")
        #expect(plain.pixels == [0, 255, 0, 255, 0, 255])
        let binary = try decode([Array("P4\n10 1\n".utf8) + [0b1010_0000, 0b0100_0000]])
        #expect(binary.pixels == [0, 255, 0, 255, 255, 255, 255, 255, 255, 0])
    }

    @Test func trailingBytesAfterTheLastRowAreIgnored() throws {
        let collector = try decode([Array("P5 2 1 255 ".utf8) + [7, 9, 1, 2, 3]])
        #expect(collector.pixels == [7, 9])
    }

    @Test func aNumberTheInputEndsInsideStillCounts() throws {
        #expect(try decode("P2 2 1 255 4 200").pixels == [4, 200])
    }

    static let malformed: [(String, [UInt8], ImagingError.Code)] = [
        ("empty", [], .truncated),
        ("magic only", Array("P5".utf8), .truncated),
        ("header cut short", Array("P5 4 4".utf8), .truncated),
        ("raster cut short", Array("P5 2 2 255 ".utf8) + [1, 2, 3], .truncated),
        ("plain raster cut short", Array("P2 2 2 255 1 2 3".utf8), .truncated),
        ("not PNM", Array("GIF89a".utf8), .unrecognizedFormat),
        ("P7", Array("P7 1 1 255 ".utf8), .unrecognizedFormat),
        ("magic run on", Array("P6x 1 1 255 ".utf8), .unrecognizedFormat),
        ("zero width", Array("P5 0 4 255 ".utf8), .badHeader),
        ("zero height", Array("P5 4 0 255 ".utf8), .badHeader),
        ("zero maxval", Array("P5 1 1 0 ".utf8), .badHeader),
        ("maxval too big", Array("P5 1 1 65536 ".utf8), .badHeader),
        ("negative width", Array("P5 -1 1 255 ".utf8), .badHeader),
        ("letter in header", Array("P5 1x 1 255 ".utf8), .badHeader),
        ("11-digit token", Array("P5 00000000001 1 255 ".utf8), .badHeader),
        ("huge dimensions", Array("P5 9999999999 9999999999 255 ".utf8), .tooManyPixels),
        ("bad P1 digit", Array("P1 2 1 0 2".utf8), .malformed),
        ("sample above maxval", Array("P2 2 1 15 3 16 ".utf8), .malformed),
        ("negative sample", Array("P2 2 1 15 3 -1 ".utf8), .malformed),
        ("11-digit sample", Array("P2 1 1 15 00000000001 ".utf8), .malformed),
    ]

    @Test("malformed input is refused with the right code", arguments: malformed)
    func malformedInputIsRefused(name: String, bytes: [UInt8], code: ImagingError.Code) {
        #expect { _ = try decode([bytes]) } throws: { ($0 as? ImagingError)?.code == code }
    }

    @Test func thePixelLimitIsCheckedBeforeAnyRow() {
        let limits = DecodingLimits(maxPixelCount: 99)
        #expect { _ = try decode([Array("P5 10 10 255 ".utf8)], limits: limits) } throws: { error in
            let error = error as! ImagingError
            return error.code == .tooManyPixels && error.description.contains("10 × 10")
        }
        #expect(throws: Never.self) { _ = try decode([Array("P5 9 11 255 ".utf8) + [UInt8](repeating: 1, count: 99)], limits: limits) }
    }

    @Test func errorsNameTheByteOffset() {
        #expect { _ = try decode([Array("P2 2 1 15 3 1x ".utf8)]) } throws: { ($0 as? ImagingError)?.offset == 13 }
    }

    @Test func randomMutationsDecodeOrThrowButNeverCrash() {
        var generator = SeededGenerator(seed: 0x5EED_D4A5)
        let sources = Self.fixtures.map { DHashFixtures.bytes($0) }
        var decoded = 0
        var refused = 0
        for round in 0..<3000 {
            var bytes = sources[round % sources.count]
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.removeLast(Int.random(in: 0...min(bytes.count - 1, 40), using: &generator))
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: Int.random(in: 0...bytes.count, using: &generator))
                default:
                    let at = Int.random(in: 0..<min(bytes.count, 24), using: &generator)
                    bytes[at] = Array(" #\n0123456789".utf8).randomElement(using: &generator)!
                }
            }
            do {
                _ = try decode(Splitting.random.pieces(of: bytes, seed: UInt64(round)), limits: DecodingLimits(maxPixelCount: 1 << 20))
                decoded += 1
            } catch {
                refused += 1
            }
        }
        #expect(decoded > 0 && refused > 0)
    }
}
