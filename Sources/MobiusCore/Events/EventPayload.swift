import JSON

/// The data of one event type: decoded from the journal's bytes, encoded back in a fixed key
/// order (so the same value always gives the same bytes).
///
/// `init(from:version:)` reads every version the type ever had and returns the current shape:
/// that is the type's upcaster (see `EventSchemas` for the versions each type knows).
public protocol EventPayload: Sendable, Equatable {
    /// The dotted event type, e.g. `extraction.completed`.
    static var type: String { get }
    /// The schema version this code writes.
    static var version: UInt64 { get }
    /// The oldest version `init(from:version:)` reads.
    static var oldestVersion: UInt64 { get }
    /// Reads the data object written at `version` (between `oldestVersion` and `version`).
    init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError)
    /// Writes the data object at the current version.
    func encode(to json: inout JSONWriter)
}

extension EventPayload {
    public static var oldestVersion: UInt64 { 1 }

    /// The data bytes (minified JSON object) of this payload.
    public func encodedData() -> [UInt8] {
        var json = JSONWriter()
        encode(to: &json)
        do {
            return try json.finish()
        } catch {
            preconditionFailure("\(Self.type) data refused by the JSON writer: \(error)")
        }
    }
}

/// Why event data of a known type could not be read.
public struct EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The event type.
    public var type: String
    /// The schema version the event was written with.
    public var version: UInt64
    /// What is wrong (which field, which value).
    public var detail: String

    /// An error about `type` at `version`.
    public init(type: String, version: UInt64, _ detail: String) {
        self.type = type
        self.version = version
        self.detail = detail
    }

    public var description: String { "\(type) v\(version): \(detail)" }
}

/// Reads the members of an event's data object, for `EventPayload` decoders.
///
/// Collects what each decoder needs in one pass: `body` gets each key (unknown ones are
/// skipped by not reading them); JSON errors become `EventDecodingError`s naming the type.
struct PayloadFields<Payload: EventPayload> {
    let version: UInt64

    /// Walks the object at `reader`.
    func read(_ reader: inout JSONReader, _ body: (JSONKey, inout JSONReader) throws(JSONError) -> Void) throws(EventDecodingError) {
        do {
            var object = try reader.beginObject()
            while let key = try reader.nextKey(in: &object) { try body(key, &reader) }
        } catch {
            throw failure("\(error)")
        }
    }

    /// The error for a field that is missing or wrong.
    func failure(_ detail: String) -> EventDecodingError {
        EventDecodingError(type: Payload.type, version: version, detail)
    }

    /// `value`, or a "missing field" error.
    func required<T>(_ value: T?, _ field: String) throws(EventDecodingError) -> T {
        guard let value else { throw failure("the data has no valid \"\(field)\"") }
        return value
    }
}

extension JSONReader {
    /// A string, or nil for `null`.
    mutating func readOptionalString() throws(JSONError) -> String? {
        try readNullIfPresent() ? nil : readString()
    }

    /// A number, or nil for `null`.
    mutating func readOptionalDouble() throws(JSONError) -> Double? {
        try readNullIfPresent() ? nil : readDouble()
    }
}

extension JSONWriter {
    /// `"key":value` with null for nil.
    mutating func write(_ value: String?, orNullForKey key: String) {
        writeKey(key)
        if let value { write(value) } else { writeNull() }
    }

    /// `"key":value` with null for nil.
    mutating func write(_ value: Double?, orNullForKey key: String) {
        writeKey(key)
        if let value { write(value) } else { writeNull() }
    }
}
