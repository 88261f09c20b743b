/// RFC 8259 tokens over borrowed bytes: the one place the grammar's strings, numbers and literals
/// are checked. The reader, the validator and the writer's raw-value check are built on it.
///
/// The scanner does not own its bytes; the caller keeps them alive while it is in use. Errors
/// carry the offset where the problem starts. Every proper prefix of a valid document fails with
/// `.unexpectedEnd` (never with another code), so a caller holding a partial buffer can tell
/// "need more bytes" from "malformed".
struct JSONScanner {
    /// The text being scanned.
    let bytes: UnsafeRawBufferPointer
    /// Its first byte (any address when it is empty: nothing is read then). With `count`, what
    /// the loops read through: `bytes.count` and `bytes[i]` test for a nil address each time.
    let base: UnsafeRawPointer
    /// How many bytes it has.
    let count: Int
    /// Index of the next byte to scan.
    var offset = 0
    /// Objects and arrays nested deeper than this are refused.
    let maximumDepth: Int
    /// Whether objects must list their keys in strictly increasing byte order (checked instead of
    /// duplicates, which that order excludes).
    let requiresSortedKeys: Bool
    /// Whether `skipWhitespace()` has skipped anything: false means the text so far is minified.
    var sawWhitespace = false

    /// A scanner at the start of `bytes`.
    @inline(__always)
    init(_ bytes: UnsafeRawBufferPointer, maximumDepth: Int, requiresSortedKeys: Bool = false) {
        self.bytes = bytes
        base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        count = bytes.count
        self.maximumDepth = maximumDepth
        self.requiresSortedKeys = requiresSortedKeys
    }

    /// The byte at `index`, which the caller has checked is below `count`.
    ///
    /// Not `bytes[index]`: that unwraps the base address on every access (a test and a branch
    /// per byte in the loops below).
    @inline(__always)
    func byte(at index: Int) -> UInt8 {
        base.load(fromByteOffset: index, as: UInt8.self)
    }

    /// The byte at `offset`, or nil at the end.
    @inline(__always)
    var current: UInt8? { offset < count ? byte(at: offset) : nil }

    /// The eight bytes from `index` as a word, the first in the lowest byte, with zero bytes in
    /// place of those past the end (`index` is at most `count`).
    ///
    /// The zero bytes end every word-wide loop in the scanner by themselves (a zero byte is
    /// neither a digit nor allowed unescaped in a string), so the loops need no byte-wise tail
    /// and no bounds check of their own.
    @inline(__always)
    func word(at index: Int) -> UInt64 { Self.word(at: base + index, end: base + count, start: base) }

    /// `word(at:)` at `cursor`, before `end`, in the input that starts at `start`.
    @inline(__always)
    static func word(at cursor: UnsafeRawPointer, end: UnsafeRawPointer, start: UnsafeRawPointer) -> UInt64 {
        if end - cursor >= 8 { return UInt64(littleEndian: cursor.loadUnaligned(as: UInt64.self)) }
        return wordNearTheEnd(start, end - start, at: cursor - start)
    }

    /// `word(at:)` within eight bytes of the end: the last eight bytes shifted down, or (in a
    /// buffer shorter than that) the bytes one by one.
    @inline(never)
    static func wordNearTheEnd(_ base: UnsafeRawPointer, _ count: Int, at index: Int) -> UInt64 {
        guard index < count else { return 0 }
        if count >= 8 {
            let last = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            return last >> (UInt64(index + 8 - count) * 8)
        }
        var word: UInt64 = 0
        for position in index..<count { word |= UInt64(base.load(fromByteOffset: position, as: UInt8.self)) << (UInt64(position - index) * 8) }
        return word
    }

    /// Moves past spaces, tabs, line feeds and carriage returns.
    @inline(__always)
    mutating func skipWhitespace() {
        while offset < count {
            let byte = byte(at: offset)
            // Every significant byte is above 0x20, so minified text leaves after one compare.
            guard byte <= 0x20, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            sawWhitespace = true
            offset += 1
        }
    }

