/// Decimal text of integers, exactly: no conversion through `Double`, so 2^64−1 prints as
/// `18446744073709551615` and `Int64.min` as `-9223372036854775808`.
enum IntegerFormatting {
    /// Appends `value` in decimal (a `-` for negative values, no leading zeros); `T` is at most
    /// 64 bits wide.
    @inline(__always)
    static func append<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        precondition(T.bitWidth <= 64, "integers wider than 64 bits are not supported")
        if value < 0 {
            output.append(UInt8(ascii: "-"))
            // The magnitude of T.min does not fit T, but fits UInt64 (wrapping negation of Int64.min
            // gives Int64.min, whose bit pattern is 2^63).
            append(magnitude: UInt64(truncatingIfNeeded: 0 &- Int64(truncatingIfNeeded: value)), to: &output)
        } else {
            append(magnitude: UInt64(truncatingIfNeeded: value), to: &output)
        }
    }

    /// Appends `value` in decimal, two digits per division.
    static func append(magnitude value: UInt64, to output: inout [UInt8]) {
        if value < 10 {
            output.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // 20 bytes hold UInt64.max; digits are written from the end.
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { digits in
            var rest = value
            var position = 24
            let pairs = pairDigits.utf8Start
            while rest >= 100 {
                let (quotient, remainder) = rest.quotientAndRemainder(dividingBy: 100)
                position -= 2
                digits[position] = pairs[Int(remainder) * 2]
                digits[position + 1] = pairs[Int(remainder) * 2 + 1]
                rest = quotient
            }
            if rest >= 10 {
                position -= 2
                digits[position] = pairs[Int(rest) * 2]
                digits[position + 1] = pairs[Int(rest) * 2 + 1]
            } else {
                position -= 1
                digits[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[position..<24]))
        }
    }

    /// "00" through "99", so each division by 100 yields two digits at once.
    private static let pairDigits: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
}
