/// The one text form of a finite `Double`: the shortest digits that read back as the same value,
/// laid out as ECMAScript's `Number.prototype.toString` does (the number form of RFC 8785, JSON
/// Canonicalization), except that negative zero keeps its sign.
///
/// Let `s` be the shortest digit string (no leading or trailing zeros; among equally short ones,
/// the nearest to the exact value: the digits Swift's `description` produces), `k` its length and
/// `n` the exponent with value = 0.s × 10^n. Then, after a `-` for negative values:
///
/// | case          | text                                              | examples                         |
/// |---------------|---------------------------------------------------|----------------------------------|
/// | zero          | `0`; negative zero `-0`                           | `0`, `-0`                        |
/// | k ≤ n ≤ 21    | `s` then n−k zeros (an integer, no point)         | `1`, `100`, `123456789012345680000` |
/// | 0 < n < k     | first n digits, `.`, the other k−n                | `1.5`, `12.345`                  |
/// | −6 < n ≤ 0    | `0.`, −n zeros, `s`                               | `0.1`, `0.000001`                |
/// | otherwise     | first digit, `.` and the rest if k > 1, `e`, `+` or `-`, \|n−1\| | `1e+21`, `1e-7`, `5e-324`, `1.7976931348623157e+308` |
///
/// So integral values below 10^21 print without a point or exponent and read back with
/// `readInt()`. Non-finite values have no JSON form; the caller refuses them.
enum DoubleFormatting {
    /// The longest text (`-1.7976931348623157e+308` is 24 bytes; every case stays below 26).
    static let maximumLength = 32

    /// Writes the text of finite `value` at `destination` (room for `maximumLength` bytes);
    /// returns the bytes written.
    static func write(_ value: Double, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        precondition(value.isFinite, "non-finite doubles have no JSON form")
        var position = 0
        if value.sign == .minus {
            destination[0] = UInt8(ascii: "-")
            position = 1
        }
        let magnitude = value.magnitude
        if magnitude < 0x1p53, magnitude.rounded(.towardZero) == magnitude {
            // Integral and exact as an integer: its digits are the shortest digits, and case 1
            // (or zero) applies.
            return position + IntegerFormatting.write(magnitude: UInt64(magnitude), to: destination + position)
        }
        if let (digits, decimals) = shortDecimal(magnitude) {
            return position + writeDecimal(digits: digits, decimals: decimals, to: destination + position)
        }
        var text: [UInt8] = []
        appendFromDescription(magnitude, to: &text)
        for (index, byte) in text.prefix(maximumLength - position).enumerated() { destination[position + index] = byte }
        return position + min(text.count, maximumLength - position)
    }

    /// Appends the text of finite `value` to `output` (for tests and slow paths).
    static func append(_ value: Double, to output: inout [UInt8]) {
        var text = [UInt8](repeating: 0, count: maximumLength)
        let written = text.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { write(value, to: $0) } ?? 0 }
        output.append(contentsOf: text[0..<written])
    }

    /// The shortest `digits` × 10^−`decimals` that reads back as `magnitude`, when a quick search
    /// can prove it is the shortest; nil when `description` must decide.
    ///
    /// At each number of decimals k the only candidate is round(magnitude × 10^k). It is the
    /// unique k-decimal number that reads back as `magnitude` when such a number exists, provided
    /// two k-decimal numbers cannot both fall inside the value's rounding interval (ulp × 10^k <
    /// 1/2) and the product is computed with an error below 1/8 (it stays under 2^50). Trying
    /// k = 1, 2, … while both hold therefore finds the fewest decimals, hence the fewest digits,
    /// or gives up. Restricted to 10^−6 ≤ magnitude < 2^50 / 10, where the layout is plain
    /// decimal (cases 2 and 3).
    static func shortDecimal(_ magnitude: Double) -> (digits: UInt64, decimals: Int)? {
        guard magnitude >= 1e-6 else { return nil }
        let ulp = magnitude.ulp
        for decimals in 1..<powersOfTen.count {
            let scale = powersOfTen[decimals]
            let scaled = magnitude * scale
            guard scaled < 0x1p50, ulp * scale < 0.5 else { return nil }
            let candidate = scaled.rounded()
            // Both operands are exact, so the quotient is the correctly rounded value of the
            // decimal: exactly what a reader parsing it would get.
            if candidate / scale == magnitude { return (UInt64(candidate), decimals) }
        }
        return nil
    }

    /// Writes `digits` × 10^−`decimals` in plain decimal form (`12.345`, `0.00123`); returns the
    /// bytes written.
    private static func writeDecimal(digits: UInt64, decimals: Int, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        let count = IntegerFormatting.digitCount(digits)
        if count > decimals {
            // Digits one byte to the right, then the integer part back left to make room for the point.
            _ = IntegerFormatting.write(magnitude: digits, to: destination + 1)
            let integerDigits = count - decimals
            for index in 0..<integerDigits { destination[index] = destination[index + 1] }
            destination[integerDigits] = UInt8(ascii: ".")
            return count + 1
        }
        destination[0] = UInt8(ascii: "0")
        destination[1] = UInt8(ascii: ".")
        for index in 0..<(decimals - count) { destination[2 + index] = UInt8(ascii: "0") }
        _ = IntegerFormatting.write(magnitude: digits, to: destination + 2 + decimals - count)
        return decimals + 2
    }

    /// Appends `magnitude` (positive, finite) from the shortest digits of Swift's `description`,
    /// re-laid out by the table above.
    static func appendFromDescription(_ magnitude: Double, to output: inout [UInt8]) {
        // `description` is `[digits][.digits][e±digits]` with the shortest round-trip digits.
        var digits: [UInt8] = []
        var pointPosition: Int? = nil
        var exponent = 0
        var exponentSign = 1
        var inExponent = false
        for byte in magnitude.description.utf8 {
            if inExponent {
                if byte == UInt8(ascii: "-") { exponentSign = -1 } else if JSONScanner.isDigit(byte) {
                    exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
                }
            } else if byte == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                inExponent = true
            } else if JSONScanner.isDigit(byte) {
                digits.append(byte)
            }
        }
        // value = 0.digits × 10^n before trimming.
        var n = (pointPosition ?? digits.count) + exponentSign * exponent
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        n -= leadingZeros
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        appendLayout(digits: digits, exponent: n, to: &output)
    }

    /// Appends 0.`digits` × 10^`n` (digits without leading or trailing zeros) per the table.
    static func appendLayout(digits: [UInt8], exponent n: Int, to output: inout [UInt8]) {
        let k = digits.count
        if k <= n && n <= 21 {
            output.append(contentsOf: digits)
            output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n - k))
        } else if 0 < n && n <= 21 {
            output.append(contentsOf: digits[0..<n])
            output.append(UInt8(ascii: "."))
            output.append(contentsOf: digits[n...])
        } else if -6 < n && n <= 0 {
            output.append(UInt8(ascii: "0"))
            output.append(UInt8(ascii: "."))
            output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -n))
            output.append(contentsOf: digits)
        } else {
            output.append(digits[0])
            if k > 1 {
                output.append(UInt8(ascii: "."))
                output.append(contentsOf: digits[1...])
            }
            output.append(UInt8(ascii: "e"))
            output.append(n - 1 < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            IntegerFormatting.append(UInt64((n - 1).magnitude), to: &output)
        }
    }

    /// 10^0 … 10^22, every one exact in a Double.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}
