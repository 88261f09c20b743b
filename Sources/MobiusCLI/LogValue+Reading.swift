import JSON
import MobiusCore

/// `LogValue` is the project's JSON value tree (whole numbers that fit kept apart from the
/// rest, members in order); `smoke` and `monitor` read the service's answers into it, since
/// they check a response's types and not only its values.
extension LogValue {
    /// The value `bytes` hold (one JSON value, whitespace around it allowed).
    static func parse(_ bytes: [UInt8]) -> Result<LogValue, JSONError> {
        Result { () throws(JSONError) in try JSONReader.withReader(over: bytes) { (reader) throws(JSONError) in try LogValue(from: &reader) } }
    }

    /// The member `key` of an object; nil for a missing key or a value that is not an object.
    subscript(key: String) -> LogValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    /// The text of a string.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A number written as a whole number (no fraction, no exponent).
    var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// Any number.
    var numberValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// A boolean.
    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// What kind of value this is, for messages: `a string`, `an integer`, `null`, ….
    var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .double: "a number with a fraction or exponent"
        case .bool: "a boolean"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
