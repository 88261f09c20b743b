/// The grammar both parsers apply to field lines and chunk-size lines (RFC 9112 §5, §7.1), with
/// what is wrong as text; each parser turns a problem into its own error.
enum HTTPSyntax {
    /// `name: value` from a field line; a reason for obs-fold, a bad name or a control character in the value.
    static func field(_ line: ArraySlice<UInt8>, what: String) -> Result<HTTPFields.Field, Problem> {
        if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
            return .failure(Problem("obsolete line folding in a \(what) field"))
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
              line[..<colon].allSatisfy(isTokenByte) else {
            return .failure(Problem("malformed \(what) field"))
        }
        let value = line[(colon + 1)...]
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            return .failure(Problem("control character in a \(what) field value"))
        }
        let name = String(decoding: line[..<colon], as: UTF8.self)
        return .success(HTTPFields.Field(name: name, value: HTTPFields.trimmed(Substring(String(decoding: value, as: UTF8.self)))))
    }

    /// What a chunk-size line says, extensions checked for control bytes and otherwise ignored.
    enum ChunkSize: Sendable, Hashable {
        /// The chunk's size (0: the last chunk).
        case size(Int)
        /// The line is not a chunk size.
        case malformed(String)
        /// The chunk would take the body past `limit` bytes.
        case tooLarge
    }

    /// The size on a chunk-size line, given `total` body bytes so far and a body limit of `limit`.
    static func chunkSize(_ line: ArraySlice<UInt8>, total: Int, limit: Int) -> ChunkSize {
        let digits = line.prefix(while: isHexDigit)
        guard !digits.isEmpty else { return .malformed("malformed chunk size") }
        var size = 0
        for digit in digits {
            let (shifted, overflow) = size.multipliedReportingOverflow(by: 16)
            guard !overflow else { return .tooLarge }
            size = shifted + hexValue(digit)
            if size > limit { return .tooLarge }
        }
        let rest = line[digits.endIndex...].drop { $0 == 0x20 || $0 == 0x09 }
        if let first = rest.first, first != UInt8(ascii: ";") { return .malformed("malformed chunk size") }
        guard rest.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            return .malformed("control character in a chunk extension")
        }
        return size > limit - total ? .tooLarge : .size(size)
    }

    /// A Content-Length value (all of its comma-separated elements equal); nil when malformed or differing.
    static func contentLength(_ values: [String]) -> Result<Int, Problem> {
        var length: Int?
        for element in values.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let digits = HTTPFields.trimmed(element).utf8
            guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(isDigit), let value = Int(String(decoding: digits, as: UTF8.self)) else {
                return .failure(Problem("malformed Content-Length"))
            }
            if let length, length != value { return .failure(Problem("differing Content-Length values")) }
            length = value
        }
        guard let length else { return .failure(Problem("malformed Content-Length")) }
        return .success(length)
    }

    /// Why a line was refused, in words.
    struct Problem: Error, Sendable, Hashable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    // MARK: Character classes

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    static func hexValue(_ byte: UInt8) -> Int {
        if isDigit(byte) { return Int(byte - UInt8(ascii: "0")) }
        return Int(HTTPFields.lowercase(byte) - UInt8(ascii: "a")) + 10
    }

    /// `tchar` (RFC 9110 §5.6.2): the bytes of methods and field names.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
