/// Numbers, literals and whole values (objects and arrays recursively, duplicate keys refused).
extension JSONScanner {
    /// Scans the number at `offset` (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) and moves
    /// past it.
    @inline(__always)
    mutating func scanNumber() throws(JSONError) -> NumberToken {
        let start = offset
        var index = start
        if byte(at: index) == UInt8(ascii: "-") {
            index &+= 1
            guard index < count else { throw endError("inside a number") }
        }
        let first = byte(at: index)
        if first == UInt8(ascii: "0") {
            index &+= 1
            if index < count, Self.isDigit(byte(at: index)) {
                throw JSONError(.leadingZero, at: start, "a number must not start with 0 unless it is 0 (or 0.…)")
            }
        } else if Self.isDigit(first) {
            index = endOfDigits(from: index &+ 1)
        } else {
            throw invalidNumber(at: index, after: "'-'")
        }
        var isInteger = true
        if index < count, byte(at: index) == UInt8(ascii: ".") {
            isInteger = false
            index = try scanDigits(from: index &+ 1, after: "'.'")
        }
        if index < count, byte(at: index) | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index &+= 1
            if index < count, byte(at: index) == UInt8(ascii: "+") || byte(at: index) == UInt8(ascii: "-") { index &+= 1 }
            index = try scanDigits(from: index, after: "the exponent mark")
        }
        offset = index
        return NumberToken(start: start, end: index, isInteger: isInteger)
    }

    /// Moves past one or more digits from `index`; returns the index after them.
    @inline(__always)
    private func scanDigits(from index: Int, after what: StaticString) throws(JSONError) -> Int {
        guard index < count else { throw endError("inside a number") }
        guard Self.isDigit(byte(at: index)) else { throw invalidNumber(at: index, after: what) }
        return endOfDigits(from: index &+ 1)
    }

    /// The index of the first byte from `index` on that is not a digit (`count` if none).
    @inline(__always)
    func endOfDigits(from index: Int) -> Int { Self.endOfDigits(from: base + index, end: base + count) - base }

    /// A mask with the high bit set in every byte of `word` that is not an ASCII digit; only
    /// the lowest set bit is exact: the high bit of `byte - 0x30` flags bytes below '0' (and
    /// from 0xB0), that of `byte + 0x46` bytes above '9' (up to 0xB9), and a borrow or carry
    /// only moves up from a flagged byte.
    @inline(__always)
    static func bytesNotDigits(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        return ((word &- ones &* 0x30) | (word &+ ones &* 0x46)) & (ones &* 0x80)
    }

    /// The error for a byte at `index` where a number needs a digit after `what`.
    private func invalidNumber(at index: Int, after what: StaticString) -> JSONError {
        JSONError(.invalidNumber, at: index, "expected a digit after \(what), found \(JSONError.describe(byte: byte(at: index)))")
    }

    /// Whether `byte` is an ASCII digit.
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// Scans `true`, `false` or `null` at `offset`: true or false for the booleans, nil for null.
    @inline(__always)
    mutating func scanLiteral() throws(JSONError) -> Bool? {
        // The word at once (the bytes of "true" are 0x74 0x72 0x75 0x65, lowest first); any
        // other text, an error included, is told apart byte by byte.
        let word = word(at: offset)
        if word & 0xFFFF_FFFF == 0x6575_7274 {
            offset &+= 4
            return true
        } else if word & 0xFF_FFFF_FFFF == 0x65_736C_6166 {
            offset &+= 5
            return false
        } else if word & 0xFFFF_FFFF == 0x6C6C_756E {
            offset &+= 4
            return nil
        }
        return try scanLiteralByteByByte()
    }

    /// `scanLiteral()` for anything but the three words written out.
    @inline(never)
    private mutating func scanLiteralByteByByte() throws(JSONError) -> Bool? {
        switch byte(at: offset) {
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
            guard offset + index < count else { throw endError("inside the literal \(word)") }
            guard byte(at: offset + index) == word.utf8Start[index] else {
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
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        case UInt8(ascii: "{"): try scanObject(depth: depth)
        case UInt8(ascii: "["): try scanArray(depth: depth)
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
        offset &+= 1
        // Minified text: the first key at once.
        if offset >= count || byte(at: offset) != UInt8(ascii: "\"") {
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                offset &+= 1
                return
            }
        }
        guard !requiresSortedKeys else { return try scanSortedMembers(depth: depth) }
        // The keys' records on the stack, uninitialized: zeroing a `KeySet.Storage` cost about
        // 45 instructions per object (a memset call), a fifth of a small object's scan.
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: KeySet.Storage.wordCount) { (storage) throws(JSONError) in
            try scanMembers(depth: depth, storage: storage.baseAddress.unsafelyUnwrapped)
        }
    }

    /// The rest of an object with more keys than a `KeySet` holds, from the scanned `key` on.
    @inline(never)
    mutating func scanMembers(startingWith key: StringToken, table: KeyTable, depth: Int) throws(JSONError) {
        var key = key
        while true {
            try table.insertOrRefuse(key, in: bytes)
            try scanColon()
            try scanValue(depth: depth &+ 1)
            guard try scanSeparator(closing: UInt8(ascii: "}")) else { return }
            key = try scanKey()
        }
    }

    /// The members of an object whose keys must be in strictly increasing byte order, from the
    /// first key on.
    private mutating func scanSortedMembers(depth: Int) throws(JSONError) {
        var previousKey: StringToken? = nil
        while true {
            let key = try scanKey()
            if let previousKey { try KeySet.checkOrder(of: previousKey, before: key, in: bytes) }
            previousKey = key
            try scanColon()
            try scanValue(depth: depth &+ 1)
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
    mutating func scanKey() throws(JSONError) -> StringToken {
        guard offset < count, byte(at: offset) == UInt8(ascii: "\"") else { throw keyExpected() }
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
        if offset &+ 1 < count, byte(at: offset) == UInt8(ascii: ":"), byte(at: offset &+ 1) > 0x20 {
            offset &+= 1
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
        // Minified text: a comma followed by the next item, or the closing bracket (perhaps the
        // last byte of the input).
        if offset < count {
            let byte = byte(at: offset)
            if byte == closing {
                offset &+= 1
                return false
            } else if byte == UInt8(ascii: ","), offset &+ 1 < count {
                let next = self.byte(at: offset &+ 1)
                if next > 0x20, next != closing {
                    offset &+= 1
                    return true
                }
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
struct NumberToken {
    /// Offset of its first byte (`-` or a digit).
    var start: Int
    /// Offset just after its last byte.
    var end: Int
    /// Whether it has neither a fraction nor an exponent.
    var isInteger: Bool
}
