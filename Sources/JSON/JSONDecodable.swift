/// A type a `JSONReader` can decode: one value, read with the reader's typed calls.
///
/// ```swift
/// extension Labels: JSONDecodable {
///     init(from reader: inout JSONReader) throws(JSONError) {
///         var object = try reader.beginObject()
///         var env: String? = nil
///         while let key = try reader.nextKey(in: &object) {
///             switch key {
///             case "env": env = try reader.readString()
///             default: break
///             }
///         }
///         guard let env else { throw .missingKey("env", inObjectAt: object.startOffset) }
///         self.init(env: env)
///     }
/// }
/// ```
///
/// An initializer reads exactly one value (all of it, nested containers included) and throws
/// `JSONError`, so a failure deep inside names the byte where it happened.
public protocol JSONDecodable {
    /// Reads one value from `reader`.
    init(from reader: inout JSONReader) throws(JSONError)
}

extension String: JSONDecodable {
    /// Reads a string.
    public init(from reader: inout JSONReader) throws(JSONError) { self = try reader.readString() }
}

extension Bool: JSONDecodable {
    /// Reads `true` or `false`.
    public init(from reader: inout JSONReader) throws(JSONError) { self = try reader.readBool() }
}

extension Double: JSONDecodable {
    /// Reads a number, correctly rounded; out of range is refused.
    public init(from reader: inout JSONReader) throws(JSONError) { self = try reader.readDouble() }
}

extension Int: JSONDecodable {
    /// Reads an integer exactly.
    public init(from reader: inout JSONReader) throws(JSONError) { self = try reader.readInteger(Int.self) }
}

extension Int64: JSONDecodable {
    /// Reads an integer exactly.
    public init(from reader: inout JSONReader) throws(JSONError) { self = try reader.readInteger(Int64.self) }
}

extension Int32: JSONDecodable {
    /// Reads an integer exactly.
    public init(from reader: inout JSONReader) throws(JSONError) { self = try reader.readInteger(Int32.self) }
}

extension UInt64: JSONDecodable {
    /// Reads a non-negative integer exactly.
    public init(from reader: inout JSONReader) throws(JSONError) { self = try reader.readInteger(UInt64.self) }
}

extension UInt32: JSONDecodable {
    /// Reads a non-negative integer exactly.
    public init(from reader: inout JSONReader) throws(JSONError) { self = try reader.readInteger(UInt32.self) }
}

extension Optional: JSONDecodable where Wrapped: JSONDecodable {
    /// Reads `null` as nil, anything else as a `Wrapped`.
    public init(from reader: inout JSONReader) throws(JSONError) {
        self = try reader.readNullIfPresent() ? nil : try Wrapped(from: &reader)
    }
}

extension Array: JSONDecodable where Element: JSONDecodable {
    /// Reads an array of `Element`s.
    public init(from reader: inout JSONReader) throws(JSONError) { self = try reader.readArray(of: Element.self) }
}

extension Dictionary: JSONDecodable where Key == String, Value: JSONDecodable {
    /// Reads an object whose members are all `Value`s.
    ///
    /// Besides the reader's duplicate check (by bytes), two keys that are distinct bytes but the
    /// same `String` (Swift compares strings by canonical equivalence: `"é"` and `"e\u0301"`) are
    /// refused as duplicates too, rather than one silently replacing the other.
    public init(from reader: inout JSONReader) throws(JSONError) {
        var object = try reader.beginObject()
        var members: [String: Value] = [:]
        while let key = try reader.nextKey(in: &object) {
            let name = key.string
            let offset = key.offset
            guard members.updateValue(try Value(from: &reader), forKey: name) == nil else {
                throw JSONError(.duplicateKey, at: offset,
                                "\(JSONError.quoted(name.utf8)) equals an earlier key of this object as a Swift String (canonically equivalent)")
            }
        }
        self = members
    }
}
