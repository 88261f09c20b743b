// The scanner as it was before the SWAR/fast-path rewrite (commit 5d38d01), kept verbatim but
// renamed, as the oracle of ScannerEquivalenceTests only. Not used by the JSON target.
@testable import JSON

/// Numbers, literals and whole values (objects and arrays recursively, duplicate keys refused).
extension ReferenceScanner {
    /// Scans the number at `offset` (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) and moves
    /// past it.
    mutating func scanNumber() throws(JSONError) -> ReferenceNumberToken {
        let start = offset
        let count = bytes.count
        var index = start
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < count else { throw endError("inside a number") }
        let first = bytes[index]
        if first == UInt8(ascii: "0") {
            index += 1
            if index < count, Self.isDigit(bytes[index]) {
                throw JSONError(.leadingZero, at: start, "a number must not start with 0 unless it is 0 (or 0.…)")
            }
        } else if Self.isDigit(first) {
            index += 1
            while index < count, Self.isDigit(bytes[index]) { index += 1 }
        } else {
            throw JSONError(.invalidNumber, at: index, "expected a digit after '-', found \(JSONError.describe(byte: first))")
        }
        var isInteger = true
        if index < count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index = try scanDigits(from: index + 1, after: "'.'")
        }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            index = try scanDigits(from: index, after: "the exponent mark")
        }
        offset = index
        return ReferenceNumberToken(start: start, end: index, isInteger: isInteger)
    }

    /// Moves past one or more digits from `index`; returns the index after them.
    private func scanDigits(from index: Int, after what: String) throws(JSONError) -> Int {
        guard index < bytes.count else { throw endError("inside a number") }
        guard Self.isDigit(bytes[index]) else {
            throw JSONError(.invalidNumber, at: index, "expected a digit after \(what), found \(JSONError.describe(byte: bytes[index]))")
        }
        var end = index + 1
        while end < bytes.count, Self.isDigit(bytes[end]) { end += 1 }
        return end
    }

    /// Whether `byte` is an ASCII digit.
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// Scans `true`, `false` or `null` at `offset`: true or false for the booleans, nil for null.
    mutating func scanLiteral() throws(JSONError) -> Bool? {
        switch bytes[offset] {
        case UInt8(ascii: "t"): try expectWord("true"); return true
        case UInt8(ascii: "f"): try expectWord("false"); return false
        case UInt8(ascii: "n"): try expectWord("null"); return nil
        default: throw unexpectedValueStart()
        }
    }

    /// Moves past `word`, which must be at `offset`.
    private mutating func expectWord(_ word: StaticString) throws(JSONError) {
        let length = word.utf8CodeUnitCount
        for index in 0..<length {
            guard offset + index < bytes.count else { throw endError("inside the literal \(word)") }
            guard bytes[offset + index] == word.utf8Start[index] else {
                throw JSONError(.invalidLiteral, at: offset, "expected \(word); the only JSON words are true, false and null")
            }
        }
        offset += length
    }

    /// The error for a byte at `offset` that cannot start a value, with the likely cause.
    func unexpectedValueStart() -> JSONError {
        guard let byte = current else { return endError("where a value was expected") }
        switch byte {
        case UInt8(ascii: "/"):
            return JSONError(.unexpectedByte, at: offset, "comments are not allowed in JSON")
        case UInt8(ascii: "'"):
            return JSONError(.unexpectedByte, at: offset, "strings must be in double quotes")
        case UInt8(ascii: "+"), UInt8(ascii: "."):
            return JSONError(.invalidNumber, at: offset, "a number starts with '-' or a digit, not \(JSONError.describe(byte: byte))")
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            return JSONError(.invalidLiteral, at: offset, "expected a value; the only JSON words are true, false and null (no NaN or Infinity)")
        default:
            return JSONError(.unexpectedByte, at: offset, "expected a value, found \(JSONError.describe(byte: byte))")
        }
    }

    // MARK: Values

    /// Scans the value at `offset`, nested inside `depth` containers, and moves past it.
    @inline(__always)
    mutating func scanValue(depth: Int) throws(JSONError) {
        guard let byte = current else { throw endError("where a value was expected") }
        switch byte {
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "{"): try scanObject(depth: depth)
        case UInt8(ascii: "["): try scanArray(depth: depth)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        default: _ = try scanLiteral()
        }
    }

    /// The error for a container that would be nested deeper than `maximumDepth`.
    func tooDeep() -> JSONError {
        JSONError(.tooDeep, at: offset, "more than \(maximumDepth) nested objects and arrays")
    }

    /// Scans the object whose `{` is at `offset`, refusing duplicate keys (or, when
    /// `requiresSortedKeys`, keys out of order).
    mutating func scanObject(depth: Int) throws(JSONError) {
        guard depth < maximumDepth else { throw tooDeep() }
        offset += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            offset += 1
            return
        }
        var keys = ReferenceKeySet()
        var previousKey: ReferenceStringToken? = nil
        while true {
            let key = try scanKey()
            if requiresSortedKeys {
                if let previousKey { try ReferenceKeySet.checkOrder(of: previousKey, before: key, in: bytes) }
                previousKey = key
            } else {
                try keys.insert(key, in: bytes)
            }
            try scanColon()
            try scanValue(depth: depth + 1)
            guard try scanSeparator(closing: UInt8(ascii: "}")) else { return }
        }
    }

    /// Scans the array whose `[` is at `offset`.
    mutating func scanArray(depth: Int) throws(JSONError) {
        guard depth < maximumDepth else { throw tooDeep() }
        offset += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            offset += 1
            return
        }
        repeat {
            try scanValue(depth: depth + 1)
        } while try scanSeparator(closing: UInt8(ascii: "]"))
    }

    /// Scans an object key at `offset` (the caller has skipped whitespace).
    @inline(__always)
    mutating func scanKey() throws(JSONError) -> ReferenceStringToken {
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw keyExpected() }
        return try scanString()
    }

    /// The error for something other than a key where one must be.
    func keyExpected() -> JSONError {
        guard let byte = current else { return endError("where an object key was expected") }
        let hint = byte == UInt8(ascii: "'") ? "keys must be in double quotes" : "expected a string key, found \(JSONError.describe(byte: byte))"
        return JSONError(.unexpectedByte, at: offset, hint)
    }

    /// Scans the `:` after a key and the whitespace around it.
    @inline(__always)
    mutating func scanColon() throws(JSONError) {
        // Minified text: the colon, then the value at once.
        if offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: ":"), bytes[offset + 1] > 0x20 {
            offset += 1
            return
        }
        try scanColonAndWhitespace()
    }

    /// `scanColon()` for text with whitespace (or errors).
    mutating func scanColonAndWhitespace() throws(JSONError) {
        skipWhitespace()
        guard let byte = current else { throw endError("where ':' was expected after a key") }
        guard byte == UInt8(ascii: ":") else {
            throw JSONError(.unexpectedByte, at: offset, "expected ':' after the key, found \(JSONError.describe(byte: byte))")
        }
        offset += 1
        skipWhitespace()
    }

    /// After a member or element: true when a `,` leads to another one (whitespace skipped),
    /// false when `closing` ends the container (consumed).
    @inline(__always)
    mutating func scanSeparator(closing: UInt8) throws(JSONError) -> Bool {
        // Minified text: a comma followed by the next item, or the closing bracket.
        if offset + 1 < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: ","), bytes[offset + 1] > 0x20, bytes[offset + 1] != closing {
                offset += 1
                return true
            } else if byte == closing {
                offset += 1
                return false
            }
        }
        return try scanSeparatorAndWhitespace(closing: closing)
    }

    /// `scanSeparator(closing:)` for text with whitespace (or errors).
    mutating func scanSeparatorAndWhitespace(closing: UInt8) throws(JSONError) -> Bool {
        skipWhitespace()
        guard let byte = current else { throw endError("inside an \(closing == UInt8(ascii: "}") ? "object" : "array")") }
        if byte == UInt8(ascii: ",") {
            let comma = offset
            offset += 1
            skipWhitespace()
            if current == closing {
                throw JSONError(.trailingComma, at: comma, "remove the ',' before '\(Character(Unicode.Scalar(closing)))'")
            }
            return true
        }
        guard byte == closing else {
            let container = closing == UInt8(ascii: "}") ? "an object member" : "an array element"
            throw JSONError(.unexpectedByte, at: offset,
                            "expected ',' or '\(Character(Unicode.Scalar(closing)))' after \(container), found \(JSONError.describe(byte: byte))")
        }
        offset += 1
        return false
    }
}

/// Where a scanned number lies, and whether it is written as an integer (no fraction, no exponent).
struct ReferenceNumberToken {
    /// Offset of its first byte (`-` or a digit).
    var start: Int
    /// Offset just after its last byte.
    var end: Int
    /// Whether it has neither a fraction nor an exponent.
    var isInteger: Bool
}
