/// The header (or trailer) fields of a message, in the order they arrived, looked up by name
/// without regard to case.
///
/// Names are kept as sent, values with surrounding whitespace removed. A name may appear more
/// than once; `values(for:)` returns every value, `self[name]` the values joined with ", " as
/// RFC 9110 §5.3 allows for list-valued fields (not for `Set-Cookie`, which servers never receive).
public struct HTTPFields: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One field: its name as sent, and its value.
    public struct Field: Sendable, Hashable {
        /// The name as it was sent or given (compare with `HTTPFields.equalNames`).
        public var name: String
        /// The value, without leading or trailing spaces and tabs.
        public var value: String

        /// A field `name: value`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    /// No fields.
    public init() { fields = [] }

    /// The fields given, in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// How many fields (counting repeats).
    public var count: Int { fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// Adds a field after the others (keeping any with the same name).
    public mutating func append(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` with one field `name: value` (or removes them when `value` is nil).
    public mutating func set(_ name: String, to value: String?) {
        remove(name)
        if let value { append(name: name, value: value) }
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { HTTPFields.equalNames($0.name, name) }
    }

    /// Every value of the fields named `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { HTTPFields.equalNames($0.name, name) }.map(\.value)
    }

    /// Whether some field is named `name`.
    public func contains(_ name: String) -> Bool {
        fields.contains { HTTPFields.equalNames($0.name, name) }
    }

    /// The values of the fields named `name` joined with ", "; nil when there is none.
    public subscript(name: String) -> String? {
        let values = values(for: name)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// The comma-separated elements of every field named `name`, trimmed and lowercased, empty ones
    /// dropped (for `Connection`, `Transfer-Encoding`, `Expect`).
    public func tokens(for name: String) -> [String] {
        values(for: name).flatMap { $0.split(separator: ",") }
            .map { HTTPFields.trimmed(Substring($0)).lowercased() }
            .filter { !$0.isEmpty }
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Whether two field names are the same, ignoring ASCII case (names are ASCII tokens).
    public static func equalNames(_ a: String, _ b: String) -> Bool {
        let a = a.utf8, b = b.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { lowercase($0) == lowercase($1) }
    }

    static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    static func trimmed(_ text: Substring) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[first...last])
    }
}
