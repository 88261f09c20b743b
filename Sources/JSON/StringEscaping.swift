/// The writer's string form: a quote, the UTF-8 as is except for the characters RFC 8259 says
/// must be escaped, a quote.
///
/// Escaped: `"` → `\"`, `\` → `\\`, U+0008 → `\b`, U+000C → `\f`, U+000A → `\n`, U+000D → `\r`,
/// U+0009 → `\t`, every other U+0000–U+001F → `\u00xx` (lowercase hex). Nothing else is escaped:
/// not `/`, not U+007F, not U+2028/U+2029, not non-ASCII (written as its UTF-8 bytes). The input
/// must be well-formed UTF-8 (`String` always is; the writer checks byte buffers first).
enum StringEscaping {
    /// Whether `byte` must be escaped.
    @inline(__always)
    static func mustEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Whether any byte of `utf8` must be escaped.
    @inline(__always)
    static func needsEscaping(_ utf8: UnsafeRawBufferPointer) -> Bool {
        for byte in utf8 where mustEscape(byte) { return true }
        return false
    }

    /// The length of `utf8` quoted and escaped, when `needsEscaping` said it has escapes.
    static func escapedLength(_ utf8: UnsafeRawBufferPointer) -> Int {
        var length = 2
        for byte in utf8 {
            length += !mustEscape(byte) ? 1 : (escapeLetter(of: byte) != nil ? 2 : 6)
        }
        return length
    }

    /// Writes `utf8` quoted, with no byte needing an escape, at `destination`; returns the bytes
    /// written (`utf8.count + 2`).
    @inline(__always)
    static func writeQuotedPlain(_ utf8: UnsafeRawBufferPointer, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        destination[0] = UInt8(ascii: "\"")
        if let source = utf8.baseAddress {
            UnsafeMutableRawPointer(destination + 1).copyMemory(from: source, byteCount: utf8.count)
        }
        destination[utf8.count + 1] = UInt8(ascii: "\"")
        return utf8.count + 2
    }

    /// Writes `utf8` quoted and escaped at `destination` (`escapedLength` bytes); returns the
    /// bytes written.
    static func writeQuotedEscaped(_ utf8: UnsafeRawBufferPointer, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        var position = 0
        destination[position] = UInt8(ascii: "\"")
        position += 1
        for byte in utf8 {
            guard mustEscape(byte) else {
                destination[position] = byte
                position += 1
                continue
            }
            destination[position] = UInt8(ascii: "\\")
            if let letter = escapeLetter(of: byte) {
                destination[position + 1] = letter
                position += 2
            } else {
                destination[position + 1] = UInt8(ascii: "u")
                destination[position + 2] = UInt8(ascii: "0")
                destination[position + 3] = UInt8(ascii: "0")
                destination[position + 4] = JSONError.hexDigit(byte >> 4)
                destination[position + 5] = JSONError.hexDigit(byte & 0x0F)
                position += 6
            }
        }
        destination[position] = UInt8(ascii: "\"")
        return position + 1
    }

    /// The letter of the two-character escape of `byte` (`"`, `\`, `b`, `f`, `n`, `r`, `t`);
    /// nil for the control characters written as `\u00xx`.
    @inline(__always)
    static func escapeLetter(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        default: nil
        }
    }
}
