/// Why bytes are not acceptable JSON, why a typed read failed, or why a writer refused its output.
///
/// `offset` is the byte offset where the problem starts: in the input for the reader and the
/// validator, in the output for the writer. `description` is one line a person can act on: what
/// is wrong, at which byte, and the specifics (`duplicate key at byte 41: "hash" appears twice in
/// one object`).
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem; a closed set, so callers and tests can match on it.
    public enum Code: String, Sendable, CaseIterable {
        /// The input ends inside a value (every proper prefix of a valid document reports this).
        case unexpectedEnd = "unexpected end of JSON"
        /// A byte that cannot start or continue what the grammar expects here.
        case unexpectedByte = "unexpected character"
        /// A `,` directly before `}` or `]`.
        case trailingComma = "trailing comma"
        /// A word that is not `true`, `false` or `null`.
        case invalidLiteral = "invalid literal"
        /// A number that breaks the RFC 8259 grammar (`1.`, `-`, `1e+`, `.5`).
        case invalidNumber = "malformed number"
        /// A number with a superfluous leading zero (`01`, `-00.5`).
        case leadingZero = "number with a leading zero"
        /// A byte below 0x20 inside a string; such characters must be escaped.
        case controlCharacter = "unescaped control character in string"
        /// A backslash not followed by one of `" \ / b f n r t u`, or `\u` without four hex digits.
        case invalidEscape = "invalid escape sequence"
        /// A `\uD800`–`\uDFFF` escape that is not a high surrogate followed by a low one.
        case loneSurrogate = "unpaired surrogate escape"
        /// Bytes that are not well-formed UTF-8 (overlong, surrogate, above U+10FFFF, cut short).
        case invalidUTF8 = "invalid UTF-8"
        /// More nested objects and arrays than the configured limit.
        case tooDeep = "nesting too deep"
        /// The same key twice in one object (compared after unescaping).
        case duplicateKey = "duplicate key"
        /// Something other than whitespace after the top-level value.
        case trailingBytes = "unexpected text after the JSON value"
        /// The top-level value is not an object where one is required.
        case notAnObject = "not a JSON object"
        /// A typed read found another kind of value (a string where a number was asked for).
        case typeMismatch = "wrong type"
        /// An integer read found a fraction or an exponent.
        case notAnInteger = "not an integer"
        /// A number outside the range of the requested type (`1e400`, `2^64` for `UInt64`).
        case numberOutOfRange = "number out of range"
        /// A decoder did not find a key it requires.
        case missingKey = "missing key"
        /// A decoder refused a well-formed value (a hash that is not 16 hex digits).
        case invalidValue = "invalid value"
        /// A decoder stopped inside an object or array it had begun.
        case unfinishedContainer = "unfinished container"
        /// The writer was given NaN or an infinity, which JSON cannot express.
        case nonFiniteNumber = "non-finite number"
        /// A sorted-key writer was given a key not greater than the one before it.
        case keyOutOfOrder = "key out of order"
        /// Raw bytes handed to the writer hold whitespace outside strings.
        case notMinified = "raw JSON is not minified"
        /// Writer calls that do not form one JSON value (a value without its key, an unclosed object).
        case invalidStructure = "writer calls do not form one JSON value"
    }

    /// What kind of problem.
    public var code: Code
    /// Byte offset where the problem starts (input for reading, output for writing).
    public var offset: Int
    /// The specifics: which key, which byte, what was expected.
    public var detail: String

    /// A problem of kind `code` at `offset`; `detail` must be one line.
    public init(_ code: Code, at offset: Int, _ detail: String) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    /// One line: what, at which byte, and the specifics.
    public var description: String { "\(code.rawValue) at byte \(offset): \(detail)" }
}

extension JSONError {
    /// A decoder's error for a required key that the object at `offset` lacks.
    public static func missingKey(_ key: String, inObjectAt offset: Int) -> JSONError {
        JSONError(.missingKey, at: offset, "the object has no \(quoted(key.utf8)) member")
    }

    /// `bytes` as a short JSON-style string literal for messages: escapes keep it on one line and
    /// it is cut after about 40 bytes, so a hostile key cannot flood a log line.
    static func quoted(_ bytes: some Collection<UInt8>) -> String {
        var text = "\""
        var shown: [UInt8] = []
        var taken = 0
        for byte in bytes {
            guard shown.count < 40 else { break }
            taken += 1
            switch byte {
            case UInt8(ascii: "\""): shown += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): shown += Array(#"\\"#.utf8)
            case 0..<0x20, 0x7F: shown += Array("\\u00".utf8) + [hexDigit(byte >> 4), hexDigit(byte & 0xF)]
            default: shown.append(byte)
            }
        }
        text += String(decoding: shown, as: UTF8.self)
        if taken < bytes.count { text += "…" }
        return text + "\""
    }

    /// `byte` for a message: printable ASCII in quotes, anything else as hex.
    static func describe(byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    /// The lowercase hex digit for `nibble` (0…15).
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10
    }
}
