import Imaging
import Testing

@Suite struct DifferenceHashTests {
    @Test func bitsAreRowMajorFirstMostSignificant() {
        var pixels = [UInt8](repeating: 100, count: 72)
        pixels[1] = 101 // row 0: pixel 1 > pixel 0 → first bit
        #expect(DifferenceHash(thumbnail: pixels, size: 8).value == 1 << 63)
        pixels = [UInt8](repeating: 100, count: 72)
        pixels[7 * 9 + 8] = 101 // row 7: pixel 8 > pixel 7 → last bit
        #expect(DifferenceHash(thumbnail: pixels, size: 8).value == 1)
        pixels = [UInt8](repeating: 100, count: 72)
        pixels[1 * 9 + 0] = 99 // row 1: pixel 1 > pixel 0 → bit 8 from the top
        #expect(DifferenceHash(thumbnail: pixels, size: 8).hex == "0080000000000000")
    }

    @Test func equalNeighboursAreNotRising() {
        #expect(DifferenceHash(thumbnail: [UInt8](repeating: 7, count: 72), size: 8).hex == "0000000000000000")
    }

    @Test func hexAndBase64() throws {
        let hash = DifferenceHash(value: 0x0123_4567_89AB_CDEF)
        #expect(hash.hex == "0123456789abcdef")
        #expect(hash.base64 == "ASNFZ4mrze8=")
        #expect(DifferenceHash(hex: "0123456789ABCDEF") == hash)
        #expect(DifferenceHash(hex: "0123456789abcde") == nil)
        #expect(DifferenceHash(hex: "0123456789abcdeg") == nil)
    }

    /// A size from outside (a query, a stored record) is refused, not squared into an overflow trap.
    @Test(arguments: [Int.min, -1, 0, 1, 3_037_000_500, Int.max])
    func hexParsingRefusesImpossibleSizes(size: Int) {
        #expect(DifferenceHash(hex: "0123456789abcdef", size: size) == nil)
    }

    @Test func oddSizesUseImageHashsHexWidth() throws {
        // 5 × 5 = 25 bits → 7 hex digits, the number left-padded, as ImageHash prints it.
        var pixels = [UInt8](repeating: 0, count: 30)
        pixels[1] = 1 // the first (most significant) of 25 bits
        let hash = DifferenceHash(thumbnail: pixels, size: 5)
        #expect(hash.hex == "1000000")
        #expect(hash.bytes == [0x01, 0, 0, 0])
        #expect(DifferenceHash(hex: "1000000", size: 5) == hash)
        #expect(DifferenceHash(hex: "2000000", size: 5) == nil) // 26 bits
    }

    @Test func distanceIsThePopcountOfTheXor() throws {
        let a = DifferenceHash(value: 0b1011), b = DifferenceHash(value: 0b0110)
        #expect(try a.distance(to: b) == 3)
        #expect(try a.distance(to: a) == 0)
        #expect(try DifferenceHash(value: 0).distance(to: DifferenceHash(value: ~0)) == 64)
        let small = DifferenceHash(thumbnail: [UInt8](repeating: 0, count: 30), size: 5)
        #expect { _ = try a.distance(to: small) } throws: { ($0 as? HashComparisonError)?.code == .sizeMismatch }
    }

    @Test func confidenceAndMaxDistance() throws {
        #expect(try MatchConfidence.confidence(forDistance: 0) == 1)
        #expect(try MatchConfidence.confidence(forDistance: 16) == 0.75)
        #expect(try MatchConfidence.confidence(forDistance: 64) == 0)
        #expect(try MatchConfidence.maxDistance(atConfidence: 1) == 0)
        #expect(try MatchConfidence.maxDistance(atConfidence: 0.9) == 6) // ⌊6.4⌋
        #expect(try MatchConfidence.maxDistance(atConfidence: 0) == 64)
        for distance in [-1, 65, Int.max] {
            #expect { _ = try MatchConfidence.confidence(forDistance: distance) } throws: { ($0 as? HashComparisonError)?.code == .distanceOutOfRange }
        }
        for confidence in [-0.01, 1.01, .nan, .infinity] {
            #expect { _ = try MatchConfidence.maxDistance(atConfidence: confidence) } throws: { ($0 as? HashComparisonError)?.code == .confidenceOutOfRange }
        }
    }
}
