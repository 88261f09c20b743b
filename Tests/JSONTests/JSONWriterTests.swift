@testable import JSON
import Testing

@Suite struct JSONWriterTests {
    /// The escape RFC 8259 and the writer's spec give each control character.
    static func expectedEscape(of byte: UInt8) -> String {
        switch byte {
        case 0x08: #"\b"#
        case 0x09: #"\t"#
        case 0x0A: #"\n"#
        case 0x0C: #"\f"#
        case 0x0D: #"\r"#
        default: "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }
    }

    @Test(arguments: 0..<0x20)
    func everyControlCharacterIsEscaped(code: Int) throws {
        let byte = UInt8(code)
        let text = written { $0.write(String(decoding: [0x61, byte, 0x62], as: UTF8.self)) }
        #expect(text == "\"a" + Self.expectedEscape(of: byte) + "b\"")
        // And the reader gives the character back.
        #expect(try withReader(text) { try $0.readString() }.utf8.elementsEqual([0x61, byte, 0x62]))
    }

    @Test(arguments: [
        ("\"", #""\"""#),
        ("\\", #""\\""#),
        ("/", #""/""#),                          // not escaped
        ("\u{7F}", "\"\u{7F}\""),               // DEL is not a control character in JSON
        ("\u{2028}\u{2029}", "\"\u{2028}\u{2029}\""),  // written as UTF-8, not \u2028
        ("é中😀", "\"é中😀\""),                   // astral plane as 4 UTF-8 bytes
        ("", #""""#),
        ("a\"b\\c\nd", #""a\"b\\c\nd""#),
    ])
    func stringsAreEscapedMinimally(value: String, expected: String) {
        #expect(written { $0.write(value) } == expected)
        #expect(written { $0.write(value[...]) } == expected)
        #expect(written { w in Array(value.utf8).withUnsafeBytes { w.write(utf8: $0) } } == expected)
    }

    @Test func astralCharactersAreFourUTF8Bytes() {
        let bytes = Array(written { $0.write("\u{1F600}") }.utf8)
        #expect(bytes == [0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22])
    }

    @Test(arguments: [
        [UInt8]([0xFF]), [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x61, 0xE2, 0x82], [0x80],
    ])
    func malformedUTF8BytesAreRefusedNotWritten(bytes: [UInt8]) {
        let error = writerError { $0.write(utf8: bytes) }
        #expect(error?.code == .invalidUTF8)
        let keyError = writerError { w in w.beginObject(); bytes.withUnsafeBytes { w.writeKey(utf8: $0) }; w.write(1); w.endObject() }
        #expect(keyError?.code == .invalidUTF8)
    }

    @Test func integersAreExact() {
        #expect(written { $0.write(Int64.min) } == "-9223372036854775808")
        #expect(written { $0.write(Int64.max) } == "9223372036854775807")
        #expect(written { $0.write(UInt64.max) } == "18446744073709551615")
        #expect(written { $0.write(9_007_199_254_740_993 as Int64) } == "9007199254740993")  // 2^53 + 1
        #expect(written { $0.write(0) } == "0")
        #expect(written { $0.write(-7) } == "-7")
        #expect(written { $0.writeInteger(Int8.min) } == "-128")
        #expect(written { $0.writeInteger(UInt8.max) } == "255")
        #expect(written { $0.writeInteger(Int32.min) } == "-2147483648")
    }

    @Test func integersMatchTheStandardLibraryAcrossMagnitudes() {
        var random = SeededRandom(state: 7)
        for _ in 0..<20_000 {
            let value = Int64(bitPattern: random.next()) >> (random.next() % 64)
            #expect(written { $0.write(value) } == String(value))
            let unsigned = random.next() >> (random.next() % 64)
            #expect(written { $0.write(unsigned) } == String(unsigned))
        }
    }

    @Test func literalsAndStructure() {
        let text = written { w in
            w.writeObject { w in
                w.writeKey("a"); w.writeArray { w in w.write(true); w.write(false); w.writeNull() }
                w.writeKey("b"); w.writeObject { _ in }
                w.writeKey("c"); w.writeArray { _ in }
                w.write(1.5, forKey: "d")
                w.write([1, 2] as [Int], forKey: "e")
                w.write(nil as String?, forKey: "f")
            }
        }
        #expect(text == #"{"a":[true,false,null],"b":{},"c":[],"d":1.5,"e":[1,2],"f":null}"#)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, -Double.nan])
    func nonFiniteDoublesAreRefused(value: Double) {
        let error = writerError { w in w.writeArray { w in w.write(1); w.write(value) } }
        #expect(error?.code == .nonFiniteNumber)
        #expect(error?.offset == 3)
    }

    @Test func callsThatDoNotFormOneValueAreRefused() {
        #expect(writerError { _ in }?.code == .invalidStructure)
        #expect(writerError { $0.beginObject() }?.code == .invalidStructure)
        #expect(writerError { $0.beginArray() }?.code == .invalidStructure)
        #expect(writerError { w in w.write(1); w.write(2) }?.code == .invalidStructure)
        #expect(writerError { w in w.writeObject { $0.write(1) } }?.code == .invalidStructure)
        #expect(writerError { w in w.writeObject { $0.writeKey("a") } }?.code == .invalidStructure)
        #expect(writerError { w in w.writeObject { w in w.writeKey("a"); w.writeKey("b") } }?.code == .invalidStructure)
        #expect(writerError { w in w.writeArray { $0.writeKey("a") } }?.code == .invalidStructure)
        #expect(writerError { w in w.beginArray(); w.endObject() }?.code == .invalidStructure)
        #expect(writerError { w in w.beginObject(); w.endArray() }?.code == .invalidStructure)
        #expect(writerError { $0.endObject() }?.code == .invalidStructure)
    }

    @Test func duplicateKeysAreRefusedInEitherOrder() {
        for order in [JSONWriter.KeyOrder.asWritten, .sorted] {
            let error = writerError(keyOrder: order) { w in w.writeObject { w in w.write(1, forKey: "a"); w.write(2, forKey: "a") } }
            #expect(error?.code == .duplicateKey)
            #expect(error?.offset == 7)
        }
        // Nested objects have keys of their own.
        #expect(written { w in w.writeObject { w in w.write(["a": 1], forKey: "a") } } == #"{"a":{"a":1}}"#)
    }

    @Test func duplicateKeysInLargeObjectsAreFoundBySorting() {
        let keys = (0..<100).map { "key\($0)" }
        #expect(writerError { w in w.writeObject { w in for key in keys { w.write(1, forKey: key) } } } == nil)
        let error = writerError { w in w.writeObject { w in for key in keys + ["key57"] { w.write(1, forKey: key) } } }
        #expect(error?.code == .duplicateKey)
        #expect(error?.detail.contains("key57") == true)
    }

    @Test func afterFinishTheWriterStartsAfresh() throws {
        var writer = JSONWriter(appendingTo: Array("data: ".utf8))
        writer.write("x")
        #expect(try writer.finish() == Array(#"data: "x""#.utf8))
        writer.write(Double.nan)
        #expect(jsonError { _ = try writer.finish() }?.code == .nonFiniteNumber)
        writer.write(2)
        #expect(try writer.finish() == Array("2".utf8))
    }

    @Test func rawValuesAreInsertedAsTheyAre() {
        let text = written { w in w.writeObject { w in w.writeKey("data"); w.writeRaw(Array(#"{"b":[1,2.5e-3,"x"],"a":null}"#.utf8)) } }
        #expect(text == #"{"data":{"b":[1,2.5e-3,"x"],"a":null}}"#)
    }

    @Test(arguments: [
        (#"{"a":1} "#, JSONError.Code.notMinified),
        (#"{"a": 1}"#, .notMinified),
        (#"{"a":1,}"#, .trailingComma),
        (#"1 2"#, .trailingBytes),
        (#"{"a":1,"a":2}"#, .duplicateKey),
        ("", .unexpectedEnd),
    ])
    func rawValuesThatAreNotOneMinifiedValueAreRefusedInDebugBuildsOnly(raw: String, code: JSONError.Code) {
        let error = writerError { w in w.writeArray { w in w.writeRaw(Array(raw.utf8)) } }
        #if DEBUG
        #expect(error?.code == code)
        #expect((error?.offset ?? -1) >= 1)
        #else
        #expect(error == nil)  // release builds of as-written writers trust the caller, as documented
        #endif
    }
}
