/// Checks that bytes are exactly one strict RFC 8259 JSON object, and minifies it: the journal's
/// check at append time and on every event it reads.
///
/// Same strictness as `JSONReader`: no trailing commas, leading zeros, comments, NaN or
/// unescaped control characters; well-formed UTF-8 and surrogate pairs only; nesting at most
/// `maximumDepth`; no duplicate keys (compared after unescaping); nothing but whitespace after
/// the object. Validating allocates nothing (checked under callgrind on the benchmark stream)
/// unless an object has more than 16 keys or a key has escapes (its value is resolved to compare).
public enum JSONValidator {
    /// The nesting limit used when none is given.
    public static let defaultMaximumDepth = 64

    /// Throws unless `bytes` are exactly one JSON object (whitespace allowed around and inside).
    public static func validateObject(_ bytes: UnsafeRawBufferPointer, maximumDepth: Int = defaultMaximumDepth) throws(JSONError) {
        _ = try scanObject(bytes, maximumDepth: maximumDepth)
    }

    /// Throws unless `bytes` are exactly one JSON object.
    public static func validateObject(_ bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth) throws(JSONError) {
        try withBytes(bytes) { (raw) throws(JSONError) in try validateObject(raw, maximumDepth: maximumDepth) }
    }

    /// Throws unless `bytes` are exactly one JSON object; returns whether it is minified (no
    /// whitespace outside strings): the journal's check of every record it reads.
    public static func isMinifiedObject(_ bytes: UnsafeRawBufferPointer, maximumDepth: Int = defaultMaximumDepth) throws(JSONError) -> Bool {
        try !scanObject(bytes, maximumDepth: maximumDepth)
    }

    /// `text` without insignificant whitespace; throws unless it is exactly one JSON object.
    ///
    /// Keys keep their order and strings and numbers their bytes (escapes are not rewritten): the
    /// result is what the journal stores and hashes, so it must be the caller's text, not a
    /// re-encoding of it.
    public static func minifiedObject(_ text: some Collection<UInt8>, maximumDepth: Int = defaultMaximumDepth) throws(JSONError) -> [UInt8] {
        let contiguous: Result<[UInt8], JSONError>? = text.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONError) in try minifiedObject(UnsafeRawBufferPointer(buffer), maximumDepth: maximumDepth) }
        }
        if let contiguous { return try contiguous.get() }
        return try withBytes(Array(text)) { (raw) throws(JSONError) in try minifiedObject(raw, maximumDepth: maximumDepth) }
    }

    /// `bytes` without insignificant whitespace; throws unless they are exactly one JSON object.
    public static func minifiedObject(_ bytes: UnsafeRawBufferPointer, maximumDepth: Int = defaultMaximumDepth) throws(JSONError) -> [UInt8] {
        let sawWhitespace = try scanObject(bytes, maximumDepth: maximumDepth)
        return sawWhitespace ? strippingWhitespace(bytes) : Array(bytes)
    }

    /// Scans one object and the whitespace around it; returns whether there was any whitespace.
    private static func scanObject(_ bytes: UnsafeRawBufferPointer, maximumDepth: Int) throws(JSONError) -> Bool {
        precondition(JSONReader.allowedDepths.contains(maximumDepth), "maximumDepth must be in \(JSONReader.allowedDepths)")
        var scanner = JSONScanner(bytes, maximumDepth: maximumDepth)
        scanner.skipWhitespace()
        guard let first = scanner.current else { throw JSONError(.notAnObject, at: 0, "the input is empty; expected a JSON object") }
        guard first == UInt8(ascii: "{") else {
            throw JSONError(.notAnObject, at: scanner.offset, "expected '{', found \(JSONError.describe(byte: first))")
        }
        try scanner.scanObject(depth: 0)
        scanner.skipWhitespace()
        guard scanner.offset == bytes.count else {
            throw JSONError(.trailingBytes, at: scanner.offset, "only whitespace may follow the top-level value")
        }
        return scanner.sawWhitespace
    }

    /// Checked JSON text with the whitespace outside strings removed.
    static func strippingWhitespace(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var runStart = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                // Inside a checked string: stop at the first quote no backslash escapes.
                while index < count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                index += 1
            } else if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
                while index < count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                    index += 1
                }
                runStart = index
            } else {
                index += 1
            }
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<min(index, count)]))
        return output
    }

    /// Runs `body` over the bytes of `array` with typed throws intact.
    @inlinable
    static func withBytes<T>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(JSONError) -> T) throws(JSONError) -> T {
        let result: Result<T, JSONError> = array.withUnsafeBytes { raw in Result { () throws(JSONError) in try body(raw) } }
        return try result.get()
    }
}
