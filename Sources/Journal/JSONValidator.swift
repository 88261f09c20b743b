/// A strict RFC 8259 JSON scanner that validates and minifies without building a tree.
///
/// The journal stores event data as minified JSON object bytes and prints them verbatim, so the
/// bytes must be valid JSON; this checks them at append time without Foundation (too slow on the
/// batch path) and without reordering keys (the bytes are hashed).
package enum JSONValidator {
    /// Why text is not acceptable JSON.
    package struct Invalid: Error, CustomStringConvertible {
        /// What is wrong, with the byte offset.
        package var description: String
    }

    /// Nesting deeper than this is rejected so hostile input cannot exhaust the stack.
    package static let maxDepth = 64

    /// `text` without insignificant whitespace; throws unless it is exactly one JSON object.
    package static func minifiedObject(_ text: some Collection<UInt8>) throws(Invalid) -> [UInt8] {
        var scanner = Scanner(Array(text))
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.fail("expected a JSON object") }
        try scanner.value(depth: 0)
        scanner.skipWhitespace()
        guard scanner.index == scanner.input.count else { throw scanner.fail("unexpected text after the JSON value") }
        return scanner.output
    }

    /// The members of a top-level JSON object: each key (unescaped) with its minified value.
    package static func members(ofObject text: some Collection<UInt8>) throws(Invalid) -> [(key: String, value: [UInt8])] {
        var scanner = Scanner(Array(text))
        scanner.skipWhitespace()
        guard scanner.take(UInt8(ascii: "{")) else { throw scanner.fail("expected a JSON object") }
        var members: [(key: String, value: [UInt8])] = []
        scanner.skipWhitespace()
        if !scanner.take(UInt8(ascii: "}")) {
            repeat {
                scanner.skipWhitespace()
                let keyStart = scanner.output.count
                try scanner.string()
                let key = try decodeString(Array(scanner.output[keyStart...]))
                scanner.skipWhitespace()
                guard scanner.take(UInt8(ascii: ":")) else { throw scanner.fail("expected ':' after key") }
                scanner.skipWhitespace()
                let valueStart = scanner.output.count
                try scanner.value(depth: 1)
                members.append((key, Array(scanner.output[valueStart...])))
                scanner.skipWhitespace()
            } while scanner.take(UInt8(ascii: ","))
            guard scanner.take(UInt8(ascii: "}")) else { throw scanner.fail("expected ',' or '}' in object") }
        }
        scanner.skipWhitespace()
        guard scanner.index == scanner.input.count else { throw scanner.fail("unexpected text after the JSON value") }
        return members
    }

    /// The text of a JSON string literal (quotes included, already validated) with escapes resolved.
    package static func decodeString(_ literal: [UInt8]) throws(Invalid) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(literal.count)
        var index = 1
        let end = literal.count - 1
        var pendingHigh: UInt32? = nil
        func appendScalar(_ value: UInt32) {
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            bytes.append(contentsOf: String(Character(scalar)).utf8)
        }
        while index < end {
            let byte = literal[index]
            guard byte == UInt8(ascii: "\\") else {
                if let high = pendingHigh { appendScalar(high); pendingHigh = nil }
                bytes.append(byte); index += 1; continue
            }
            let escape = literal[index + 1]
            index += 2
            if escape == UInt8(ascii: "u") {
                let hex = String(decoding: literal[index..<(index + 4)], as: UTF8.self)
                let unit = UInt32(hex, radix: 16) ?? 0xFFFD
                index += 4
                if let high = pendingHigh, (0xDC00...0xDFFF).contains(unit) {
                    appendScalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
                    pendingHigh = nil
                } else {
                    if let high = pendingHigh { appendScalar(high); pendingHigh = nil }
                    if (0xD800...0xDBFF).contains(unit) { pendingHigh = unit } else { appendScalar(unit) }
                }
                continue
            }
            if let high = pendingHigh { appendScalar(high); pendingHigh = nil }
            switch escape {
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            default: bytes.append(escape)  // \" \\ \/
            }
        }
        if let high = pendingHigh { appendScalar(high) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Walks the input once, copying significant bytes to `output`.
    private struct Scanner {
        let input: [UInt8]
        var index = 0
        var output: [UInt8] = []

        init(_ input: [UInt8]) {
            self.input = input
            output.reserveCapacity(input.count)
        }

        func peek() -> UInt8? { index < input.count ? input[index] : nil }

        func fail(_ what: String) -> Invalid { Invalid(description: "\(what) at byte \(index)") }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            output.append(byte)
            index += 1
            return true
        }

        mutating func skipWhitespace() {
            while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        mutating func value(depth: Int) throws(Invalid) {
            guard depth <= JSONValidator.maxDepth else { throw fail("JSON nested deeper than \(JSONValidator.maxDepth)") }
            guard let byte = peek() else { throw fail("unexpected end of JSON") }
            switch byte {
            case UInt8(ascii: "{"):
                _ = take(byte)
                skipWhitespace()
                if take(UInt8(ascii: "}")) { return }
                repeat {
                    skipWhitespace()
                    try string()
                    skipWhitespace()
                    guard take(UInt8(ascii: ":")) else { throw fail("expected ':' after key") }
                    skipWhitespace()
                    try value(depth: depth + 1)
                    skipWhitespace()
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")) else { throw fail("expected ',' or '}' in object") }
            case UInt8(ascii: "["):
                _ = take(byte)
                skipWhitespace()
                if take(UInt8(ascii: "]")) { return }
                repeat {
                    skipWhitespace()
                    try value(depth: depth + 1)
                    skipWhitespace()
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "]")) else { throw fail("expected ',' or ']' in array") }
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
        }

        mutating func literal(_ word: StaticString) throws(Invalid) {
            let count = word.utf8CodeUnitCount
            guard index + count <= input.count,
                  input[index..<(index + count)].elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
            else { throw fail("invalid literal") }
            output.append(contentsOf: input[index..<(index + count)])
            index += count
        }

        mutating func string() throws(Invalid) {
            guard take(UInt8(ascii: "\"")) else { throw fail("expected a string") }
            let start = index
            while true {
                guard let byte = peek() else { throw fail("unterminated string") }
                if byte == UInt8(ascii: "\"") { break }
                if byte < 0x20 { throw fail("control character in string") }
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    guard let escape = peek() else { throw fail("unterminated escape") }
                    if escape == UInt8(ascii: "u") {
                        guard index + 4 < input.count,
                              input[(index + 1)...(index + 4)].allSatisfy({ Hexadecimal.isDigit($0) })
                        else { throw fail("bad \\u escape") }
                        index += 5
                        continue
                    }
                    guard "\"\\/bfnrt".utf8.contains(escape) else { throw fail("bad escape") }
                }
                index += 1
            }
            guard String(validating: input[start..<index], as: UTF8.self) != nil else {
                index = start
                throw fail("string is not valid UTF-8")
            }
            output.append(contentsOf: input[start..<index])
            _ = take(UInt8(ascii: "\""))
        }

        mutating func number() throws(Invalid) {
            let start = index
            _ = takeRaw(UInt8(ascii: "-"))
            guard let first = peek(), isDigit(first) else { throw fail("invalid value") }
            index += 1
            if first != UInt8(ascii: "0") { while let d = peek(), isDigit(d) { index += 1 } }
            if takeRaw(UInt8(ascii: ".")) {
                guard let d = peek(), isDigit(d) else { throw fail("digit expected after '.'") }
                while let d = peek(), isDigit(d) { index += 1 }
            }
            if takeRaw(UInt8(ascii: "e")) || takeRaw(UInt8(ascii: "E")) {
                if !takeRaw(UInt8(ascii: "+")) { _ = takeRaw(UInt8(ascii: "-")) }
                guard let d = peek(), isDigit(d) else { throw fail("digit expected in exponent") }
                while let d = peek(), isDigit(d) { index += 1 }
            }
            output.append(contentsOf: input[start..<index])
        }

        mutating func takeRaw(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            index += 1
            return true
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    }

    private enum Hexadecimal {
        static func isDigit(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
        }
    }
}
