import Integrity
import Testing

@Suite struct HexTests {
    @Test func encodeAndDecode() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.decode("000FA5ff") == [0x00, 0x0f, 0xa5, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    /// Random strings have exactly two lowercase digits per byte, also for counts that are not
    /// a multiple of the eight bytes drawn at a time, and do not repeat.
    @Test(arguments: [0, 1, 7, 8, 9, 16, 32, 33])
    func randomLength(byteCount: Int) {
        let text = Hex.random(byteCount: byteCount)
        #expect(text.utf8.count == 2 * byteCount)
        #expect(text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        #expect(Hex.decode(text)?.count == byteCount)
        if byteCount >= 8 { #expect(Hex.random(byteCount: byteCount) != text) }
    }

    /// Every digit value turns up in every position over many 16-byte ids (a stuck byte or
    /// nibble would not).
    @Test func randomCoversEveryDigitInEveryPosition() {
        var seen = Array(repeating: Set<UInt8>(), count: 32)
        for _ in 0..<2_000 {
            for (index, digit) in Hex.random(byteCount: 16).utf8.enumerated() { seen[index].insert(digit) }
        }
        #expect(seen.allSatisfy { $0.count == 16 })
    }
}
