import Foundation
@testable import JSON
import Testing

@Suite struct JSONReaderNumberTests {
    @Test(arguments: [
        ("0", Int64(0)), ("-0", 0), ("9007199254740993", 9_007_199_254_740_993), ("-9223372036854775808", .min),
        ("9223372036854775807", .max), ("  42 ", 42), ("-1", -1),
    ])
    func integersAreExact(text: String, value: Int64) throws {
        #expect(try withReader(text) { r in let v = try r.readInt64(); try r.finish(); return v } == value)
    }

    @Test func unsignedIntegersCoverAllSixtyFourBits() throws {
        #expect(try withReader("18446744073709551615") { try $0.readUInt64() } == UInt64.max)
        #expect(try withReader("9007199254740993") { try $0.readUInt64() } == 9_007_199_254_740_993)
        #expect(try withReader("-0") { try $0.readUInt64() } == 0)
    }

    @Test(arguments: [
        ("9223372036854775808", JSONError.Code.numberOutOfRange),   // Int64.max + 1
        ("-9223372036854775809", .numberOutOfRange),
        ("99999999999999999999999", .numberOutOfRange),
        ("1.0", .notAnInteger),
        ("1e3", .notAnInteger),
        ("1E+0", .notAnInteger),
        ("-0.5", .notAnInteger),
    ])
    func int64RefusesWhatItCannotHoldExactly(text: String, code: JSONError.Code) {
        let error = jsonError { try withReader(text) { _ = try $0.readInt64() } }
        #expect(error?.code == code)
        #expect(error?.offset == 0)
    }

    @Test func outOfRangeMessagesSayTheRange() throws {
        let error = jsonError { try withReader("[1, 18446744073709551616]") { r in var a = try r.beginArray(); while try r.nextElement(in: &a) { _ = try r.readUInt64() } } }
        #expect(error?.description == "number out of range at byte 4: 18446744073709551616 is outside UInt64's range 0…18446744073709551615")
        #expect(jsonError { try withReader("-1") { _ = try $0.readUInt64() } }?.code == .numberOutOfRange)
        #expect(jsonError { try withReader("300") { _ = try $0.readInteger(UInt8.self) } }?.code == .numberOutOfRange)
        #expect(try withReader("-128") { try $0.readInteger(Int8.self) } == -128)
    }

    @Test(arguments: ["1e400", "-1e400", "1.8e308", "123456789e305", "1e99999999999999999999"])
    func doublesBeyondTheRangeAreRefusedNotInfinite(text: String) {
        let error = jsonError { try withReader(text) { _ = try $0.readDouble() } }
        #expect(error?.code == .numberOutOfRange)
        // The grammar itself is fine: skipping accepts it.
        #expect(jsonError { try readWholeDocument(Array(text.utf8)) } == nil)
    }

    @Test func tinyDoublesRoundToZeroKeepingTheirSign() throws {
        #expect(try withReader("1e-400") { try $0.readDouble() } == 0)
        #expect(try withReader("-1e-400") { try $0.readDouble() }.bitPattern == (-0.0).bitPattern)
        #expect(try withReader("-0") { try $0.readDouble() }.bitPattern == (-0.0).bitPattern)
        #expect(try withReader("-0.0e0") { try $0.readDouble() }.bitPattern == (-0.0).bitPattern)
        #expect(try withReader("5e-324") { try $0.readDouble() } == .leastNonzeroMagnitude)
        #expect(try withReader("2.4703282292062328e-324") { try $0.readDouble() } == .leastNonzeroMagnitude)  // rounds up to the least subnormal
    }

    @Test(arguments: [
        "0.1", "1e-7", "1e21", "5e-324", "1.7976931348623157e308", "2.2250738585072014E-308", "123.456", "-0.000001",
        "9007199254740993", "0.30000000000000004", "1e22", "1e23", "4.35", "100000000000000000000000000000000000001",
        "0.000000000000000000000000000000000000000000000000000000000000000000000000000001",
        "2.225073858507201136057409796709131975934819546351645648e-308",  // a classic hard case
    ])
    func doublesAreCorrectlyRounded(text: String) throws {
        let value = try withReader(text) { try $0.readDouble() }
        #expect(value.bitPattern == Double(text)?.bitPattern)
    }

    @Test func randomDecimalsMatchTheStandardParser() throws {
        var random = SeededRandom(state: 99)
        for _ in 0..<50_000 {
            let digits = String(random.next() % 10_000_000_000_000_000_000)
            let point = Int(random.next() % UInt64(digits.count + 1))
            var text = point == 0 ? digits : String(digits.prefix(point)) + "." + digits.dropFirst(point) + "1"
            if random.next() % 3 == 0 { text += "e\(Int(random.next() % 60) - 30)" }
            let value = try withReader(text) { try $0.readDouble() }
            #expect(value.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test func writtenDoublesReadBackBitForBit() throws {
        var random = SeededRandom(state: 5)
        for _ in 0..<50_000 {
            let value = Double(bitPattern: random.next())
            guard value.isFinite else { continue }
            let text = written { $0.write(value) }
            #expect(try withReader(text) { try $0.readDouble() }.bitPattern == value.bitPattern, "\(text)")
        }
    }

    @Test func independentParsersReadTheWrittenDoubles() throws {
        var random = SeededRandom(state: 11)
        let values = (0..<2_000).map { _ in Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) } + [0.1, 1e21, 1e-7, .leastNonzeroMagnitude]
        // The standard library's parser (strtod, correctly rounded) gives back the very bits.
        for value in values {
            let text = written { $0.write(value) }
            #expect(Double(text)?.bitPattern == value.bitPattern, "\(text)")
        }
        // Foundation accepts the text as JSON numbers. Its Linux parser is not correctly rounded
        // (measured: about one value in ten lands up to ten ulps away), so it is held to 1e-14.
        let text = written { w in w.writeArray { w in for value in values { w.write(value) } } }
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [NSNumber]
        #expect(parsed?.count == values.count)
        for (number, value) in zip(parsed ?? [], values) {
            #expect(abs(number.doubleValue - value) <= value.magnitude * 1e-14, "\(value) → \(number.doubleValue)")
        }
    }
}
