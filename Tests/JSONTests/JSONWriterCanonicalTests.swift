@testable import JSON
import Testing

@Suite struct JSONWriterCanonicalTests {
    /// Keys in UTF-8 byte order (= code point order): prefix first, ASCII before Latin-1 before
    /// CJK before the astral plane, and U+FFFD before U+10000 (UTF-16 order would differ there).
    static let sortedKeys = ["", "A", "Z", "a", "ab", "b", "z", "~", "\u{7F}", "é", "ü", "中", "\u{FFFD}", "😀", "\u{10FFFF}"]

    @Test func keysInByteOrderAreAccepted() {
        let text = written(keyOrder: .sorted) { w in w.writeObject { w in for key in Self.sortedKeys { w.write(1, forKey: key) } } }
        #expect(text.hasPrefix(#"{"":1,"A":1,"Z":1,"a":1,"ab":1"#))
    }

    @Test func everyPairOutOfOrderIsRefused() {
        for (i, earlier) in Self.sortedKeys.enumerated() {
            for later in Self.sortedKeys[(i + 1)...] {
                let error = writerError(keyOrder: .sorted) { w in w.writeObject { w in w.write(1, forKey: later); w.write(2, forKey: earlier) } }
                #expect(error?.code == .keyOutOfOrder, "\(later) then \(earlier)")
                // As written, the same calls are fine.
                #expect(writerError { w in w.writeObject { w in w.write(1, forKey: later); w.write(2, forKey: earlier) } } == nil)
            }
        }
    }

    @Test func theOffendingKeyIsNamedWithItsOffset() {
        let error = writerError(keyOrder: .sorted) { w in w.writeObject { w in w.write(1, forKey: "b"); w.write(2, forKey: "a") } }
        #expect(error?.offset == 7)
        #expect(error?.description == #"key out of order at byte 7: "a" written after "b"; sorted objects need keys in increasing UTF-8 byte order (use writeObject(sortingKeys:) for keys that are data)"#)
    }

    @Test func keysWithEscapesAreOrderedByTheirValue() {
        // "\n" (0x0A) sorts before "A" by value, though its written form `\n` (0x5C…) would not.
        let text = written(keyOrder: .sorted) { w in w.writeObject { w in w.write(1, forKey: "\n"); w.write(2, forKey: "A"); w.write(3, forKey: "\\") } }
        #expect(text == #"{"\n":1,"A":2,"\\":3}"#)
        #expect(writerError(keyOrder: .sorted) { w in w.writeObject { w in w.write(1, forKey: "A"); w.write(2, forKey: "\n") } }?.code == .keyOutOfOrder)
    }

    @Test func dictionariesAreSortedInEitherKeyOrder() {
        let members: [String: Int] = Dictionary(uniqueKeysWithValues: Self.sortedKeys.reversed().enumerated().map { ($1, $0) })
        let sorted = written(keyOrder: .sorted) { $0.write(members) }
        let asWritten = written { $0.write(members) }
        #expect(sorted == asWritten)
        let keyOrder = try? withReader(sorted) { reader in
            var keys: [String] = []
            var object = try reader.beginObject()
            while let key = try reader.nextKey(in: &object) { keys.append(key.string) }
            return keys
        }
        #expect(keyOrder == Self.sortedKeys)
    }

    @Test func equalValuesGiveIdenticalBytes() {
        var random = SeededRandom(state: 42)
        let keys = (0..<50).map { "k\($0)\(["", "é", "😀", "\t"][$0 % 4])" }
        var first: String? = nil
        for _ in 0..<20 {
            // The same members, inserted in a different order each time.
            var members: [String: [String: Double]] = [:]
            for key in keys.shuffled(using: &random) {
                members[key] = ["x": Double(key.utf8.count) / 10, "y": -0.0, "z": 1e21]
            }
            let text = written(keyOrder: .sorted) { $0.write(members) }
            if let first { #expect(text == first) } else { first = text }
        }
        #expect(first?.contains(#""y":-0,"z":1e+21"#) == true)
    }

    @Test func sortingKeysOfDataWritesThemInOrder() {
        let text = written(keyOrder: .sorted) { w in
            w.writeObject(sortingKeys: ["b", "é", "a"]) { key, w in w.write(key) }
        }
        #expect(text == #"{"a":"a","b":"b","é":"é"}"#)
        let duplicate = writerError(keyOrder: .sorted) { w in w.writeObject(sortingKeys: ["b", "a", "b"]) { _, w in w.write(0) } }
        #expect(duplicate?.code == .duplicateKey)
    }

    @Test(arguments: [
        (#"{"b":1,"a":2}"#, JSONError.Code.keyOutOfOrder, 8),
        (#"{"a":{"d":1,"c":2}}"#, .keyOutOfOrder, 13),
        (#"{"a":1,"a":2}"#, .duplicateKey, 8),
        (#"{"a":1,"\u0061":2}"#, .duplicateKey, 8),
        (#"[{"y":1,"x":2}]"#, .keyOutOfOrder, 9),
    ])
    func rawValuesInSortedWritersMustBeSortedInEveryBuild(raw: String, code: JSONError.Code, offset: Int) {
        let error = writerError(keyOrder: .sorted) { w in w.writeArray { w in w.writeRaw(Array(raw.utf8)) } }
        #expect(error?.code == code)
        #expect(error?.offset == offset)  // in the output: after the writer's own `[`
        #expect(writerError(keyOrder: .sorted) { w in w.writeRaw(Array(#"{"a":{"c":1,"d":[]},"b":null}"#.utf8)) } == nil)
    }
}
