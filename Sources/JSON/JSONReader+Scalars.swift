/// Strings and numbers: exact integers, correctly rounded doubles, strings with escapes resolved.
extension JSONReader {
    /// Reads a string, escapes resolved.
    public mutating func readString() throws(JSONError) -> String {
        guard try nextValueByte() == UInt8(ascii: "\"") else { throw mismatch(expected: "a string") }
        let token = try scanner.scanString()
        let content = token.content(in: scanner.bytes)
        guard token.hasEscapes else { return String(decoding: content, as: UTF8.self) }
        return String(decoding: StringUnescaping.decoded(content), as: UTF8.self)
    }

    /// Reads a string and hands its value's UTF-8 bytes to `body` without making a `String`
    /// (the bytes are borrowed: do not keep them past `body`).
    public mutating func readString<Result>(_ body: (UnsafeRawBufferPointer) -> Result) throws(JSONError) -> Result {
        guard try nextValueByte() == UInt8(ascii: "\"") else { throw mismatch(expected: "a string") }
        let token = try scanner.scanString()
        let content = token.content(in: scanner.bytes)
        guard token.hasEscapes else { return body(content) }
        return StringUnescaping.decoded(content).withUnsafeBytes(body)
    }

    /// Reads an integer into `Int`.
    public mutating func readInt() throws(JSONError) -> Int { try readSpecializedInteger(Int.self) }

    /// Reads an integer into `Int64`.
    public mutating func readInt64() throws(JSONError) -> Int64 { try readSpecializedInteger(Int64.self) }

    /// Reads a non-negative integer into `UInt64` (all of 0…18446744073709551615, exactly).
    public mutating func readUInt64() throws(JSONError) -> UInt64 { try readSpecializedInteger(UInt64.self) }

    /// `readInteger(_:)` inlined at each call in this file, so it is specialized for the concrete
    /// type (the public generic one is not specialized for callers in other modules).
    @inline(__always)
    private mutating func readSpecializedInteger<T: FixedWidthInteger>(_ type: T.Type) throws(JSONError) -> T {
        try readInteger(type)
    }

    /// Reads an integer into `T`, exactly: a fraction or an exponent (`1.0`, `1e3`) is
    /// `.notAnInteger`, a value outside `T`'s range `.numberOutOfRange`. `-0` reads as 0.
    public mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type) throws(JSONError) -> T {
        let token = try readNumberToken()
        let bytes = scanner.bytes
        guard token.isInteger else {
            throw JSONError(.notAnInteger, at: token.start, "\(text(of: token)) has a fraction or exponent; \(T.self) takes a whole number written without either")
        }
        let isNegative = bytes[token.start] == UInt8(ascii: "-")
        let digitsStart = token.start + (isNegative ? 1 : 0)
        var magnitude: UInt64 = 0
        var overflow = false
        // Up to 19 digits cannot overflow 64 bits (10^19 − 1 < 2^64); only longer ones are checked.
        for index in digitsStart..<min(token.end, digitsStart + 19) {
            magnitude = magnitude &* 10 &+ UInt64(bytes[index] &- UInt8(ascii: "0"))
        }
        for index in min(token.end, digitsStart + 19)..<token.end {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
            magnitude = sum
            overflow = overflow || o1 || o2
        }
        var value: T? = nil
        if !overflow {
            if !isNegative || magnitude == 0 {
                value = T(exactly: magnitude)
            } else if T.isSigned, let partial = T(exactly: magnitude - 1) {
                value = 0 - partial - 1  // -magnitude without overflowing at T.min
            }
        }
        guard let value else {
            throw JSONError(.numberOutOfRange, at: token.start, "\(text(of: token)) is outside \(T.self)'s range \(T.min)…\(T.max)")
        }
        return value
    }

    /// Reads a number into the nearest `Double` (correctly rounded). A magnitude beyond
    /// `Double.greatestFiniteMagnitude` (`1e400`) is `.numberOutOfRange`, never infinity; one
    /// too small for a subnormal (`1e-400`) rounds to zero, keeping its sign, as IEEE 754 says.
    public mutating func readDouble() throws(JSONError) -> Double {
        let token = try readNumberToken()
        if let value = fastDouble(token) { return value }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: scanner.bytes[token.start..<token.end]), as: UTF8.self)
        // The standard library's parser rounds correctly; the grammar was checked above.
        guard let value = Double(text), value.isFinite else {
            throw JSONError(.numberOutOfRange, at: token.start, "\(self.text(of: token)) is beyond the largest Double, ±1.7976931348623157e308")
        }
        return value
    }

    /// Skips whitespace and scans the number that must come next.
    private mutating func readNumberToken() throws(JSONError) -> NumberToken {
        let byte = try nextValueByte()
        guard byte == UInt8(ascii: "-") || JSONScanner.isDigit(byte) else { throw mismatch(expected: "a number") }
        return try scanner.scanNumber()
    }

    /// The number's text for a message, cut to 40 bytes.
    private func text(of token: NumberToken) -> String {
        let end = min(token.end, token.start + 40)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: scanner.bytes[token.start..<end]), as: UTF8.self)
        return end < token.end ? text + "…" : text
    }

    /// The value of `token` when it is exact by Clinger's fast path: at most 19 significant
    /// digits forming an integer below 2^53, scaled by a power of ten up to 10^22, both exact in
    /// a Double, so one correctly rounded multiply or divide gives the correctly rounded result.
    /// Nil otherwise (the slow, general parser takes over).
    private func fastDouble(_ token: NumberToken) -> Double? {
        let bytes = scanner.bytes
        var index = token.start
        let isNegative = bytes[index] == UInt8(ascii: "-")
        if isNegative { index += 1 }
        var significand: UInt64 = 0
        var digits = 0
        var exponent = 0
        var seenPoint = false
        while index < token.end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else if JSONScanner.isDigit(byte) {
                if significand != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                guard digits <= 19 else { return nil }
                significand = significand &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                if seenPoint { exponent -= 1 }
            } else {
                break  // the exponent mark
            }
            index += 1
        }
        if index < token.end {
            index += 1
            var sign = 1
            if bytes[index] == UInt8(ascii: "-") { sign = -1; index += 1 } else if bytes[index] == UInt8(ascii: "+") { index += 1 }
            var written = 0
            while index < token.end {
                written = written * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
                guard written < 1000 else { return nil }  // far outside the fast range either way
                index += 1
            }
            exponent += sign * written
        }
        let magnitude: Double
        if significand == 0 {
            magnitude = 0
        } else {
            guard significand <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
            magnitude = exponent < 0 ? Double(significand) / Self.powersOfTen[-exponent] : Double(significand) * Self.powersOfTen[exponent]
        }
        return isNegative ? -magnitude : magnitude
    }

    /// 10^0 … 10^22, every one exact in a Double.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}