    /// The error for input that ends where `what` still needs bytes.
    func endError(_ what: String) -> JSONError {
        JSONError(.unexpectedEnd, at: count, "the input ends \(what)")
    }

    // MARK: Strings

    /// Scans the string whose opening quote is at `offset` and moves past its closing quote,
    /// checking escapes, surrogate pairs, control characters and UTF-8 on the way.
    ///
    /// Inlined, it is the common case only: sixteen bytes at a time to the first byte that needs
    /// attention, and if that is the closing quote, done. Anything else (an escape, a non-ASCII
    /// or control byte, the end) goes on in `scanRestOfString(at:startingAt:)`.
    @inline(__always)
    mutating func scanString() throws(JSONError) -> StringToken {
        let start = offset
        let index = nextByteNeedingAttention(from: start &+ 1)
        if index < count, byte(at: index) == UInt8(ascii: "\"") {
            offset = index &+ 1
            return StringToken(start: start, end: index, hasEscapes: false)
        }
        return try scanRestOfString(at: index, startingAt: start)
    }

    /// The index of the first byte from `index` on that is `"`, `\`, below 0x20 or above 0x7F
    /// (`count` if there is none).
    @inline(__always)
    func nextByteNeedingAttention(from index: Int) -> Int {
        Self.nextByteNeedingAttention(from: base + index, end: base + count, start: base) - base
    }

