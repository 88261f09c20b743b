@testable import JSON
import Testing

/// A typed decoder written the way the service's decoders are.
private struct Extraction: JSONDecodable, Equatable {
    var hash: String
    var width: Int
    var confidence: Double
    var lowConfidence: Bool
    var match: String?
    var tags: [String]

    init(hash: String, width: Int, confidence: Double, lowConfidence: Bool, match: String?, tags: [String]) {
        (self.hash, self.width, self.confidence, self.lowConfidence, self.match, self.tags) = (hash, width, confidence, lowConfidence, match, tags)
    }

    init(from reader: inout JSONReader) throws(JSONError) {
        var hash: String?, width: Int?, confidence: Double?, lowConfidence: Bool?
        var match: String? = nil
        var tags: [String] = []
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "hash":
                hash = try reader.readString()
                guard hash?.utf8.count == 16 else { throw JSONError(.invalidValue, at: key.offset, "hash must be 16 hex digits") }
            case "width": width = try reader.readInt()
            case "confidence": confidence = try reader.readDouble()
            case "lowConfidence": lowConfidence = try reader.readBool()
            case "match": match = try reader.readNullIfPresent() ? nil : try reader.readString()
            case "tags": tags = try [String](from: &reader)
            default: break  // unknown members are skipped by the reader
            }
        }
        guard let hash else { throw .missingKey("hash", inObjectAt: object.startOffset) }
        guard let width, let confidence, let lowConfidence else { throw .missingKey("width", inObjectAt: object.startOffset) }
        self.init(hash: hash, width: width, confidence: confidence, lowConfidence: lowConfidence, match: match, tags: tags)
    }
}

@Suite struct JSONReaderTests {
    static let document = #"{"hash":"00ff00ff00ff00ff","extra":{"deep":[1,{"x":null}]},"width":640,"confidence":0.875,"lowConfidence":false,"match":null,"tags":["a","b\n"]}"#

    @Test func typedDecodersReadWithoutATree() throws {
        let value = try JSONReader.decode(Extraction.self, from: Array(Self.document.utf8))
        #expect(value == Extraction(hash: "00ff00ff00ff00ff", width: 640, confidence: 0.875, lowConfidence: false, match: nil, tags: ["a", "b\n"]))
    }

    @Test func whitespaceAnywhereBetweenTokensIsAccepted() throws {
        let spaced = " {\n\t\"hash\" : \"00ff00ff00ff00ff\" ,\r\n \"width\":1 , \"confidence\" :1e0,\"lowConfidence\":true , \"tags\" : [ ] } \n"
        let value = try JSONReader.decode(Extraction.self, from: Array(spaced.utf8))
        #expect(value.width == 1 && value.confidence == 1 && value.lowConfidence && value.tags.isEmpty)
    }

