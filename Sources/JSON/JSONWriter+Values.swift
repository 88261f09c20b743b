/// Scalars, strings and raw JSON.
extension JSONWriter {
    /// Writes `null`.
    public mutating func writeNull() {
        willWriteValue()
        writeLiteral("null")
    }

    /// Writes `true` or `false`.
    public mutating func write(_ value: Bool) {
        willWriteValue()
        writeLiteral(value ? "true" : "false")
    }

    /// Writes an integer exactly.
    public mutating func write(_ value: Int) {
        willWriteValue()
        writeBytes(reserving: IntegerFormatting.maximumLength) { IntegerFormatting.write(value, to: $0) }
    }

    /// Writes an integer exactly.
    public mutating func write(_ value: Int64) {
        willWriteValue()
        writeBytes(reserving: IntegerFormatting.maximumLength) { IntegerFormatting.write(value, to: $0) }
    }

    /// Writes an integer exactly (2^64−1 is `18446744073709551615`).
    public mutating func write(_ value: UInt64) {
        willWriteValue()
        writeBytes(reserving: IntegerFormatting.maximumLength) { IntegerFormatting.write(value, to: $0) }
    }

    /// Writes any integer of up to 64 bits exactly.
    public mutating func writeInteger<T: FixedWidthInteger>(_ value: T) {
        willWriteValue()
        writeBytes(reserving: IntegerFormatting.maximumLength) { IntegerFormatting.write(value, to: $0) }
    }

    /// Writes a double in its one text form (see `DoubleFormatting`): shortest round-trip digits,
    /// `-0` for negative zero. NaN and the infinities are refused (recorded as
    /// `.nonFiniteNumber`; `finish()` throws it), never written.
    public mutating func write(_ value: Double) {
        willWriteValue()
        guard value.isFinite else {
            fail(.nonFiniteNumber, at: length, "\(value) has no JSON form; write null or a string if the value can be missing")
            appendByte(UInt8(ascii: "0"))  // keeps the structure; the bytes are never handed out
            return
        }
        writeBytes(reserving: DoubleFormatting.maximumLength) { DoubleFormatting.write(value, to: $0) }
    }

    /// Writes a string, escaped as RFC 8259 requires.
    @inline(__always)
    public mutating func write(_ value: String) {
        willWriteValue()
        var value = value
        value.withUTF8 { writeQuoted(UnsafeRawBufferPointer($0)) }
    }

    /// Writes a string, escaped as RFC 8259 requires.
    public mutating func write(_ value: Substring) {
        willWriteValue()
        var value = value
        value.withUTF8 { writeQuoted(UnsafeRawBufferPointer($0)) }
    }

    /// Writes UTF-8 bytes as a string. Bytes that are not well-formed UTF-8 are refused
    /// (recorded as `.invalidUTF8`; `finish()` throws it): never written, never replaced.
    public mutating func write(utf8 value: UnsafeRawBufferPointer) {
        willWriteValue()
        if let bad = UTF8Validation.firstInvalidOffset(in: value) {
            fail(.invalidUTF8, at: length, "string byte \(bad) does not start a well-formed UTF-8 character")
            writeLiteral("\"\"")
            return
        }
        writeQuoted(value)
    }

    /// Writes checked UTF-8 as a quoted, escaped string.
    @inline(__always)
    mutating func writeQuoted(_ utf8: UnsafeRawBufferPointer) {
        if StringEscaping.needsEscaping(utf8) {
            writeBytes(reserving: StringEscaping.escapedLength(utf8)) { StringEscaping.writeQuotedEscaped(utf8, to: $0) }
        } else {
            writeBytes(reserving: utf8.count + 2) { StringEscaping.writeQuotedPlain(utf8, to: $0) }
        }
    }

    /// Writes the bytes of `text` as they are.
    @inline(__always)
    mutating func writeLiteral(_ text: StaticString) {
        writeVerbatim(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes `raw` as it is.
    @inline(__always)
    mutating func writeVerbatim(_ raw: UnsafeRawBufferPointer) {
        writeBytes(reserving: raw.count) { destination in
            if let source = raw.baseAddress { UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: raw.count) }
            return raw.count
        }
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
            fail(problem.code, at: length + problem.offset, "raw JSON: \(problem.detail)")
        }
        writeVerbatim(json)
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
