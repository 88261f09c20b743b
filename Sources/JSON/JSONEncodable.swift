/// A type that writes itself as one JSON value.
///
/// ```swift
/// extension Labels: JSONEncodable {
///     func encode(to writer: inout JSONWriter) {
///         writer.writeObject { writer in
///             writer.write(env, forKey: "env")          // keys in UTF-8 order: a sorted
///             writer.write(instance, forKey: "instance") // writer refuses them otherwise
///         }
///     }
/// }
/// ```
public protocol JSONEncodable {
    /// Writes exactly one value.
    func encode(to writer: inout JSONWriter)
}

extension JSONWriter {
    /// Writes `value`.
    @inlinable
    public mutating func write<Value: JSONEncodable>(_ value: Value) {
        value.encode(to: &self)
    }

    /// Writes `"key":value` inside an object.
    @inlinable
    public mutating func write<Value: JSONEncodable>(_ value: Value, forKey key: String) {
        writeKey(key)
        value.encode(to: &self)
    }

    /// Writes an object whose keys are data: `keys` are sorted by UTF-8 bytes (whatever the
    /// writer's key order, so the output does not depend on a dictionary's iteration order),
    /// then for each, its key and whatever `value` writes for it. Duplicate keys are refused.
    public mutating func writeObject<Key: StringProtocol>(sortingKeys keys: some Sequence<Key>, _ value: (Key, inout JSONWriter) -> Void) {
        let sorted = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        beginObject()
        for key in sorted {
            writeKey(String(key))
            value(key, &self)
        }
        endObject()
    }
}

extension String: JSONEncodable {
    /// Writes the string.
    public func encode(to writer: inout JSONWriter) { writer.write(self) }
}

extension Substring: JSONEncodable {
    /// Writes the string.
    public func encode(to writer: inout JSONWriter) { writer.write(self) }
}

extension Bool: JSONEncodable {
    /// Writes `true` or `false`.
    public func encode(to writer: inout JSONWriter) { writer.write(self) }
}

extension Double: JSONEncodable {
    /// Writes the number in its one text form; NaN and infinities are refused.
    public func encode(to writer: inout JSONWriter) { writer.write(self) }
}

extension Int: JSONEncodable {
    /// Writes the integer exactly.
    public func encode(to writer: inout JSONWriter) { writer.write(self) }
}

extension Int64: JSONEncodable {
    /// Writes the integer exactly.
    public func encode(to writer: inout JSONWriter) { writer.write(self) }
}

extension Int32: JSONEncodable {
    /// Writes the integer exactly.
    public func encode(to writer: inout JSONWriter) { writer.writeInteger(self) }
}

extension UInt64: JSONEncodable {
    /// Writes the integer exactly.
    public func encode(to writer: inout JSONWriter) { writer.write(self) }
}

extension UInt32: JSONEncodable {
    /// Writes the integer exactly.
    public func encode(to writer: inout JSONWriter) { writer.writeInteger(self) }
}

extension Optional: JSONEncodable where Wrapped: JSONEncodable {
    /// Writes `null` for nil, the value otherwise.
    public func encode(to writer: inout JSONWriter) {
        if let self { self.encode(to: &writer) } else { writer.writeNull() }
    }
}

extension Array: JSONEncodable where Element: JSONEncodable {
    /// Writes an array of the elements in order.
    public func encode(to writer: inout JSONWriter) {
        writer.beginArray()
        for element in self { element.encode(to: &writer) }
        writer.endArray()
    }
}

extension Dictionary: JSONEncodable where Key == String, Value: JSONEncodable {
    /// Writes an object with the keys sorted by UTF-8 bytes, in either key order: a
    /// dictionary's own order changes from run to run.
    public func encode(to writer: inout JSONWriter) {
        writer.beginObject()
        for (key, value) in sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            writer.writeKey(key)
            value.encode(to: &writer)
        }
        writer.endObject()
    }
}
