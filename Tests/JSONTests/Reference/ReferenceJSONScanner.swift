// The scanner as it was before the SWAR/fast-path rewrite (commit 5d38d01), kept verbatim but
// renamed, as the oracle of ScannerEquivalenceTests only. Not used by the JSON target.
@testable import JSON

/// RFC 8259 tokens over borrowed bytes: the one place the grammar's strings, numbers and literals
/// are checked. The reader, the validator and the writer's raw-value check are built on it.
///
/// The scanner does not own its bytes; the caller keeps them alive while it is in use. Errors
/// carry the offset where the problem starts. Every proper prefix of a valid document fails with
/// `.unexpectedEnd` (never with another code), so a caller holding a partial buffer can tell
/// "need more bytes" from "malformed".
struct ReferenceScanner {
    /// The text being scanned.
    let bytes: UnsafeRawBufferPointer
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
    init(_ bytes: UnsafeRawBufferPointer, maximumDepth: Int, requiresSortedKeys: Bool = false) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        self.requiresSortedKeys = requiresSortedKeys
    }

    /// The byte at `offset`, or nil at the end.
    @inline(__always)
    var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    /// Moves past spaces, tabs, line feeds and carriage returns.
    @inline(__always)
    mutating func skipWhitespace() {
        while offset < bytes.count {
            let byte = bytes[offset]
            // Every significant byte is above 0x20, so minified text leaves after one compare.
            guard byte <= 0x20, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            sawWhitespace = true
            offset += 1
        }
    }

    /// The error for input that ends where `what` still needs bytes.
    func endError(_ what: String) -> JSONError {
        JSONError(.unexpectedEnd, at: bytes.count, "the input ends \(what)")
    }

    // MARK: Strings

    /// Scans the string whose opening quote is at `offset` and moves past its closing quote,
    /// checking escapes, surrogate pairs, control characters and UTF-8 on the way.
    @inline(__always)
    mutating func scanString() throws(JSONError) -> ReferenceStringToken {
        let start = offset
        let count = bytes.count
        var index = start + 1
        var hasEscapes = false
        while true {
            while index + 8 <= count {
                let mask = Self.bytesNeedingAttention(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if mask == 0 {
                    index += 8
                    continue
                }
                index += mask.trailingZeroBitCount >> 3
                break
            }
            guard index < count else { throw endError("inside the string that starts at byte \(start)") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                offset = index + 1
                return ReferenceStringToken(start: start, end: index, hasEscapes: hasEscapes)
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
        }
    }

    /// A mask with the high bit set in every byte of `word` that is `"`, `\`, below 0x20 or
    /// above 0x7F. Only the lowest set bit is exact (a borrow can flag bytes above a true hit),
    /// which is all the string loop uses.
    @inline(__always)
    static func bytesNeedingAttention(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let isQuote = (quotes &- ones) & ~quotes
        let isBackslash = (backslashes &- ones) & ~backslashes
        // A byte below 0x20 borrows into its high bit; one above 0x7F has it set already.
        let isControlOrHigh = (word &- ones &* 0x20) | word
        return (isQuote | isBackslash | isControlOrHigh) & (ones &* 0x80)
    }

    /// Checks the escape whose backslash is at `index`; returns the index after it. A high
    /// surrogate escape must be followed at once by a low surrogate escape.
    mutating func scanEscape(at index: Int, inStringAt start: Int) throws(JSONError) -> Int {
        guard index + 1 < bytes.count else { throw endError("inside an escape in the string that starts at byte \(start)") }
        switch bytes[index + 1] {
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
            guard next < bytes.count else { throw endError("after a high surrogate escape") }
            guard bytes[next] == UInt8(ascii: "\\") else { throw lone }
            guard next + 1 < bytes.count else { throw endError("after a high surrogate escape") }
            guard bytes[next + 1] == UInt8(ascii: "u") else { throw lone }
            let low = try hexQuad(at: next + 2, escapeAt: next)
            guard low & 0xFC00 == 0xDC00 else { throw lone }
            return next + 6
        default:
            throw JSONError(.invalidEscape, at: index,
                            "a backslash followed by \(JSONError.describe(byte: bytes[index + 1])) is not an escape; use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
        }
    }

    /// The four hex digits at `index` as a UTF-16 code unit.
    func hexQuad(at index: Int, escapeAt escape: Int) throws(JSONError) -> UInt16 {
        var unit: UInt16 = 0
        for position in index..<(index + 4) {
            guard position < bytes.count else { throw endError("inside a \\u escape") }
            guard let digit = Self.hexValue(bytes[position]) else {
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
struct ReferenceStringToken {
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
