@testable import JSON
import Testing

@Suite struct JSONValidatorTests {
    @Test(arguments: [
        ("{}", "{}"),
        (" { } ", "{}"),
        ("{\n  \"a\" : [ 1 , 2.5e-3 , \"x y\\\" \" ] ,\t\"b\" : { } \r\n}", #"{"a":[1,2.5e-3,"x y\" "],"b":{}}"#),
        (#"{"keep":"  spaces  and \\ \" inside strings ","n":-0.0}"#, #"{"keep":"  spaces  and \\ \" inside strings ","n":-0.0}"#),
        ("{\"z\":1,\"a\":2}", "{\"z\":1,\"a\":2}"),              // key order kept: the bytes are hashed
        (#"{"e":"\u00e9\/"}"#, #"{"e":"\u00e9\/"}"#),            // escapes kept as written
        ("{\"\\\\\":\"\\\\\" }", #"{"\\":"\\"}"#),
    ])
    func minifyingRemovesOnlyWhitespaceOutsideStrings(text: String, minified: String) throws {
        #expect(try JSONValidator.minifiedObject(Array(text.utf8)) == Array(minified.utf8))
        #expect(try JSONValidator.minifiedObject(text.utf8) == Array(minified.utf8))  // a non-array collection
        try JSONValidator.validateObject(Array(text.utf8))
    }

    @Test func minifiedInputIsReturnedAsIs() throws {
        let text = Array(JSONPrefixAndMutationTests.documents[0].utf8)
        #expect(try JSONValidator.minifiedObject(text) == text)
    }

    @Test func agreesWithTheJournalsValidatorOnTheSameInputs() throws {
        // What the journal's own minifier (Sources/Journal/JSONValidator.swift) accepts, this one
        // accepts with the same bytes; and what it refuses, this one refuses.
        let accepted = [#"{"a": [1, 2.5e-3, "x\"y"], "b": {}}"#, "{}", #"{"u":"\ud83d\ude00"}"#, #"{"deep":{"a":{"b":[[[]]]}}}"#]
        let expected = [#"{"a":[1,2.5e-3,"x\"y"],"b":{}}"#, "{}", #"{"u":"\ud83d\ude00"}"#, #"{"deep":{"a":{"b":[[[]]]}}}"#]
        for (text, minified) in zip(accepted, expected) {
            #expect(try JSONValidator.minifiedObject(Array(text.utf8)) == Array(minified.utf8))
        }
        for text in ["[]", "{", #"{"a":}"#, #"{"a":1,}"#, "{} {}", #"{"a":01}"#, #"{"a":"\x"}"#, "{\"a\":\"\u{01}\"}", "1", #"{"a":tru}"#] {
            #expect(jsonError { _ = try JSONValidator.minifiedObject(Array(text.utf8)) } != nil, "\(text)")
        }
        // The difference: duplicate keys are refused here.
        #expect(jsonError { _ = try JSONValidator.minifiedObject(Array(#"{"a":1,"a":1}"#.utf8)) }?.code == .duplicateKey)
    }

    @Test func validatesTheWritersOutput() throws {
        var random = SeededRandom(state: 3)
        for _ in 0..<2_000 {
            let tree = JSONTree.random(using: &random, depth: 0, topLevelObject: true)
            for order in [JSONWriter.KeyOrder.asWritten, .sorted] {
                var writer = JSONWriter(keyOrder: order)
                tree.encode(to: &writer)
                let bytes = try writer.finish()
                try JSONValidator.validateObject(bytes)
                #expect(try JSONValidator.minifiedObject(bytes) == bytes)
            }
        }
    }

    @Test func keysInTheFilterPathAndTheTablePathAgree() {
        // Many keys with equal length and end bytes, so the filter bit collides and the
        // byte comparison decides; then past 16 keys the table decides.
        for count in [2, 16, 17, 64] {
            let keys = (0..<count).map { "a" + String(repeating: "x", count: $0 % 5) + String(UnicodeScalar(UInt8(65 + $0 % 26))) + "z" }
            let unique = Array(Set(keys))
            let text = "{" + unique.map { "\"\($0)\":0" }.joined(separator: ",") + "}"
            #expect(jsonError { try JSONValidator.validateObject(Array(text.utf8)) } == nil)
            let doubled = "{" + (unique + [unique[count / 2 % unique.count]]).map { "\"\($0)\":0" }.joined(separator: ",") + "}"
            #expect(jsonError { try JSONValidator.validateObject(Array(doubled.utf8)) }?.code == .duplicateKey)
        }
    }

    @Test func theMaximumDepthIsConfigurable() throws {
        let nested = #"{"a":{"b":{"c":1}}}"#
        try JSONValidator.validateObject(Array(nested.utf8), maximumDepth: 3)
        #expect(jsonError { try JSONValidator.validateObject(Array(nested.utf8), maximumDepth: 2) } == JSONError(.tooDeep, at: 10, "more than 2 nested objects and arrays"))
    }

    @Test func emptyBuffersAreRefusedNotRead() {
        #expect(jsonError { try JSONValidator.validateObject(UnsafeRawBufferPointer(start: nil, count: 0)) }?.code == .notAnObject)
        #expect(jsonError { _ = try JSONReader.decode(String.self, from: UnsafeRawBufferPointer(start: nil, count: 0)) }?.code == .unexpectedEnd)
    }
}
