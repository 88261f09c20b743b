import JSON
import MobiusCore

/// A request's JSON object body, read once into its top-level members, with typed accessors
/// whose failures are one-line 400 messages (`"force" must be true or false`).
///
/// Unknown members are refused (a misspelt `"dryrun"` must not turn a dry run into a real
/// one) unless asked otherwise; each member may appear once. An empty body reads as `{}`.
struct JSONBody {
    enum Value {
        case string(String)
        case bool(Bool)
        case integer(UInt64)
        case strings([String])
        case null
        case other(JSONValueKind)
    }

    private var members: [String: Value] = [:]

    /// A one-line 400 message.
    struct Problem: Error { var message: String }

    /// Reads `bytes` as an object whose keys are among `allowed`; others are refused, or
    /// skipped when `skipsUnknown` (the MOBIUS contract's routes, whose clients may send more).
    init(_ bytes: [UInt8], allowed: Set<String>, skipsUnknown: Bool = false) throws(Problem) {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { return }
        var members: [String: Value] = [:]
        var unknown: String?
        do {
            try JSONReader.withReader(over: bytes) { (reader) throws(JSONError) in
                var object = try reader.beginObject()
                while let key = try reader.nextKey(in: &object) {
                    let name = key.string
                    guard allowed.contains(name) else {
                        if unknown == nil { unknown = name }
                        try reader.skipValue()
                        continue
                    }
                    members[name] = try Self.value(&reader)
                }
            }
        } catch where error.code == .duplicateKey {
            throw Problem(message: "\(Echoed(error.detail)); give each key once")
        } catch {
            throw Problem(message: "the body is not a JSON object: \(Echoed(error.description))")
        }
        if let unknown, !skipsUnknown {
            throw Problem(message: "unknown key \"\(Echoed(unknown))\" (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        self.members = members
    }

    private static func value(_ reader: inout JSONReader) throws(JSONError) -> Value {
        switch try reader.peekKind() {
        case .string: return .string(try reader.readString())
        case .bool: return .bool(try reader.readBool())
        case .null:
            try reader.readNull()
            return .null
        case .number:
            var attempt = reader
            if let number = try? attempt.readUInt64() {
                reader = attempt
                return .integer(number)
            }
            try reader.skipValue()
            return .other(.number)
        case .array:
            var strings: [String] = []
            var copy = reader
            var array = try copy.beginArray()
            var allStrings = true
            while try copy.nextElement(in: &array) {
                if try copy.peekKind() == .string { strings.append(try copy.readString()) } else { allStrings = false; try copy.skipValue() }
            }
            reader = copy
            return allStrings ? .strings(strings) : .other(.array)
        case let kind:
            try reader.skipValue()
            return .other(kind)
        }
    }

    /// The string member `name`; nil when absent or null.
    func string(_ name: String) throws(Problem) -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw Problem(message: "\"\(name)\" must be a string")
        }
    }

    /// The boolean member `name`; `false` when absent or null.
    func flag(_ name: String) throws(Problem) -> Bool {
        switch members[name] {
        case nil, .null?: return false
        case .bool(let value)?: return value
        default: throw Problem(message: "\"\(name)\" must be true or false")
        }
    }

    /// The whole-number member `name`; nil when absent or null.
    func integer(_ name: String) throws(Problem) -> UInt64? {
        switch members[name] {
        case nil, .null?: return nil
        case .integer(let value)?: return value
        default: throw Problem(message: "\"\(name)\" must be a whole number of 0 or more")
        }
    }

    /// The array-of-strings member `name`; nil when absent or null.
    func strings(_ name: String) throws(Problem) -> [String]? {
        switch members[name] {
        case nil, .null?: return nil
        case .strings(let value)?: return value
        default: throw Problem(message: "\"\(name)\" must be an array of strings")
        }
    }
}
