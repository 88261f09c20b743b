@testable import JSON
import Testing

/// Cases in the style of Nicolas Seriot's JSONTestSuite (y_ must be accepted, n_ refused, i_
/// left to the implementation), written inline from its classic categories; nothing is
/// downloaded.
@Suite struct JSONTestSuiteTests {
    /// Documents every RFC 8259 parser must accept.
    static let accepted: [String] = [
        "[[]   ]", #"[""]"#, "[]", #"["a"]"#, "[false]", #"[null, 1, "1", {}]"#, "[null]", "[1\n]", " [1]",
        "[1,null,null,null,2]", "[2] ", "[123e65]", "[0e+1]", "[0e1]", "[ 4]",
        "[-0.000000000000000000000000000000000000000000000000000000000000000000000000000001]\n",
        "[20e1]", "[-0]", "[-123]", "[-1]", "[1E22]", "[1E-2]", "[1E+2]", "[123e45]", "[123.456e78]", "[1e-2]", "[1e+2]",
        "[123]", "[123.456789]", "[1.0]", "[0]", "[-0.0]", "[0.5e-10]",
        #"{"asd":"sdf", "dfg":"fgh"}"#, #"{"asd":"sdf"}"#, "{}", #"{"":0}"#, #"{"foo\u0000bar": 42}"#,
        #"{ "min": -1.0e+28, "max": 1.0e+28 }"#, #"{"x":[{"id": "xxx"}], "id": "xxx"}"#, #"{"a":[]}"#,
        #"{"title":"\u041f\u043e\u043b\u0442\u043e\u0440\u0430 \u0417\u0435\u043c\u043b\u0435\u043a\u043e\u043f\u0430" }"#,
        "{\n\"a\": \"b\"\n}", #"{"a":"b","b":"a"}"#,
        #"["\u0060\u012a\u12AB"]"#, #"["\uD801\udc37"]"#, #"["\ud83d\ude39\ud83d\udc8d"]"#, #"["\"\\\/\b\f\n\r\t"]"#,
        #"["\\u0000"]"#, #"["\""]"#, #"["a/*b*/c/*d//e"]"#, #"["\\a"]"#, #"["\\n"]"#, #"["\u0012"]"#, #"["\uFFFF"]"#,
        #"["asd"]"#, #"[ "asd"]"#, #"["\uDBFF\uDFFF"]"#, #"["new\u00A0line"]"#, "[\"\u{10FFFF}\"]", #"["\u0000"]"#,
        #"["\u002c"]"#, "[\"π\"]", "[\"\u{1BFFF}\"]", #"["asd "]"#, #"" ""#, #"["\uD834\uDd1e"]"#, #"["\u0821"]"#,
        #"["\u0123"]"#, "[\"\u{2028}\"]", "[\"\u{2029}\"]", #"["\u0061\u30af\u30EA\u30b9"]"#, #"["new\u000Aline"]"#,
        "[\"\u{7F}\"]", #"["\uA66D"]"#, #"["\u005C"]"#, "[\"⍂㈴⍂\"]", #"["\uDBFF\uDFFE"]"#, #"["\uD83F\uDFFE"]"#,
        #"["\u200B"]"#, #"["\u2064"]"#, #"["\uFDD0"]"#, #"["\uFFFE"]"#, "[\"€𝄞\"]", "[\"a\u{7F}a\"]",
        "[true]", "false", "42", "-0.1", "null", #""asd""#, "true", "[] ", #""""#, "[1,false]", " [] ", "[\n]",
        "{\"a\":\t[ \r\n ]}", String(repeating: "[", count: 64) + String(repeating: "]", count: 64),
    ]

