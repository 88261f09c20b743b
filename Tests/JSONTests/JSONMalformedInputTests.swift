@testable import JSON
import Testing

/// One malformed document and the error every strict entry point must report for it.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    let bytes: [UInt8]
    let code: JSONError.Code
    let offset: Int

    init(_ text: String, _ code: JSONError.Code, _ offset: Int) {
        self.init(bytes: Array(text.utf8), code, offset)
    }

    /// A document `{"a":"<bytes>"}` whose string holds `inner` raw bytes.
    init(stringBytes inner: [UInt8], _ code: JSONError.Code, _ offset: Int) {
        self.init(bytes: Array(#"{"a":""#.utf8) + inner + Array(#""}"#.utf8), code, offset)
    }

    init(bytes: [UInt8], _ code: JSONError.Code, _ offset: Int) {
        self.bytes = bytes
        self.code = code
        self.offset = offset
    }

    var testDescription: String { String(decoding: bytes, as: UTF8.self).debugDescription }
}

@Suite struct JSONMalformedInputTests {
    static let cases: [MalformedCase] = [
        // Commas, colons, brackets.
        MalformedCase(#"{"a":1,}"#, .trailingComma, 6),
        MalformedCase(#"{"a":[1,]}"#, .trailingComma, 7),
        MalformedCase(#"{"a":[1, ]}"#, .trailingComma, 7),
        MalformedCase(#"{"a":[,1]}"#, .unexpectedByte, 6),
        MalformedCase(#"{,}"#, .unexpectedByte, 1),
        MalformedCase(#"{"a":1,,"b":2}"#, .unexpectedByte, 7),
        MalformedCase(#"{"a" 1}"#, .unexpectedByte, 5),
        MalformedCase(#"{"a"::1}"#, .unexpectedByte, 5),
        MalformedCase(#"{"a":1 "b":2}"#, .unexpectedByte, 7),
        MalformedCase(#"{"a":[1 2]}"#, .unexpectedByte, 8),
        MalformedCase(#"{"a":[1]]"#, .unexpectedByte, 8),
        MalformedCase(#"{'a':1}"#, .unexpectedByte, 1),
        MalformedCase(#"{a:1}"#, .unexpectedByte, 1),
        MalformedCase(#"{1:1}"#, .unexpectedByte, 1),
        MalformedCase(#"{"a":'x'}"#, .unexpectedByte, 5),
        MalformedCase(#"{"a":/*c*/1}"#, .unexpectedByte, 5),
        MalformedCase("{\"a\":\u{FF11}}", .unexpectedByte, 5),  // a fullwidth digit
        // Numbers.
        MalformedCase(#"{"a":01}"#, .leadingZero, 5),
        MalformedCase(#"{"a":-01}"#, .leadingZero, 5),
        MalformedCase(#"{"a":00.5}"#, .leadingZero, 5),
        MalformedCase(#"{"a":1.}"#, .invalidNumber, 7),
        MalformedCase(#"{"a":.5}"#, .invalidNumber, 5),
        MalformedCase(#"{"a":+1}"#, .invalidNumber, 5),
        MalformedCase(#"{"a":-}"#, .invalidNumber, 6),
        MalformedCase(#"{"a":1e}"#, .invalidNumber, 7),
        MalformedCase(#"{"a":1e+}"#, .invalidNumber, 8),
        MalformedCase(#"{"a":1.e5}"#, .invalidNumber, 7),
        MalformedCase(#"{"a":-Infinity}"#, .invalidNumber, 6),
        MalformedCase(#"{"a":0x10}"#, .unexpectedByte, 6),
        MalformedCase(#"{"a":1.5e3.2}"#, .unexpectedByte, 10),
        // Literals.
        MalformedCase(#"{"a":NaN}"#, .invalidLiteral, 5),
        MalformedCase(#"{"a":Infinity}"#, .invalidLiteral, 5),
        MalformedCase(#"{"a":tru}"#, .invalidLiteral, 5),
        MalformedCase(#"{"a":nul}"#, .invalidLiteral, 5),
        MalformedCase(#"{"a":True}"#, .invalidLiteral, 5),
        MalformedCase(#"{"a":undefined}"#, .invalidLiteral, 5),
        // Escapes and surrogates.
        MalformedCase(#"{"a":"\x"}"#, .invalidEscape, 6),
        MalformedCase(#"{"a":"\u12G4"}"#, .invalidEscape, 6),
        MalformedCase(#"{"a":"\u00"}"#, .invalidEscape, 6),
        MalformedCase(#"{"a":"\U0041"}"#, .invalidEscape, 6),
        MalformedCase(#"{"a":"\ud800"}"#, .loneSurrogate, 6),
        MalformedCase(#"{"a":"\udc00"}"#, .loneSurrogate, 6),
        MalformedCase(#"{"a":"\ud800\u0041"}"#, .loneSurrogate, 6),
        MalformedCase(#"{"a":"\ud800\n"}"#, .loneSurrogate, 6),
        MalformedCase(#"{"a":"x\uDBFF\uDBFF"}"#, .loneSurrogate, 7),
        // Control characters and UTF-8.
        MalformedCase(stringBytes: [0x09], .controlCharacter, 6),
        MalformedCase(stringBytes: [0x00], .controlCharacter, 6),
        MalformedCase(stringBytes: [0x61, 0x0A], .controlCharacter, 7),
        MalformedCase(stringBytes: [0x1F], .controlCharacter, 6),
        MalformedCase(stringBytes: [0xFF], .invalidUTF8, 6),
        MalformedCase(stringBytes: [0xC0, 0x80], .invalidUTF8, 6),              // overlong NUL
        MalformedCase(stringBytes: [0xE0, 0x80, 0xAF], .invalidUTF8, 6),        // overlong '/'
        MalformedCase(stringBytes: [0xED, 0xA0, 0x80], .invalidUTF8, 6),        // encoded surrogate
        MalformedCase(stringBytes: [0xF4, 0x90, 0x80, 0x80], .invalidUTF8, 6),  // above U+10FFFF
        MalformedCase(stringBytes: [0xF8, 0x88, 0x80, 0x80, 0x80], .invalidUTF8, 6),
        MalformedCase(stringBytes: [0x80], .invalidUTF8, 6),                    // stray continuation
        MalformedCase(stringBytes: [0x61, 0x62, 0xC3], .invalidUTF8, 8),        // cut off by the quote
        MalformedCase(stringBytes: Array("abcdefgh".utf8) + [0xE2, 0x28, 0xA1], .invalidUTF8, 14),
        MalformedCase(bytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], .invalidUTF8, 2),  // in a key
        // Keys.
        MalformedCase(#"{"a":1,"a":2}"#, .duplicateKey, 7),
        MalformedCase(#"{"a":1,"\u0061":2}"#, .duplicateKey, 7),
        MalformedCase(#"{"\/":1,"/":2}"#, .duplicateKey, 8),
        MalformedCase(#"{"":1,"":2}"#, .duplicateKey, 6),
        MalformedCase(#"{"a":{"b":1,"b":2}}"#, .duplicateKey, 12),
        MalformedCase(#"{"a":[{"x":1},{"x":1,"x":1}]}"#, .duplicateKey, 21),
        // What follows the object.
        MalformedCase(#"{"a":1}}"#, .trailingBytes, 7),
        MalformedCase(#"{"a":1} x"#, .trailingBytes, 8),
        MalformedCase(#"{"a":1}{}"#, .trailingBytes, 7),
        MalformedCase(#"{"a":1}//"#, .trailingBytes, 7),
        MalformedCase("{\"a\":1}\u{0}", .trailingBytes, 7),
        MalformedCase("{\"a\":1}\u{C}", .trailingBytes, 7),                     // form feed is not JSON whitespace
        // Cut short.
        MalformedCase(#"{"a":1"#, .unexpectedEnd, 6),
        MalformedCase(#"{"a":"x"#, .unexpectedEnd, 7),
        MalformedCase(#"{"a":[1,2"#, .unexpectedEnd, 9),
        MalformedCase(#"{"#, .unexpectedEnd, 1),
    ]

    @Test(arguments: cases)
    func theValidatorReportsTheCodeAndOffset(_ malformed: MalformedCase) {
        let error = jsonError { try JSONValidator.validateObject(malformed.bytes) }
        #expect(error?.code == malformed.code)
        #expect(error?.offset == malformed.offset)
        #expect(jsonError { _ = try JSONValidator.minifiedObject(malformed.bytes) } == error)
    }

    @Test(arguments: cases)
    func theReaderReportsTheSameError(_ malformed: MalformedCase) {
        let error = jsonError { try readWholeDocument(malformed.bytes) }
        #expect(error?.code == malformed.code)
        #expect(error?.offset == malformed.offset)
    }

    @Test func thereAreAtLeastFortyCasesCoveringEverySyntaxCode() {
        #expect(Self.cases.count >= 40)
        let syntaxCodes: Set<JSONError.Code> = [.unexpectedEnd, .unexpectedByte, .trailingComma, .invalidLiteral, .invalidNumber, .leadingZero,
                                                .controlCharacter, .invalidEscape, .loneSurrogate, .invalidUTF8, .duplicateKey, .trailingBytes]
        #expect(Set(Self.cases.map(\.code)) == syntaxCodes)
    }

    @Test(arguments: [
        ("", JSONError.Code.notAnObject, 0, JSONError.Code?.some(.unexpectedEnd), 0),
        ("   ", .notAnObject, 0, .unexpectedEnd, 3),
        ("[1]", .notAnObject, 0, nil, 0),
        ("\"x\"", .notAnObject, 0, nil, 0),
        ("\u{FEFF}{}", .notAnObject, 0, .unexpectedByte, 0),   // a byte order mark
        (" 1", .notAnObject, 1, nil, 0),
    ])
    func topLevelValuesOtherThanObjects(text: String, validatorCode: JSONError.Code, validatorOffset: Int, readerCode: JSONError.Code?, readerOffset: Int) {
        let validator = jsonError { try JSONValidator.validateObject(Array(text.utf8)) }
        #expect(validator?.code == validatorCode && validator?.offset == validatorOffset)
        let reader = jsonError { try readWholeDocument(Array(text.utf8)) }
        #expect(reader?.code == readerCode)
        if readerCode != nil { #expect(reader?.offset == readerOffset) }
    }

    @Test(arguments: [3, 15, 16, 17, 40, 500])
    func duplicatesAreFoundInObjectsOfAnySize(keys: Int) {
        let members = (0..<keys).map { #""k\#($0)":\#($0)"# }
        #expect(jsonError { try JSONValidator.validateObject(Array(("{" + members.joined(separator: ",") + "}").utf8)) } == nil)
        for duplicate in Set([0, keys / 2, keys - 1]) {
            let prefix = "{" + members.joined(separator: ",") + ","
            let text = prefix + #""k\#(duplicate)":0}"#
            let error = jsonError { try JSONValidator.validateObject(Array(text.utf8)) }
            #expect(error?.code == .duplicateKey)
            #expect(error?.offset == prefix.utf8.count)
            // Escaped spellings of the same key are the same key, in the table too.
            let escaped = prefix + #""\u006b\#(duplicate)":0}"#
            #expect(jsonError { try JSONValidator.validateObject(Array(escaped.utf8)) }?.code == .duplicateKey)
        }
    }

    @Test func errorTextIsOneLineEvenForHostileKeys() {
        let key = String(repeating: "\n\u{1B}[31m", count: 20)
        var writer = JSONWriter()
        writer.writeObject { w in w.write(1, forKey: key); w.write(2, forKey: key) }
        let text = Array(String(decoding: (try? writer.finish()) ?? [], as: UTF8.self).utf8)
        #expect(text.isEmpty)  // refused: duplicate
        let document = "{" + [1, 2].map { _ in JSONStringLiteral(key) + ":1" }.joined(separator: ",") + "}"
        let error = jsonError { try JSONValidator.validateObject(Array(document.utf8)) }
        #expect(error?.code == .duplicateKey)
        #expect(error.map { !$0.description.contains("\n") && !$0.description.contains("\u{1B}") && $0.description.count < 200 } == true)
    }
}

/// `text` as a JSON string literal, by the writer under test.
func JSONStringLiteral(_ text: String) -> String { written { $0.write(text) } }