    @Test func decoderErrorsNameTheKeyAndByte() {
        let missing = jsonError { _ = try JSONReader.decode(Extraction.self, from: Array(#" {"width":1}"#.utf8)) }
        #expect(missing == JSONError(.missingKey, at: 1, #"the object has no "hash" member"#))
        let invalid = jsonError { _ = try JSONReader.decode(Extraction.self, from: Array(#"{"hash":"ab"}"#.utf8)) }
        #expect(invalid?.code == .invalidValue && invalid?.offset == 1)
        let wrongType = jsonError { _ = try JSONReader.decode(Extraction.self, from: Array(#"{"width":"640"}"#.utf8)) }
        #expect(wrongType?.description == "wrong type at byte 9: expected a number, found a string")
    }

    @Test func keysWithEscapesMatchByValue() throws {
        let names = try withReader(#"{"h\u0061sh":1,"\/x":2,"\ud83d\ude00":3,"\n":4}"#) { reader in
            var names: [String] = []
            var object = try reader.beginObject()
            while let key = try reader.nextKey(in: &object) {
                switch key {
                case "hash": names.append("hash")
                case "/x": names.append("slash")
                case "😀": names.append("emoji")
                case "\n": names.append("newline")
                default: names.append("?")
                }
            }
            return names
        }
        #expect(names == ["hash", "slash", "emoji", "newline"])
    }

    @Test func oneScalarPatternsMatchToo() throws {
        let matched = try withReader(#"{"a":1,"é":2,"ab":3}"#) { reader in
            var matched: [Int] = []
            var object = try reader.beginObject()
            while let key = try reader.nextKey(in: &object) {
                switch key {
                case "a": matched.append(try reader.readInt())
                case "é": matched.append(try reader.readInt() * 10)
                default: matched.append(-1)
                }
            }
            return matched
        }
        #expect(matched == [1, 20, -1])
    }

    @Test func unreadValuesAreSkippedAndStillChecked() {
        // The decoder reads nothing; the malformed value inside is still found.
        let error = jsonError {
            try withReader(#"{"a":{"b":[1,2,]}}"#) { reader in
                var object = try reader.beginObject()
                while try reader.nextKey(in: &object) != nil {}
                try reader.finish()
            }
        }
        #expect(error?.code == .trailingComma)
        #expect(error?.offset == 14)
    }

    @Test func duplicateKeysAreRefusedEvenWhenTheDecoderIgnoresThem() {
        let error = jsonError { _ = try JSONReader.decode(Extraction.self, from: Array(#"{"x":1,"hash":"00ff00ff00ff00ff","x":2}"#.utf8)) }
        #expect(error?.code == .duplicateKey)
        #expect(error?.offset == 33)
        #expect(error?.description == #"duplicate key at byte 33: "x" appears twice in one object (first at byte 1)"#)
    }

    @Test func arraysAreReadElementByElement() throws {
        let sum = try withReader("[1, 2 ,3,[4],{\"a\":5}]") { reader in
            var array = try reader.beginArray()
            var sum = 0
            while try reader.nextElement(in: &array) {
                if try reader.peekKind() == .number { sum += try reader.readInt() }  // others skipped
            }
            #expect(array.count == 5)
            try reader.finish()
            return sum
        }
        #expect(sum == 6)
    }

    @Test(arguments: [
        ("{}", JSONValueKind.object), ("[]", .array), (#""""#, .string), ("-1", .number), ("0", .number),
        ("true", .bool), ("false", .bool), ("null", .null),
    ])
    func peekKindDoesNotConsume(text: String, kind: JSONValueKind) throws {
        try withReader("  " + text) { reader in
            #expect(try reader.peekKind() == kind)
            #expect(try reader.isNull() == (kind == .null))
            try reader.skipValue()
            try reader.finish()
        }
    }

    @Test func typedReadsRefuseOtherKinds() {
        let cases: [(String, (inout JSONReader) throws -> Void)] = [
            ("1", { _ = try $0.readString() }), (#""x""#, { _ = try $0.readInt() }), ("null", { _ = try $0.readBool() }),
            ("[]", { _ = try $0.beginObject() }), ("{}", { _ = try $0.beginArray() }), ("true", { try $0.readNull() }),
            ("{}", { _ = try $0.readDouble() }),
        ]
        for (text, read) in cases {
            #expect(jsonError { try withReader(text) { try read(&$0) } }?.code == .typeMismatch, "\(text)")
        }
        // A malformed value is reported as what it is, not as the wrong type.
        #expect(jsonError { try withReader("trux") { _ = try $0.readString() } }?.code == .invalidLiteral)
    }

    @Test func finishRefusesTrailingBytesAndOpenContainers() {
        #expect(jsonError { try withReader("{} x") { r in try r.skipValue(); try r.finish() } } == JSONError(.trailingBytes, at: 3, "only whitespace may follow the top-level value"))
        #expect(jsonError { try withReader("[1]") { r in _ = try r.beginArray(); try r.finish() } }?.code == .unfinishedContainer)
        // Resuming an outer object while an inner one is open is refused, not misread.
        let resumed = jsonError {
            try withReader(#"{"a":{"b":1},"c":2}"#) { reader in
                var outer = try reader.beginObject()
                _ = try reader.nextKey(in: &outer)
                _ = try reader.beginObject()
                _ = try reader.nextKey(in: &outer)
            }
        }
        #expect(resumed?.code == .unfinishedContainer)
    }

    @Test(arguments: [1, 2, 64, 100])
    func nestingDeeperThanTheLimitIsRefused(limit: Int) throws {
        let fits = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        try readWholeDocument(Array(fits.utf8), maximumDepth: limit)
        let tooDeep = "[" + fits + "]"
        #expect(jsonError { try readWholeDocument(Array(tooDeep.utf8), maximumDepth: limit) } == JSONError(.tooDeep, at: limit, "more than \(limit) nested objects and arrays"))
        // The typed calls count the same levels.
        let typed = jsonError {
            try withReader(tooDeep, maximumDepth: limit) { reader in
                for _ in 0...limit { _ = try reader.beginArray() }
            }
        }
        #expect(typed?.code == .tooDeep)
    }

    @Test func hostileNestingFailsCleanly() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect(jsonError { try readWholeDocument(deep) }?.code == .tooDeep)
        #expect(jsonError { try JSONValidator.validateObject(Array(String(repeating: #"{"a":"#, count: 50_000).utf8)) }?.code == .tooDeep)
    }

    @Test func standardDecodableConformances() throws {
        let members = try JSONReader.decode([String: [Int?]].self, from: Array(#"{"b":[1,null],"a":[]}"#.utf8))
        #expect(members == ["a": [], "b": [1, nil]])
        #expect(try JSONReader.decode(UInt64.self, from: Array("18446744073709551615".utf8)) == .max)
        #expect(try JSONReader.decode(Int32.self, from: Array("-2147483648".utf8)) == .min)
        // Distinct bytes that Swift's String considers equal cannot share a dictionary silently.
        let equivalent = jsonError { _ = try JSONReader.decode([String: Int].self, from: Array("{\"é\":1,\"e\u{301}\":2}".utf8)) }
        #expect(equivalent?.code == .duplicateKey)
    }

    @Test func aReaderOverAnArrayChecksWhatFollows() throws {
        let bytes = Array(#" [7, "x"] "#.utf8)
        let first = try JSONReader.withReader(over: bytes) { (reader) throws(JSONError) in
            var array = try reader.beginArray()
            var values: [Int] = []
            while try reader.nextElement(in: &array) {
                if try reader.peekKind() == .number { values.append(try reader.readInt()) }
            }
            return values
        }
        #expect(first == [7])
        let trailing = jsonError { _ = try JSONReader.withReader(over: Array("1 2".utf8)) { (reader) throws(JSONError) in try reader.readInt() } }
        #expect(trailing?.code == .trailingBytes && trailing?.offset == 2)
    }

    @Test func theDeepestAllowedNestingFitsOnTheStack() throws {
        // 512 objects deep, each level with its inline key storage: scanned recursively.
        let depth = JSONReader.allowedDepths.upperBound
        let text = Array((String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)).utf8)
        try JSONValidator.validateObject(text, maximumDepth: depth)
        try readWholeDocument(text, maximumDepth: depth)
        #expect(jsonError { try JSONValidator.validateObject(text, maximumDepth: depth - 1) }?.code == .tooDeep)
    }

    @Test func stringBytesCanBeReadWithoutAString() throws {
        let lengths = try withReader(#"["abc","\u00e9"]"#) { reader in
            var array = try reader.beginArray()
            var lengths: [Int] = []
            while try reader.nextElement(in: &array) { lengths.append(try reader.readString { $0.count }) }
            return lengths
        }
        #expect(lengths == [3, 2])
    }
}
