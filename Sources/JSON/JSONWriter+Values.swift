/// Scalars, strings and raw JSON.
extension JSONWriter {
    /// Writes `null`.
    public mutating func writeNull() {
        willWriteValue()
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
    }

    /// Writes `true` or `false`.
    public mutating func write(_ value: Bool) {
        willWriteValue()
        if value {
            bytes.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
        } else {
            bytes.append(contentsOf: [UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e")])
        }
    }

    /// Writes an integer exactly.
    public mutating func write(_ value: Int) {
        willWriteValue()
        IntegerFormatting.append(value, to: &bytes)
    }

    /// Writes an integer exactly.
    public mutating func write(_ value: Int64) {
        willWriteValue()
        IntegerFormatting.append(value, to: &bytes)
    }

    /// Writes an integer exactly (2^64−1 is `18446744073709551615`).
    public mutating func write(_ value: UInt64) {
        willWriteValue()
        IntegerFormatting.append(value, to: &bytes)
    }

    /// Writes any integer of up to 64 bits exactly.
    public mutating func writeInteger<T: FixedWidthInteger>(_ value: T) {
        willWriteValue()
        IntegerFormatting.append(value, to: &bytes)
    }

    /// Writes a double in its one text form (see `DoubleFormatting`): shortest round-trip digits,
    /// `-0` for negative zero. NaN and the infinities are refused (recorded as
    /// `.nonFiniteNumber`; `finish()` throws it), never written.
    public mutating func write(_ value: Double) {
        willWriteValue()
        guard value.isFinite else {
            fail(.nonFiniteNumber, at: bytes.count, "\(value) has no JSON form; write null or a string if the value can be missing")
            bytes.append(UInt8(ascii: "0"))  // keeps the structure; the bytes are never handed out
            return
        }
        DoubleFormatting.append(value, to: &bytes)
    }

    /// Writes a string, escaped as RFC 8259 requires.
    @inline(__always)
    public mutating func write(_ value: String) {
        willWriteValue()
        var value = value
        value.withUTF8 { StringEscaping.appendQuoted(UnsafeRawBufferPointer($0), to: &bytes) }
    }

    /// Writes a string, escaped as RFC 8259 requires.
    public mutating func write(_ value: Substring) {
        willWriteValue()
        var value = value
        value.withUTF8 { StringEscaping.appendQuoted(UnsafeRawBufferPointer($0), to: &bytes) }
    }

    /// Writes UTF-8 bytes as a string. Bytes that are not well-formed UTF-8 are refused
    /// (recorded as `.invalidUTF8`; `finish()` throws it): never written, never replaced.
    public mutating func write(utf8 value: UnsafeRawBufferPointer) {
        willWriteValue()
        if let bad = UTF8Validation.firstInvalidOffset(in: value) {
            fail(.invalidUTF8, at: bytes.count, "string byte \(bad) does not start a well-formed UTF-8 character")
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "\"")])
            return
        }
        StringEscaping.appendQuoted(value, to: &bytes)
    }

    /// Writes UTF-8 bytes as a string; malformed UTF-8 is refused (see `write(utf8:)`).
    public mutating func write(utf8 value: [UInt8]) {
        value.withUnsafeBytes { write(utf8: $0) }
    }

    /// Inserts bytes that already are one minified JSON value (a journal event's data, say).
    ///
    /// Debug builds check them fully (`JSONValidator`'s strictness, no whitespace outside
    /// strings); sorted writers check them in every build, object keys' order included, so
    /// canonical output cannot be made unsorted through here. Release builds of as-written
    /// writers trust the caller. Numbers are inserted as they are: canonical output needs them
    /// in `DoubleFormatting`'s form. A refusal is recorded; `finish()` throws it.
    public mutating func writeRaw(_ json: UnsafeRawBufferPointer) {
        willWriteValue()
        #if DEBUG
        let checks = true
        #else
        let checks = keyOrder == .sorted
        #endif
        if checks, let problem = Self.problem(inRaw: json, requiresSortedKeys: keyOrder == .sorted) {
            fail(problem.code, at: bytes.count + problem.offset, "raw JSON: \(problem.detail)")
        }
        bytes.append(contentsOf: json)
    }

    /// Inserts bytes that already are one minified JSON value (see `writeRaw(_:)`).
    public mutating func writeRaw(_ json: [UInt8]) {
        json.withUnsafeBytes { writeRaw($0) }
    }

    /// Why `json` is not exactly one minified value (with sorted keys if asked); nil if it is.
    static func problem(inRaw json: UnsafeRawBufferPointer, requiresSortedKeys: Bool) -> JSONError? {
        var scanner = JSONScanner(json, maximumDepth: JSONReader.allowedDepths.upperBound, requiresSortedKeys: requiresSortedKeys)
        do {
            scanner.skipWhitespace()
            try scanner.scanValue(depth: 0)
            scanner.skipWhitespace()
        } catch {
            return error
        }
        if scanner.offset != json.count {
            return JSONError(.trailingBytes, at: scanner.offset, "more than one value")
        }
        if scanner.sawWhitespace {
            return JSONError(.notMinified, at: 0, "whitespace outside strings; minify it first (JSONValidator.minifiedObject)")
        }
        return nil
    }
}
