@testable import JSON
import Testing

@Suite struct DoubleFormattingTests {
    @Test(arguments: [
        (0.1, "0.1"),
        (1e-7, "1e-7"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (Double.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (-1.7976931348623157e308, "-1.7976931348623157e+308"),
        (2.2250738585072014e-308, "2.2250738585072014e-308"),
        (0.0, "0"),
        (-0.0, "-0"),
        (100.0, "100"),
        (1.5, "1.5"),
        (-2.5, "-2.5"),
        (0.5, "0.5"),
        (0.000001, "0.000001"),
        (0.00001, "0.00001"),
        (5e-7, "5e-7"),
        (1.23e-7, "1.23e-7"),
        (123e-20, "1.23e-18"),
        (1.5e300, "1.5e+300"),
        (1e22, "1e+22"),
        (1e16, "10000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (9_007_199_254_740_992.0, "9007199254740992"),
        (9_007_199_254_740_994.0, "9007199254740994"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1.0 / 3.0, "0.3333333333333333"),
        (12.345, "12.345"),
        (4.35, "4.35"),
        (-0.001, "-0.001"),
        (123456.789, "123456.789"),
        (0.1e-5, "0.000001"),
    ])
    func doublesHaveOneShortestForm(value: Double, expected: String) throws {
        #expect(written { $0.write(value) } == expected)
        // Read back as the very same bits.
        let back = try withReader(expected) { try $0.readDouble() }
        #expect(back.bitPattern == value.bitPattern)
    }

    @Test func integralDoublesReadBackAsIntegers() throws {
        #expect(try withReader(written { $0.write(42.0) }) { try $0.readInt() } == 42)
        #expect(try withReader(written { $0.write(-1e15) }) { try $0.readInt64() } == -1_000_000_000_000_000)
    }

    /// The fast paths must produce exactly what the general path (Swift's shortest digits,
    /// re-laid out) produces.
    @Test func fastPathsAgreeWithTheGeneralPath() throws {
        var random = SeededRandom(state: 0xD0_0B1E)
        var checked = 0
        for round in 0..<200_000 {
            let value: Double
            switch round % 5 {
            case 0: value = Double(bitPattern: random.next() & 0x7FFF_FFFF_FFFF_FFFF)  // any magnitude
            case 1: value = Double(random.next() % 100_000_000) / [10.0, 100, 1000, 1e4, 1e5, 1e6, 1e7][Int(random.next() % 7)]
            case 2: value = Double(random.next() % 1000) / 1000 + Double(random.next() % 90)  // like "duration_ms"
            case 3: value = Double(random.next() >> 11) / 0x1p53 * 10  // full-precision fractions
            default: value = Double(random.next() % 1_000_000) * [1e-6, 1e-5, 1e14, 1e9][Int(random.next() % 4)]
            }
            guard value.isFinite, value > 0 else { continue }
            var fast: [UInt8] = []
            DoubleFormatting.append(value, to: &fast)
            var general: [UInt8] = []
            DoubleFormatting.appendFromDescription(value, to: &general)
            #expect(fast == general, "\(value)")
            if fast != general { return }
            let back = try withReader(fast) { try $0.readDouble() }
            #expect(back == value)
            checked += 1
        }
        #expect(checked > 150_000)
    }

    @Test func shortDecimalGivesUpRatherThanGuess() {
        // Beyond 2^50/10 or below 1e-6 the quick search declines.
        #expect(DoubleFormatting.shortDecimal(1e-7) == nil)
        #expect(DoubleFormatting.shortDecimal(0x1p50 + 0.5) == nil)
        #expect(DoubleFormatting.shortDecimal(12.345).map { [Int($0.digits), $0.decimals] } == [12345, 3])
        #expect(DoubleFormatting.shortDecimal(0.1).map { [Int($0.digits), $0.decimals] } == [1, 1])
    }

    @Test func everyLayoutCaseMatchesECMAScript() {
        // 0.s × 10^n for each case of the table in DoubleFormatting.swift.
        func layout(_ digits: String, _ n: Int) -> String {
            var output: [UInt8] = []
            DoubleFormatting.appendLayout(digits: Array(digits.utf8), exponent: n, to: &output)
            return String(decoding: output, as: UTF8.self)
        }
        #expect(layout("1", 21) == "100000000000000000000")
        #expect(layout("1", 22) == "1e+21")
        #expect(layout("123", 3) == "123")
        #expect(layout("123", 1) == "1.23")
        #expect(layout("123", 0) == "0.123")
        #expect(layout("123", -5) == "0.00000123")
        #expect(layout("123", -6) == "1.23e-7")
        #expect(layout("5", -323) == "5e-324")
    }
}
