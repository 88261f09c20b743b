import JSON

/// A metadata value of a log record: what the logger writes as JSON, redacted first.
public indirect enum LogValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case double(Double)
    case bool(Bool)
    case null
    case array([LogValue])
    /// Members in the order given (log records keep the caller's order).
    case object([(String, LogValue)])

    public static func == (lhs: LogValue, rhs: LogValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// Writes the value; a non-finite double is written as null (JSON has no NaN).
    public func encode(to json: inout JSONWriter) {
        switch self {
        case .string(let text): json.write(text)
        case .integer(let value): json.write(value)
        case .double(let value): if value.isFinite { json.write(value) } else { json.writeNull() }
        case .bool(let value): json.write(value)
        case .null: json.writeNull()
        case .array(let values): json.writeArray { json in for value in values { value.encode(to: &json) } }
        case .object(let members):
            // A key given twice keeps its last value: the writer refuses duplicates.
            var seen: Set<String> = []
            let unique = members.reversed().filter { seen.insert($0.0).inserted }.reversed()
            json.writeObject { json in
                for (key, value) in unique {
                    json.writeKey(key)
                    value.encode(to: &json)
                }
            }
        }
    }
}

extension Redactor {
    /// `value` (found under `key`, if any) with the policy applied all the way down: a secret
    /// key's value is replaced whole, a kept key's value is left as is, and every other string
    /// — keys of nested objects included — is pattern-redacted.
    public func redact(_ value: LogValue, key: String? = nil) -> LogValue {
        if let key {
            if isSecretKey(key) { return .string("[redacted:secret]") }
            if isKeptKey(key) { return value }
        }
        switch value {
        case .string(let text): return .string(redact(text))
        case .array(let values): return .array(values.map { redact($0) })
        case .object(let members): return .object(members.map { (redact($0.0), redact($0.1, key: $0.0)) })
        case .integer(let number):
            // A card number given as a JSON number is still a card number.
            let digits = Array(String(number.magnitude).utf8)
            return NumberShape.cardNumberEnd(digits, from: 0) == digits.count ? .string("[redacted:card]") : value
        case .double, .bool, .null: return value
        }
    }
}

extension LogValue {
    /// Reads any JSON value (numbers that are whole and fit become `.integer`).
    public init(from reader: inout JSONReader) throws(JSONError) {
        switch try reader.peekKind() {
        case .null:
            try reader.readNull()
            self = .null
        case .bool: self = .bool(try reader.readBool())
        case .string: self = .string(try reader.readString())
        case .number:
            // A probe on a copy: whole numbers that fit stay exact, the rest are doubles.
            var probe = reader
            if let integer = try? probe.readInt64() {
                reader = probe
                self = .integer(integer)
            } else {
                self = .double(try reader.readDouble())
            }
        case .array:
            var values: [LogValue] = []
            var array = try reader.beginArray()
            while try reader.nextElement(in: &array) { values.append(try LogValue(from: &reader)) }
            self = .array(values)
        case .object:
            var members: [(String, LogValue)] = []
            var object = try reader.beginObject()
            while let key = try reader.nextKey(in: &object) {
                let name = key.string
                members.append((name, try LogValue(from: &reader)))
            }
            self = .object(members)
        }
    }
}

