/// Decimal text of integers, exactly: no conversion through `Double`, so 2^64−1 prints as
/// `18446744073709551615` and `Int64.min` as `-9223372036854775808`.
///
/// Writes go straight to the destination (the writer reserves `maximumLength` bytes first), two
/// digits per division.
enum IntegerFormatting {
    /// The longest text: `-9223372036854775808` and `18446744073709551615` are 20 bytes.
    static let maximumLength = 20

    /// Writes `value` in decimal (a `-` for negative values, no leading zeros) at `destination`;
    /// returns the bytes written. `T` is at most 64 bits wide.
    @inline(__always)
    static func write<T: FixedWidthInteger>(_ value: T, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        precondition(T.bitWidth <= 64, "integers wider than 64 bits are not supported")
        guard value < 0 else { return write(magnitude: UInt64(truncatingIfNeeded: value), to: destination) }
        destination[0] = UInt8(ascii: "-")
        // The magnitude of T.min does not fit T, but fits UInt64 (wrapping negation of Int64.min
        // gives Int64.min, whose bit pattern is 2^63).
        return 1 + write(magnitude: UInt64(truncatingIfNeeded: 0 &- Int64(truncatingIfNeeded: value)), to: destination + 1)
    }

    /// Writes `value` in decimal at `destination`; returns the bytes written (1…20).
    @inline(__always)
    static func write(magnitude value: UInt64, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 10 {
            destination[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)
            return 1
        }
        let length = digitCount(value)
        var position = length
        var rest = value
        let pairs = pairDigits.utf8Start
        while rest >= 100 {
            let (quotient, remainder) = rest.quotientAndRemainder(dividingBy: 100)
            position -= 2
            destination[position] = pairs[Int(remainder) &* 2]
            destination[position + 1] = pairs[Int(remainder) &* 2 &+ 1]
            rest = quotient
        }
        if rest >= 10 {
            destination[0] = pairs[Int(rest) &* 2]
            destination[1] = pairs[Int(rest) &* 2 &+ 1]
        } else {
            destination[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
        }
        return length
    }

    /// How many decimal digits `value` has (1…20).
    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        var count = 1
        var threshold: UInt64 = 10
        while count < 20 && value >= threshold {
            count += 1
            threshold = threshold &* 10
        }
        return count
    }

    /// Appends `value` in decimal to `output` (for the writer's slow paths and for tests).
    static func append<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let written = withUnsafeMutableBytes(of: &digits) { raw in
            raw.withMemoryRebound(to: UInt8.self) { buffer in buffer.baseAddress.map { write(value, to: $0) } ?? 0 }
        }
        withUnsafeBytes(of: &digits) { output.append(contentsOf: $0[0..<written]) }
    }

    /// "00" through "99", so each division by 100 yields two digits at once.
    private static let pairDigits: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
}
