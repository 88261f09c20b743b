/// Resolves the escapes of string content the scanner has already checked.
///
/// Because the scanner accepted the content, every backslash starts a complete escape and every
/// high surrogate escape is followed by a low one; the decoding below still never traps on
/// unexpected bytes (it would write U+FFFD), so a caller that skipped the scan cannot crash it.
enum StringUnescaping {
    /// The UTF-8 of checked string `content` with escapes resolved, appended to `output`.
    /// Appends at most `content.count` bytes: no escape is shorter than what it stands for.
    static func append(_ content: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + content.count)
        var runStart = 0
        var index = 0
        let count = content.count
        while index < count {
            guard content[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: content[runStart..<index]))
            index = appendEscape(at: index, of: content, to: &output)
            runStart = index
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: content[runStart..<count]))
    }

    /// Decodes the escape whose backslash is at `index`; returns the index after it.
    private static func appendEscape(at index: Int, of content: UnsafeRawBufferPointer, to output: inout [UInt8]) -> Int {
        guard index + 1 < content.count else {
            output.append(contentsOf: replacementCharacter)
            return content.count
        }
        let simple: UInt8
        switch content[index + 1] {
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            guard let unit = hexQuad(content, at: index + 2) else {
                output.append(contentsOf: replacementCharacter)
                return min(index + 2, content.count)
            }
            var scalar = UInt32(unit)
            var next = index + 6
            if unit & 0xFC00 == 0xD800 {
                if next + 1 < content.count, content[next] == UInt8(ascii: "\\"), content[next + 1] == UInt8(ascii: "u"),
                   let low = hexQuad(content, at: next + 2), low & 0xFC00 == 0xDC00 {
                    scalar = 0x10000 + (UInt32(unit & 0x3FF) << 10 | UInt32(low & 0x3FF))
                    next += 6
                } else {
                    scalar = 0xFFFD
                }
            } else if unit & 0xFC00 == 0xDC00 {
                scalar = 0xFFFD
            }
            appendUTF8(of: scalar, to: &output)
            return next
        default: simple = content[index + 1]  // \" \\ \/
        }
        output.append(simple)
        return index + 2
    }

    /// The four hex digits at `index` as a code unit; nil if they are not there.
    private static func hexQuad(_ content: UnsafeRawBufferPointer, at index: Int) -> UInt16? {
        guard index + 4 <= content.count else { return nil }
        var unit: UInt16 = 0
        for position in index..<(index + 4) {
            guard let digit = JSONScanner.hexValue(content[position]) else { return nil }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// U+FFFD in UTF-8.
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Appends the UTF-8 of `scalar`, which is below 0x110000 and not a surrogate.
    @inline(__always)
    static func appendUTF8(of scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(truncatingIfNeeded: scalar))
        case 0x80..<0x800:
            output.append(0xC0 | UInt8(truncatingIfNeeded: scalar >> 6))
            output.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(0xE0 | UInt8(truncatingIfNeeded: scalar >> 12))
            output.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F))
            output.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        default:
            output.append(0xF0 | UInt8(truncatingIfNeeded: scalar >> 18))
            output.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 12) & 0x3F))
            output.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F))
            output.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        }
    }

    /// The value of checked string content as bytes.
    static func decoded(_ content: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        append(content, to: &output)
        return output
    }
}
