/// User input made safe to quote inside a one-line error: control characters escaped, long
/// values cut. Every error that echoes something the user typed or sent goes through this.
///
/// `\` becomes `\\`, LF `\n`, CR `\r`, tab `\t`, every other C0 or C1 control, DEL and the
/// Unicode line and paragraph separators `\uXXXX` (as JSON writes them), so the echo can never
/// break the line or drive the terminal. The escaped text is cut to at most `byteLimit` UTF-8
/// bytes, never inside an escape or a character's encoding, and `…` marks the cut.
///
///     "unknown option '\(Echoed(word))'"
package struct Echoed: CustomStringConvertible, Sendable {
    /// The most UTF-8 bytes of escaped text an echo shows before `…`.
    package static let byteLimit = 200

    private let value: String

    /// Echoes `value`.
    package init(_ value: String) { self.value = value }

    /// The escaped, possibly cut, text.
    package var description: String {
        var result = ""
        var byteCount = 0
        for scalar in value.unicodeScalars {
            let piece = Echoed.escaped(scalar)
            byteCount += piece.utf8.count
            guard byteCount <= Echoed.byteLimit else { return result + "…" }
            result += piece
        }
        return result
    }

    /// `text` with every character that could break a line or drive a terminal escaped, and
    /// nothing cut: the last guard on a whole error line before it is printed.
    package static func escapingControlCharacters(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            // Backslashes stay: this pass runs over whole messages, whose echoes are already escaped.
            result += scalar == "\\" ? "\\" : escaped(scalar)
        }
        return result
    }

    /// One scalar as an echo shows it.
    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029:
            let hex = String(scalar.value, radix: 16, uppercase: false)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default:
            return String(scalar)
        }
    }
}
