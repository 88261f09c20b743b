@testable import JSON
import Testing

/// The reader is not incremental: it is handed whole documents. So the split-at-every-offset
/// property becomes: every proper prefix is refused cleanly, always as "unexpected end" at the
/// prefix's end (so a caller can tell "need more bytes" from "malformed"), and damaged documents
/// fail with a `JSONError`, never a crash, with the validator and the reader agreeing.
@Suite struct JSONPrefixAndMutationTests {
    static let documents: [String] = [
        #"{"requestId":"3f2a-4b","file":"rulebooks/catan/page-007-img-03.png","hash":"00ff00ff00ff00ff","width":1024,"height":768,"format":"png","duration_ms":12.345,"confidence":0.875,"lowConfidence":false}"#,
        #"{"name":"lcm_queue_length","value":12.5,"labels":{"instance":"dhash-1","env":"production","format":"png","route":"/api/dhash/extract"}}"#,
        "{\"s\":\"tab\\t quote\\\" é 中 😀 \\ud83d\\ude00 \\u00e9\\/\",\"n\":[-0,0.5,-1.25e-7,1E+21,123456789012345678901234567890],\"l\":[true,false,null],\"o\":{\"\":{},\"x\":[[]]}}",
        "{ \"spaced\" :\t[ 1 ,\n 2 ] ,\r\n \"k\" : { } }",
    ]

    @Test(arguments: documents)
    func everyProperPrefixEndsUnexpectedly(document: String) throws {
        let bytes = Array(document.utf8)
        try JSONValidator.validateObject(bytes)
        try readWholeDocument(bytes)
        for length in 0..<bytes.count {
            let prefix = Array(bytes[0..<length])
            let readerError = jsonError { try readWholeDocument(prefix) }
            #expect(readerError?.code == .unexpectedEnd && readerError?.offset == length, "prefix of \(length) bytes: \(String(describing: readerError))")
            let validatorError = jsonError { try JSONValidator.validateObject(prefix) }
            let expected: JSONError.Code = prefix.contains(UInt8(ascii: "{")) ? .unexpectedEnd : .notAnObject
            #expect(validatorError?.code == expected, "prefix of \(length) bytes")
        }
    }

    @Test(arguments: documents)
    func typedReadsOfEveryPrefixFailCleanly(document: String) {
        let bytes = Array(document.utf8)
        for length in 0..<bytes.count {
            // A decoder that reads every value by kind, all the way down.
            let error = jsonError { try withReader(Array(bytes[0..<length])) { reader in try Self.readAll(&reader); try reader.finish() } }
            #expect(error?.code == .unexpectedEnd)
        }
    }

    @Test func damagedDocumentsFailCleanlyAndTheValidatorAndReaderAgree() throws {
        var random = SeededRandom(state: 2026)
        let interesting: [UInt8] = Array(#"{}[]:,"\/-+.0123456789eEtruefalsn "#.utf8) + [0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]
        var accepted = 0
        for round in 0..<30_000 {
            var bytes = Array(Self.documents[round % Self.documents.count].utf8)
            for _ in 0...(random.next() % 3) {
                let position = Int(random.next() % UInt64(bytes.count))
                let byte = interesting[Int(random.next() % UInt64(interesting.count))]
                switch random.next() % 3 {
                case 0: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                default: bytes.remove(at: position)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            let validator = jsonError { try JSONValidator.validateObject(bytes) }
            let reader = jsonError { try readWholeDocument(bytes) }
            let typed = jsonError { try withReader(bytes) { reader in try Self.readAll(&reader); try reader.finish() } }
            if bytes.first == UInt8(ascii: "{") {
                #expect(validator == reader, "\(bytes)")
            }
            #expect(typed?.code == reader?.code || typed?.code == .numberOutOfRange, "\(bytes)")
            if validator == nil {
                accepted += 1
                let minified = try JSONValidator.minifiedObject(bytes)
                #expect(try JSONValidator.minifiedObject(minified) == minified)
            }
        }
        #expect(accepted > 100)  // the mutations leave some documents valid, exercising both paths
    }

    /// Reads any value with the typed calls (numbers as doubles).
    static func readAll(_ reader: inout JSONReader) throws {
        switch try reader.peekKind() {
        case .object:
            var object = try reader.beginObject()
            while try reader.nextKey(in: &object) != nil { try readAll(&reader) }
        case .array:
            var array = try reader.beginArray()
            while try reader.nextElement(in: &array) { try readAll(&reader) }
        case .string: _ = try reader.readString()
        case .number: _ = try reader.readDouble()
        case .bool: _ = try reader.readBool()
        case .null: try reader.readNull()
        }
    }
}
