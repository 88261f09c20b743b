/// A file name made safe for one line of output, escaped the way GNU `sha256sum` escapes it.
///
/// `hash` prints one `<hex>  <file>` line per file, so a name holding a line break would split
/// its record in two and a reader could not tell names from hashes. Like `sha256sum`, a name
/// holding a backslash, LF or CR is written with `\` → `\\`, LF → `\n`, CR → `\r`, and its
/// output line starts with one backslash that tells readers to unescape it. Every other name,
/// spaces included, is printed unchanged. JSON output needs none of this: JSON escapes itself.
package struct EscapedFileName {
    /// The name with backslash, LF and CR escaped; the name itself when it holds none of them.
    package let text: String
    /// True when `text` differs from the name, so a `sha256sum`-style line must start with `\`.
    package let isEscaped: Bool

    /// Escapes `name`.
    package init(_ name: String) {
        var text = ""
        var isEscaped = false
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            default:
                text.unicodeScalars.append(scalar)
                continue
            }
            isEscaped = true
        }
        self.text = text
        self.isEscaped = isEscaped
    }

    /// The `sha256sum`-style line for `hex` and this name: `<hex>  <file>`, led by `\` when escaped.
    package func line(hex: String) -> String {
        (isEscaped ? "\\" : "") + hex + "  " + text
    }
}
