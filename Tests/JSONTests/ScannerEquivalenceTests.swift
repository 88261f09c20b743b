@testable import JSON
import Testing

/// The rewritten scanner (word-wide string and digit tests, the quick member loop, the key set
/// on the stack) against the scanner it replaced, kept in `Reference/` for this purpose only:
/// on random bytes, on random documents with one byte mutated, and on the benchmark's events
/// mutated at every byte, every entry point built on the scanner must give the same verdict and
/// the very same error (code, offset and text).
@Suite struct ScannerEquivalenceTests {
    /// Every entry point on `bytes`, compared with the reference.
    static func expectSameOutcome(_ bytes: [UInt8], maximumDepth: Int = 64, _ comment: @autoclosure () -> String = "") {
        let expected = Reference.validate(bytes, maximumDepth: maximumDepth)
        let minified = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) in try JSONValidator.isMinifiedObject(raw, maximumDepth: maximumDepth) }
        }
        #expect(minified == expected.map { !$0 }, "isMinifiedObject: \(comment()) \(bytes)")
        let validated = jsonError { try JSONValidator.validateObject(bytes, maximumDepth: maximumDepth) }
        #expect(validated == expected.failure, "validateObject: \(comment()) \(bytes)")
        let stripped = Result { () throws(JSONError) in try JSONValidator.minifiedObject(bytes, maximumDepth: maximumDepth) }
        #expect(stripped.failure == expected.failure, "minifiedObject: \(comment()) \(bytes)")
        let read = jsonError { try readWholeDocument(bytes, maximumDepth: maximumDepth) }
        #expect(read == Reference.readWholeDocument(bytes, maximumDepth: maximumDepth), "reader: \(comment()) \(bytes)")
        if maximumDepth == 64 {
            for sorted in [false, true] {
                let problem = bytes.withUnsafeBytes { JSONWriter.problem(inRaw: $0, requiresSortedKeys: sorted) }
                #expect(problem == Reference.rawProblem(bytes, requiresSortedKeys: sorted), "writeRaw (sorted: \(sorted)): \(comment()) \(bytes)")
            }
        }
    }

    @Test func randomBytes() {
        var random = SeededRandom(state: 0x5EED_0001)
        let jsonish = Array(#"{}[]:,"\/-+.0123456789eEtrufalsnu "#.utf8) + [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xA9, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]
        for round in 0..<40_000 {
            let length = Int(random.next() % 48)
            var bytes = (0..<length).map { _ in
                random.next() % 4 == 0 ? UInt8(truncatingIfNeeded: random.next()) : jsonish[Int(random.next() % UInt64(jsonish.count))]
            }
            if random.next() % 3 != 0 { bytes.insert(UInt8(ascii: "{"), at: 0) }
            Self.expectSameOutcome(bytes, maximumDepth: round % 7 == 0 ? 1 + Int(random.next() % 4) : 64, "round \(round)")
        }
    }

    @Test func randomDocumentsWithOneByteMutated() {
        var random = SeededRandom(state: 0x5EED_0002)
        let interesting: [UInt8] = Array(#"{}[]:,"\/-+.0123456789eEtrufalsnu "#.utf8) + [0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]
        var accepted = 0
        for round in 0..<12_000 {
            var generator = DocumentGenerator(random: random)
            var bytes = Array(generator.object(depth: 0).utf8)
            random = generator.random
            Self.expectSameOutcome(bytes, "round \(round), unmutated")
            if case .success = Reference.validate(bytes) { accepted += 1 }
            guard !bytes.isEmpty else { continue }
            let position = Int(random.next() % UInt64(bytes.count))
            let byte = random.next() % 4 == 0 ? UInt8(truncatingIfNeeded: random.next()) : interesting[Int(random.next() % UInt64(interesting.count))]
            switch random.next() % 3 {
            case 0: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            default: bytes.remove(at: position)
            }
            Self.expectSameOutcome(bytes, maximumDepth: round % 5 == 0 ? 1 + Int(random.next() % 6) : 64, "round \(round)")
        }
        #expect(accepted > 3_000)  // the generator makes mostly valid documents (duplicates aside)
    }

    @Test func theBenchmarkEventsMutatedAtEveryByte() {
        var stream = BenchEvents()
        let replacements: [UInt8] = [0x22, 0x5C, 0x20, 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, 0x2C, 0x3A, 0x7D, 0x7B, 0x5D, 0x30, 0x2E, 0x65, 0x2D, 0x61]
        for (index, event) in ((0..<12).map { _ in stream.next() } + JSONPrefixAndMutationTests.documents).enumerated() {
            let bytes = Array(event.utf8)
            Self.expectSameOutcome(bytes, "event \(index)")
            for position in 0..<bytes.count {
                var deleted = bytes
                deleted.remove(at: position)
                Self.expectSameOutcome(deleted, "event \(index), byte \(position) deleted")
                for replacement in replacements where replacement != bytes[position] {
                    var changed = bytes
                    changed[position] = replacement
                    Self.expectSameOutcome(changed, "event \(index), byte \(position) replaced")
                }
            }
        }
    }

    @Test func objectsWithManyAndSimilarKeys() {
        // Keys of 0…40 bytes sharing first and last eight bytes, so signatures and the filter
        // collide; past 16 keys the table takes over; duplicates at every position.
        var random = SeededRandom(state: 0x5EED_0003)
        for round in 0..<3_000 {
            let count = 1 + Int(random.next() % 24)
            let length = Int(random.next() % 41)
            var keys = (0..<count).map { index -> String in
                var key = Array(repeating: UInt8(ascii: "k"), count: length)
                if length > 0 { key[Int(random.next() % UInt64(length))] = UInt8(ascii: "a") + UInt8(index % 26) }
                return String(decoding: key, as: UTF8.self)
            }
            if random.next() % 2 == 0, let copy = keys.randomElement(using: &random) {
                keys.insert(random.next() % 2 == 0 ? copy : DocumentGenerator.escapingAll(copy), at: Int(random.next() % UInt64(keys.count + 1)))
            }
            let members = keys.map { key in "\"\(key)\":" + (random.next() % 2 == 0 ? "1" : "\"v\"") }
            let text = "{" + members.joined(separator: random.next() % 4 == 0 ? " , " : ",") + "}"
            Self.expectSameOutcome(Array(text.utf8), "round \(round)")
        }
    }
}

/// The benchmark stream's three kinds of event data (the generation of `BenchStream` in
/// MobiusBench, which the test target cannot see, kept to its shapes).
struct BenchEvents {
    var random = SeededRandom(state: 0x6D6F_6269_7573)

    mutating func next() -> String {
        let hex = { (random: inout SeededRandom, digits: Int) -> String in
            String((0..<digits).map { _ in "0123456789abcdef".randomElement(using: &random)! })
        }
        switch random.next() % 3 {
        case 0:
            return #"{"requestId":"\#(hex(&random, 8))-\#(hex(&random, 4))-4\#(hex(&random, 3))-a\#(hex(&random, 3))-\#(hex(&random, 12))","file":"rulebooks/catan/page-0\#(10 + random.next() % 50)-img-0\#(1 + random.next() % 9).png","hash":"\#(hex(&random, 16))","width":\#(200 + random.next() % 1800),"height":\#(200 + random.next() % 1400),"format":"png","duration_ms":\#(random.next() % 90).\#(random.next() % 1000),"confidence":0.\#(550 + random.next() % 450),"lowConfidence":\#(random.next() % 2 == 0)}"#
        case 1:
            return #"{"name":"dhash_extraction_duration_ms","value":\#(random.next() % 500).\#(random.next() % 100),"labels":{"instance":"dhash-\#(1 + random.next() % 4)","env":"production","format":"png","route":"/api/dhash/extract"}}"#
        default:
            return #"{"level":"info","message":"cache hit for image hash in \#(random.next() % 90).\#(random.next() % 10) ms","requestId":"\#(hex(&random, 8))-\#(hex(&random, 4))-4\#(hex(&random, 3))-a\#(hex(&random, 3))-\#(hex(&random, 12))","logger":"http.server"}"#
        }
    }
}

/// Random JSON text, mostly valid: strings with escapes, surrogate pairs and raw UTF-8 of
/// varied lengths (so the word loops end at every offset), numbers in every form, nesting,
/// whitespace now and then, and sometimes a key repeated (raw or escaped).
struct DocumentGenerator {
    var random: SeededRandom

    static let pieces = ["a", "b", "Z", "0", " ", "/", "-", "_", #"\""#, #"\\"#, #"\/"#, #"\n"#, #"\t"#, #"\u00e9"#, #"\u0041"#, #"\ud83d\ude00"#, "é", "中", "😀", "\u{7F}"]

    mutating func roll(_ n: UInt64) -> Int { Int(random.next() % n) }

    mutating func space() -> String { roll(10) == 0 ? [" ", "\n", "\t", "\r\n ", "  "][roll(5)] : "" }

    mutating func string() -> String {
        let length = roll(8) == 0 ? roll(60) : roll(14)
        return "\"" + (0..<length).map { _ in roll(3) == 0 ? Self.pieces[roll(UInt64(Self.pieces.count))] : String(UnicodeScalar(UInt8(97 + roll(26)))) }.joined() + "\""
    }

    mutating func number() -> String {
        ["0", "-0", "7", "-12", "123456789012345678901234", "0.5", "-0.001", "12.345", "1e9", "2E-3", "-4.5e+10", "0e0", "1.25E+21"][roll(13)]
    }

    mutating func value(depth: Int) -> String {
        switch roll(depth > 3 ? 6 : 9) {
        case 0, 1, 2: return string()
        case 3, 4: return number()
        case 5: return ["true", "false", "null"][roll(3)]
        case 6, 7: return object(depth: depth + 1)
        default: return "[" + (0..<roll(5)).map { _ in space() + value(depth: depth + 1) + space() }.joined(separator: ",") + "]"
        }
    }

    mutating func object(depth: Int) -> String {
        var keys: [String] = []
        for _ in 0..<(roll(6) == 0 ? roll(22) : roll(9)) {
            if !keys.isEmpty, roll(25) == 0 {
                let earlier = keys[roll(UInt64(keys.count))]
                keys.append(roll(2) == 0 ? earlier : "\"" + Self.escapingAll(String(earlier.dropFirst().dropLast())) + "\"")
            } else {
                keys.append(string())
            }
        }
        let members = keys.map { key in space() + key + space() + ":" + space() + value(depth: depth) + space() }
        return "{" + members.joined(separator: ",") + space() + "}"
    }

    /// `key`'s ASCII letters as `\u00XX` escapes (the same key for duplicate detection).
    static func escapingAll(_ key: String) -> String {
        key.map { character in
            guard let ascii = character.asciiValue, character.isLetter else { return String(character) }
            let hex = String(ascii, radix: 16)
            return "\\u00" + (hex.count == 1 ? "0" + hex : hex)
        }.joined()
    }
}

extension Result {
    /// The error, nil on success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
