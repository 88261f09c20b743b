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

    /// Appends `utf8` (well-formed UTF-8) as a quoted, escaped JSON string.
    @inline(__always)
    static func appendQuoted(_ utf8: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<utf8.count where mustEscape(utf8[index]) {
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<index]))
            appendEscape(of: utf8[index], to: &output)
            runStart = index + 1
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart...]))
        output.append(UInt8(ascii: "\""))
    }

    /// Appends the escape of `byte`, one that `mustEscape`.
    private static func appendEscape(of byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default:
            output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                       JSONError.hexDigit(byte >> 4), JSONError.hexDigit(byte & 0x0F)])
        }
    }
}
