/// A strict RFC 8259 pull reader: typed values straight from bytes, without building a tree.
///
/// Hand-written decoders drive it:
///
/// ```swift
/// var object = try reader.beginObject()
/// while let key = try reader.nextKey(in: &object) {
///     switch key {
///     case "hash": hash = try reader.readString()
///     case "width": width = try reader.readInt()
///     default: break  // a value the decoder does not read is skipped (and still checked)
///     }
/// }
/// ```
///
/// Strictness is that of `JSONValidator`: no trailing commas, leading zeros, comments, NaN,
/// unescaped control characters, malformed UTF-8, unpaired surrogate escapes or duplicate keys
/// (every key of every object is checked, read or skipped); nesting at most `maximumDepth`; and
/// `finish()` refuses anything but whitespace after the top-level value. Every error is a
/// `JSONError` with the byte offset where the problem starts.
///
/// The reader borrows its bytes: keep them alive, unchanged, while it (or a `JSONKey` it
/// returned) is in use — typically inside one `withUnsafeBytes`, or through `decode(_:from:)`.
public struct JSONReader {
    /// The nesting limits a reader accepts; each level costs a few hundred bytes of stack.
    public static let allowedDepths = 1...512

    /// The tokenizer over the borrowed bytes.
    var scanner: JSONScanner
    /// Objects and arrays begun and not yet finished.
    var depth = 0

    /// A reader at the start of `bytes`, refusing nesting deeper than `maximumDepth` (1…512).
    public init(_ bytes: UnsafeRawBufferPointer, maximumDepth: Int = JSONValidator.defaultMaximumDepth) {
        precondition(Self.allowedDepths.contains(maximumDepth), "maximumDepth must be in \(Self.allowedDepths)")
        scanner = JSONScanner(bytes, maximumDepth: maximumDepth)
    }

    /// Decodes one `T` that must make up all of `bytes` (whitespace aside).
    @inlinable
    public static func decode<T: JSONDecodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer,
                                                maximumDepth: Int = JSONValidator.defaultMaximumDepth) throws(JSONError) -> T {
        var reader = JSONReader(bytes, maximumDepth: maximumDepth)
        let value = try T(from: &reader)
        try reader.finish()
        return value
    }

    /// Decodes one `T` that must make up all of `bytes` (whitespace aside).
    @inlinable
    public static func decode<T: JSONDecodable>(_ type: T.Type, from bytes: [UInt8],
                                                maximumDepth: Int = JSONValidator.defaultMaximumDepth) throws(JSONError) -> T {
        try JSONValidator.withBytes(bytes) { (raw) throws(JSONError) in try decode(type, from: raw, maximumDepth: maximumDepth) }
    }

    /// Runs `body` with a reader over `bytes`, then checks that only whitespace follows what it
    /// read (`finish()`). Swift needs the closure's error type spelled out:
    /// `try JSONReader.withReader(over: bytes) { (reader) throws(JSONError) in … }`.
    @inlinable
    public static func withReader<Result>(over bytes: [UInt8], maximumDepth: Int = JSONValidator.defaultMaximumDepth,
                                          _ body: (inout JSONReader) throws(JSONError) -> Result) throws(JSONError) -> Result {
        try JSONValidator.withBytes(bytes) { (raw) throws(JSONError) in
            var reader = JSONReader(raw, maximumDepth: maximumDepth)
            let result = try body(&reader)
            try reader.finish()
            return result
        }
    }

    /// The byte offset of the next unread byte (for a decoder's own error messages).
    public var offset: Int { scanner.offset }

    /// The nesting limit this reader enforces.
    public var maximumDepth: Int { scanner.maximumDepth }

    /// What the next value is, without reading it (whitespace before it is skipped).
    public mutating func peekKind() throws(JSONError) -> JSONValueKind {
        let byte = try nextValueByte()
        guard let kind = JSONValueKind(firstByte: byte) else { throw scanner.unexpectedValueStart() }
        return kind
    }

    /// Whether the next value is `null` (not read).
    public mutating func isNull() throws(JSONError) -> Bool {
        try peekKind() == .null
    }

    /// Moves past the next value, checking it as strictly as if it were read.
    public mutating func skipValue() throws(JSONError) {
        _ = try nextValueByte()
        try scanner.scanValue(depth: depth)
    }

    /// Reads `true` or `false`.
    public mutating func readBool() throws(JSONError) -> Bool {
        let byte = try nextValueByte()
        guard byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f") else { throw mismatch(expected: "a boolean") }
        return try scanner.scanLiteral() ?? false
    }

    /// Reads `null`.
    public mutating func readNull() throws(JSONError) {
        guard try nextValueByte() == UInt8(ascii: "n") else { throw mismatch(expected: "null") }
        _ = try scanner.scanLiteral()
    }

    /// Reads the next value if it is `null` and returns true; otherwise reads nothing and returns
    /// false (for optional fields: `value = try reader.readNullIfPresent() ? nil : try reader.readString()`).
    public mutating func readNullIfPresent() throws(JSONError) -> Bool {
        guard try nextValueByte() == UInt8(ascii: "n") else { return false }
        _ = try scanner.scanLiteral()
        return true
    }

    /// Checks that the top-level value is complete and only whitespace follows it.
    public mutating func finish() throws(JSONError) {
        guard depth == 0 else {
            throw JSONError(.unfinishedContainer, at: scanner.offset,
                            "the decoder stopped with \(depth) object(s) or array(s) still open; read each to its end")
        }
        scanner.skipWhitespace()
        guard scanner.offset == scanner.bytes.count else {
            throw JSONError(.trailingBytes, at: scanner.offset, "only whitespace may follow the top-level value")
        }
    }

    /// An error at the current offset, for a decoder refusing a well-formed value
    /// (`throw reader.error(.invalidValue, "hash must be 16 hex digits")`).
    public func error(_ code: JSONError.Code, _ detail: String) -> JSONError {
        JSONError(code, at: scanner.offset, detail)
    }

    /// Skips whitespace and returns the byte that starts the next value (not consumed).
    @inline(__always)
    mutating func nextValueByte() throws(JSONError) -> UInt8 {
        scanner.skipWhitespace()
        guard let byte = scanner.current else { throw scanner.endError("where a value was expected") }
        return byte
    }

    /// The error for a value of another kind than `expected`, naming what was found; if what was
    /// found is not even well-formed, that syntax error instead.
    func mismatch(expected: String) -> JSONError {
        guard let byte = scanner.current, let found = JSONValueKind(firstByte: byte) else { return scanner.unexpectedValueStart() }
        var probe = scanner
        do {
            try probe.scanValue(depth: depth)
        } catch {
            return error
        }
        return JSONError(.typeMismatch, at: scanner.offset, "expected \(expected), found \(found.phrase)")
    }
}

/// The kind of a JSON value, as `JSONReader.peekKind()` reports it.
public enum JSONValueKind: Sendable, Equatable {
    /// `{…}`
    case object
    /// `[…]`
    case array
    /// `"…"`
    case string
    /// An integer or a decimal number.
    case number
    /// `true` or `false`.
    case bool
    /// `null`
    case null

    /// The kind a value starting with `byte` has; nil if no value starts with it.
    init?(firstByte byte: UInt8) {
        switch byte {
        case UInt8(ascii: "{"): self = .object
        case UInt8(ascii: "["): self = .array
        case UInt8(ascii: "\""): self = .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): self = .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): self = .bool
        case UInt8(ascii: "n"): self = .null
        default: return nil
        }
    }

    /// The kind in an error message ("found a string").
    var phrase: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}