    /// `nextByteNeedingAttention(from:)` with pointers: `cursor` is before (or at) `end`, and
    /// `start` is the first byte of the input.
    @inline(__always)
    static func nextByteNeedingAttention(from cursor: UnsafeRawPointer, end: UnsafeRawPointer, start: UnsafeRawPointer) -> UnsafeRawPointer {
        var cursor = cursor
        // Sixteen bytes a turn, as two words the compiler tests side by side in one vector
        // register with the constants held in vector registers: 19 instructions a turn, where a
        // word a turn took 21 for eight bytes (the compiler re-materialized its five 64-bit
        // constants on every turn). The limit is an address compared as an integer, so the
        // loop needs one induction variable.
        let limit = Int(bitPattern: end) &- 16
        while Int(bitPattern: cursor) <= limit {
            let low = bytesNeedingAttention(UInt64(littleEndian: cursor.loadUnaligned(as: UInt64.self)))
            let high = bytesNeedingAttention(UInt64(littleEndian: cursor.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            if low | high != 0 {
                return low != 0 ? cursor + low.trailingZeroBitCount &>> 3 : cursor + 8 + high.trailingZeroBitCount &>> 3
            }
            cursor += 16
        }
        var mask = bytesNeedingAttention(word(at: cursor, end: end, start: start))
        if mask == 0 {
            cursor += 8
            mask = bytesNeedingAttention(word(at: cursor, end: end, start: start))
        }
        return cursor + mask.trailingZeroBitCount &>> 3
    }

    /// `scanString()` from the first byte in the string at `start` that is not plain ASCII
    /// text: resolves escapes, checks UTF-8 and refuses control characters and the end.
    @inline(never)
    mutating func scanRestOfString(at attention: Int, startingAt start: Int) throws(JSONError) -> StringToken {
        var index = attention
        var hasEscapes = false
        while true {
            guard index < count else { throw endError("inside the string that starts at byte \(start)") }
            let byte = byte(at: index)
            if byte == UInt8(ascii: "\"") {
                offset = index + 1
                return StringToken(start: start, end: index, hasEscapes: hasEscapes)
            } else if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                index = try scanEscape(at: index, inStringAt: start)
            } else if byte < 0x20 {
                throw JSONError(.controlCharacter, at: index,
                                "\(JSONError.describe(byte: byte)) in the string that starts at byte \(start) must be escaped (\\u00XX)")
            } else if byte >= 0x80 {
                switch UTF8Validation.sequence(in: bytes, at: index) {
                case .valid(let length): index += length
                case .truncated: throw endError("inside a UTF-8 sequence in the string that starts at byte \(start)")
                case .invalid:
                    throw JSONError(.invalidUTF8, at: index, "\(JSONError.describe(byte: byte)) does not start a well-formed UTF-8 character")
                }
            } else {
                index += 1
            }
            index = nextByteNeedingAttention(from: index)
        }
    }

    /// A mask with the high bit set in every byte of `word` that is `"`, `\`, below 0x20 or
    /// above 0x7F. Only the lowest set bit is exact (a borrow can flag bytes above a true hit),
    /// which is all the string loops use.
    ///
    /// `byte ^ 0x02` maps `"` (0x22) to 0x20 and the bytes below 0x20 among themselves, so one
    /// compare, `(byte ^ 0x02) < 0x21`, finds both: seven operations a word, where testing for
    /// the quote and the control characters apart took nine (measured with callgrind on the
    /// benchmark's events: 45 instructions per event fewer, of about 1,750 then).
    @inline(__always)
    static func bytesNeedingAttention(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        // A byte below 0x21 borrows into its high bit; one above 0x7F has it set already.
        let isQuoteOrControl = (word ^ (ones &* 0x02)) &- ones &* 0x21
        let backslashes = word ^ (ones &* 0x5C)
        let isBackslash = backslashes &- ones
        return (isQuoteOrControl | isBackslash | word) & (ones &* 0x80)
    }

    /// Checks the escape whose backslash is at `index`; returns the index after it. A high
    /// surrogate escape must be followed at once by a low surrogate escape.
    mutating func scanEscape(at index: Int, inStringAt start: Int) throws(JSONError) -> Int {
        guard index + 1 < count else { throw endError("inside an escape in the string that starts at byte \(start)") }
        switch byte(at: index + 1) {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return index + 2
        case UInt8(ascii: "u"):
            let unit = try hexQuad(at: index + 2, escapeAt: index)
            if unit & 0xFC00 == 0xDC00 {
                throw JSONError(.loneSurrogate, at: index, "low surrogate \\u\(String(unit, radix: 16)) without a high surrogate before it")
            }
            guard unit & 0xFC00 == 0xD800 else { return index + 6 }
            let next = index + 6
            let lone = JSONError(.loneSurrogate, at: index, "high surrogate \\u\(String(unit, radix: 16)) must be followed by a \\uDC00–\\uDFFF escape")
            guard next < count else { throw endError("after a high surrogate escape") }
            guard byte(at: next) == UInt8(ascii: "\\") else { throw lone }
            guard next + 1 < count else { throw endError("after a high surrogate escape") }
            guard byte(at: next + 1) == UInt8(ascii: "u") else { throw lone }
            let low = try hexQuad(at: next + 2, escapeAt: next)
            guard low & 0xFC00 == 0xDC00 else { throw lone }
            return next + 6
        default:
            throw JSONError(.invalidEscape, at: index,
                            "a backslash followed by \(JSONError.describe(byte: byte(at: index + 1))) is not an escape; use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
        }
    }

    /// The four hex digits at `index` as a UTF-16 code unit.
    func hexQuad(at index: Int, escapeAt escape: Int) throws(JSONError) -> UInt16 {
        var unit: UInt16 = 0
        for position in index..<(index + 4) {
            guard position < count else { throw endError("inside a \\u escape") }
            guard let digit = Self.hexValue(byte(at: position)) else {
                throw JSONError(.invalidEscape, at: escape, "\\u must be followed by four hex digits")
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// The value of an ASCII hex digit, nil for any other byte.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Where a scanned string lies: its quotes' offsets, and whether it has escapes to resolve.
struct StringToken {
    /// Offset of the opening quote.
    var start: Int
    /// Offset of the closing quote.
    var end: Int
    /// Whether the content holds a backslash (so its bytes differ from its value).
    var hasEscapes: Bool

    /// The bytes between the quotes.
    @inline(__always)
    func content(in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[(start + 1)..<end])
    }
}
