/// An object key as `JSONReader.nextKey(in:)` returns it: its value's UTF-8 bytes, borrowed from
/// the input (or, for a key with escapes, resolved into a small copy), so matching a key costs a
/// byte comparison and no `String`.
///
/// Match with `switch key { case "hash": … }` (any string literal) or `key == someString`; take
/// `string` only for keys that are data (a dictionary's). A key borrows the reader's bytes: use it
/// before the next call on the reader.
public struct JSONKey: CustomStringConvertible {
    /// The key's bytes in the input, between the quotes (escapes unresolved).
    @usableFromInline let raw: UnsafeRawBufferPointer
    /// The key's value when it had escapes; nil when `raw` is the value.
    @usableFromInline let resolved: [UInt8]?
    /// Offset of the key's opening quote in the input (for a decoder's error messages).
    public let offset: Int

    /// The key of `token`, a checked string in `bytes`.
    @inline(__always)
    init(_ token: StringToken, in bytes: UnsafeRawBufferPointer) {
        offset = token.start
        raw = token.content(in: bytes)
        resolved = token.hasEscapes ? StringUnescaping.decoded(raw) : nil
    }

    /// Runs `body` over the key's value as UTF-8 bytes.
    @inlinable
    public func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        if let resolved { return resolved.withUnsafeBytes(body) }
        return body(raw)
    }

    /// The key as a `String` (allocates for keys longer than 15 bytes).
    public var string: String { withUTF8 { String(decoding: $0, as: UTF8.self) } }

    /// The key as a `String`.
    public var description: String { string }

    /// Whether the key's UTF-8 bytes are exactly `bytes`.
    @inlinable
    public func equals(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        withUTF8 { value in
            guard value.count == bytes.count else { return false }
            guard let left = value.baseAddress, let right = bytes.baseAddress else { return true }
            return RawBytes.equal(left, right, count: value.count)
        }
    }

    /// Whether `key` is the literal `pattern`, byte for byte: what `case "hash":` compiles to.
    ///
    /// Inlinable, so a decoder's `switch` compares lengths known at compile time before bytes.
    @inlinable
    public static func ~= (pattern: StaticString, key: JSONKey) -> Bool {
        guard pattern.hasPointerRepresentation else {
            // A one-scalar literal ("a") is stored as the scalar, not as UTF-8 bytes.
            return key.withUTF8 { $0.elementsEqual(pattern.unicodeScalar.utf8) }
        }
        return key.equals(utf8: UnsafeRawBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount))
    }

    /// Whether the key's value is `string`, byte for byte (no Unicode normalization).
    public static func == (key: JSONKey, string: String) -> Bool {
        var string = string
        return string.withUTF8 { key.equals(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Whether the key's value is `string`, byte for byte (no Unicode normalization).
    public static func == (string: String, key: JSONKey) -> Bool { key == string }
}
