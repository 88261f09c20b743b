// The entry points of the JSON target as they were before the scanner rewrite, over the
// reference scanner: the oracle of ScannerEquivalenceTests.
@testable import JSON

enum Reference {
    /// `JSONValidator.scanObject` as it was: whether the object had whitespace, or the error.
    static func validate(_ bytes: [UInt8], maximumDepth: Int = 64) -> Result<Bool, JSONError> {
        bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) in
                var scanner = ReferenceScanner(raw, maximumDepth: maximumDepth)
                scanner.skipWhitespace()
                guard let first = scanner.current else { throw JSONError(.notAnObject, at: 0, "the input is empty; expected a JSON object") }
                guard first == UInt8(ascii: "{") else {
                    throw JSONError(.notAnObject, at: scanner.offset, "expected '{', found \(JSONError.describe(byte: first))")
                }
                try scanner.scanObject(depth: 0)
                scanner.skipWhitespace()
                guard scanner.offset == raw.count else {
                    throw JSONError(.trailingBytes, at: scanner.offset, "only whitespace may follow the top-level value")
                }
                return scanner.sawWhitespace
            }
        }
    }

    /// `JSONReader.skipValue()` then `finish()` as they were: the error, nil if accepted.
    static func readWholeDocument(_ bytes: [UInt8], maximumDepth: Int = 64) -> JSONError? {
        bytes.withUnsafeBytes { raw in
            do throws(JSONError) {
                var scanner = ReferenceScanner(raw, maximumDepth: maximumDepth)
                scanner.skipWhitespace()
                guard scanner.current != nil else { throw scanner.endError("where a value was expected") }
                try scanner.scanValue(depth: 0)
                scanner.skipWhitespace()
                guard scanner.offset == raw.count else {
                    throw JSONError(.trailingBytes, at: scanner.offset, "only whitespace may follow the top-level value")
                }
                return nil
            } catch {
                return error
            }
        }
    }

    /// `JSONWriter.problem(inRaw:requiresSortedKeys:)` as it was.
    static func rawProblem(_ bytes: [UInt8], requiresSortedKeys: Bool) -> JSONError? {
        bytes.withUnsafeBytes { json in
            var scanner = ReferenceScanner(json, maximumDepth: JSONReader.allowedDepths.upperBound, requiresSortedKeys: requiresSortedKeys)
            do throws(JSONError) {
                scanner.skipWhitespace()
                try scanner.scanValue(depth: 0)
                scanner.skipWhitespace()
            } catch {
                return error
            }
            if scanner.offset != json.count {
                return JSONError(.trailingBytes, at: scanner.offset, "more than one value")
            }
            if scanner.sawWhitespace {
                return JSONError(.notMinified, at: 0, "whitespace outside strings; minify it first (JSONValidator.minifiedObject)")
            }
            return nil
        }
    }
}