    /// Documents every RFC 8259 parser must refuse.
    static let refused: [String] = [
        "[1 true]", "[a\u{E5}]", #"["": 1]"#, #"[""],"#, "[,1]", "[1,,2]", #"["x",,]"#, #"["x"]]"#, #"["",]"#, #"["x""#,
        "[x", "[3[4]]", "[1:2]", "[,]", "[-]", #"[   , ""]"#, "[\"a\",\n4\n,1,", "[1,]", "[1,,]", "[*]", #"[""#, "[1,",
        "[1,\n1\n,1", "[{}", #"["a" "b"]"#, "[++1234]", "[+1]", "[+Inf]", "[-01]", "[-1.0.]", "[-2.]", "[-NaN]", "[.-1]",
        "[.2e-3]", "[0.1.2]", "[0.3e+]", "[0.3e]", "[0.e1]", "[0E+]", "[0E]", "[0e+]", "[0e]", "[1.0e+]", "[1.0e-]",
        "[1.0e]", "[1 000.0]", "[1eE2]", "[2.e+3]", "[2.e-3]", "[2.e3]", "[9.e+]", "[Inf]", "[NaN]", "[012]", "[-012]",
        "[1.]", "[.123]", "[1e]", "[0x1]", "[0x42]", "[Infinity]", "[-Infinity]", "[0e+-1]", "[-foo]", "[- 1]", "[1ea]",
        "[1.8011670033376514H-308]", "[1.2a-3]", "[-1x]", "[1+2]", "[\u{FF11}]", "[0.e]", "[-.123]", "[1e+-2]",
        #"{"x", null}"#, #"{"x"::"b"}"#, "{\u{1F1E8}\u{1F1ED}}", #"{"a" b}"#, "{key: 'value'}", #"{"a":"a" 123}"#, #"{"a" "b"}"#,
        #"{:"b"}"#, #"{"a":"b"}/**/"#, #"{"a":"b"}/**//"#, #"{"a":"b"}//"#, #"{"a":"b"}/"#, #"{"a":"b",,"c":"d"}"#,
        #"{a: "b"}"#, #"{"a":"a"#, #"{ "foo" : "bar", "a" }"#, #"{"a":"b"}#"#, "{1:1}", "{9999E9999:1}",
        "{null:null,null:null}", #"{"id":0,,,,,}"#, "{'a':0}", #"{"id":0,}"#, #"{"a":/*comment*/"b"}"#,
        #"{"a": true} "x""#, #"{"a""#, #"{"a":"#, #"{"a" :"#, "{,", #"{"":"#, #"{"a":"b",}"#, "{[: \"x\"}\n",
        "[\"\u{0}\"]", #"["\x00"]"#, #"["\uD800\"]"#, #"["\uD800\u"]"#, #"["\uD800\u1"]"#, #"["\uD800\u1x"]"#, "[é]",
        #"["\a"]"#, #"["\u00A"]"#, #"["\uqqqq"]"#, #"["\u0"]"#, #"["\'"]"#, "[\"new\nline\"]", "[\"\t\"]",
        "[\"a\u{1}a\"]", #""\UA66D""#, "\"", "['single quote']", "abc", #"["\"#, "\"\\", "[\"\\\t\"]",
        "", " ", "[", "{", "]", "}", "[[]", "<.>", "[<null>]", "[1]x", "[]]", "[1][2]", "{}{}", "tru", "nul", "fals",
        "True", "NULL", "[True]", "[nul]", "[truth]", "a", "*", "2@", "[\u{C}]", "\u{FEFF}", "[1]\u{0}", "\u{0}",
        "[\"a\"\u{C}]", "[\u{A0}1]", "[\u{2028}]", "//", "/* */ []", "[1] // x",
    ]

    /// Documents that break RFC 8259 only as byte sequences (invalid UTF-8), refused.
    static let refusedBytes: [[UInt8]] = [
        [0x5B, 0x22, 0xFF, 0x22, 0x5D], [0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D], [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D],
        [0x5B, 0x22, 0xF4, 0xBF, 0xBF, 0xBF, 0x22, 0x5D], [0x5B, 0x22, 0x81, 0x22, 0x5D], [0x5B, 0x22, 0xE9, 0x22, 0x5D],
        [0x5B, 0x22, 0xE0, 0xFF, 0x22, 0x5D], [0x5B, 0x22, 0xFC, 0x80, 0x80, 0x80, 0x80, 0x80, 0x22, 0x5D],
        [0x5B, 0x22, 0xF0, 0x80, 0x80, 0x80, 0x22, 0x5D], [0x5B, 0xFF, 0x5D], [0xEF, 0xBB, 0xBF, 0x5B, 0x5D],
    ]

    @Test(arguments: accepted)
    func accepts(document: String) throws {
        try readWholeDocument(Array(document.utf8))
        if document.drop(while: { $0 == " " || $0 == "\n" }).hasPrefix("{") {
            try JSONValidator.validateObject(Array(document.utf8))
        }
    }

    @Test(arguments: refused)
    func refuses(document: String) {
        #expect(jsonError { try readWholeDocument(Array(document.utf8)) } != nil)
        #expect(jsonError { try JSONValidator.validateObject(Array(document.utf8)) } != nil)
    }

    @Test(arguments: refusedBytes)
    func refusesMalformedUTF8(bytes: [UInt8]) {
        #expect(jsonError { try readWholeDocument(bytes) } != nil)
    }

    /// The implementation-defined cases, as this codec decides them (documented in JSONReader).
    @Test func implementationDefinedChoices() throws {
        // Duplicate keys: refused (JSONTestSuite lists them as y_object_duplicated_key).
        #expect(jsonError { try readWholeDocument(Array(#"{"a":"b","a":"c"}"#.utf8)) }?.code == .duplicateKey)
        #expect(jsonError { try readWholeDocument(Array(#"{"a":"b","a":"b"}"#.utf8)) }?.code == .duplicateKey)
        // Unpaired surrogate escapes: refused.
        for text in [#"["\uDADA"]"#, #"["\uD888\u1234"]"#, #"["\uDd1ea"]"#, #"["\uD800\uD800\n"]"#] {
            #expect(jsonError { try readWholeDocument(Array(text.utf8)) }?.code == .loneSurrogate, "\(text)")
        }
        // Huge exponents and long integers: valid grammar; typed reads decide.
        try readWholeDocument(Array("[1e99999, -1e-99999, 100000000000000000000000000000000]".utf8))
        #expect(jsonError { try withReader("1e99999") { _ = try $0.readDouble() } }?.code == .numberOutOfRange)
        #expect(try withReader("100000000000000000000000000000000") { try $0.readDouble() } == 1e32)
        // Nesting: 64 levels by default, configurable up to 512.
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(jsonError { try readWholeDocument(Array(deep.utf8)) }?.code == .tooDeep)
        try readWholeDocument(Array(deep.utf8), maximumDepth: 500)
        // A byte order mark is not whitespace: refused.
        #expect(jsonError { try readWholeDocument([0xEF, 0xBB, 0xBF, 0x7B, 0x7D]) }?.code == .unexpectedByte)
    }
}
