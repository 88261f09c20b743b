import Foundation
@testable import JSON
import Testing

/// A JSON value as a tree: only the tests build trees, to compare what was written with what
/// was read.
indirect enum JSONTree: Equatable, JSONEncodable {
    case null
    case bool(Bool)
    case int(Int64)
    case unsigned(UInt64)
    case double(Double)
    case string(String)
    case array([JSONTree])
    case object([(key: String, value: JSONTree)])

    static func == (a: JSONTree, b: JSONTree) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.int(x), .int(y)): x == y
        case let (.unsigned(x), .unsigned(y)): x == y
        case let (.double(x), .double(y)): x.bitPattern == y.bitPattern
        case let (.string(x), .string(y)): Array(x.utf8) == Array(y.utf8)
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x.count == y.count && zip(x, y).allSatisfy { Array($0.key.utf8) == Array($1.key.utf8) && $0.value == $1.value }
        default: false
        }
    }

    func encode(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.writeNull()
        case .bool(let value): writer.write(value)
        case .int(let value): writer.write(value)
        case .unsigned(let value): writer.write(value)
        case .double(let value): writer.write(value)
        case .string(let value): writer.write(value)
        case .array(let elements): writer.writeArray { w in for element in elements { element.encode(to: &w) } }
        case .object(let members):
            let ordered = writer.keyOrder == .sorted ? members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : members
            writer.writeObject { w in for member in ordered { w.write(member.value, forKey: member.key) } }
        }
    }

    /// The members in the order a sorted writer writes them.
    var sorted: JSONTree {
        switch self {
        case .array(let elements): .array(elements.map(\.sorted))
        case .object(let members): .object(members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { (key: $0.key, value: $0.value.sorted) })
        default: self
        }
    }

    /// Reads a value shaped like `self` (the numbers' types come from the expected tree).
    func read(from reader: inout JSONReader) throws -> JSONTree {
        switch self {
        case .null: try reader.readNull(); return .null
        case .bool: return .bool(try reader.readBool())
        case .int: return .int(try reader.readInt64())
        case .unsigned: return .unsigned(try reader.readUInt64())
        case .double: return .double(try reader.readDouble())
        case .string: return .string(try reader.readString())
        case .array(let expected):
            var array = try reader.beginArray()
            var elements: [JSONTree] = []
            while try reader.nextElement(in: &array) {
                guard elements.count < expected.count else { throw reader.error(.invalidValue, "more elements than written") }
                elements.append(try expected[elements.count].read(from: &reader))
            }
            return .array(elements)
        case .object(let expected):
            var object = try reader.beginObject()
            var members: [(key: String, value: JSONTree)] = []
            while let key = try reader.nextKey(in: &object) {
                guard let model = expected.first(where: { key == $0.key }) else { throw reader.error(.invalidValue, "unexpected key \(key)") }
                members.append((key: key.string, value: try model.value.read(from: &reader)))
            }
            return .object(members)
        }
    }

    static let alphabet: [String] = ["a", "z", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "中", "😀", "\u{2028}", "\u{FFFF}", "\u{E000}", "\u{10000}", " ", "b"]

    static func randomString(using random: inout SeededRandom) -> String {
        (0..<(random.next() % 8)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
    }

    static func randomDouble(using random: inout SeededRandom) -> Double {
        switch random.next() % 4 {
        case 0: let value = Double(bitPattern: random.next()); return value.isFinite ? value : 0.5
        case 1: return Double(Int64(bitPattern: random.next()) % 100_000) / 1000
        case 2: return [0.0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.leastNormalMagnitude, 1e21, 1e-7, 0.1][Int(random.next() % 8)]
        default: return Double(random.next() >> 11) * 0x1p-53
        }
    }

    static func random(using random: inout SeededRandom, depth: Int, topLevelObject: Bool = false) -> JSONTree {
        let roll = topLevelObject ? 7 : random.next() % (depth > 4 ? 6 : 8)
        switch roll {
        case 0: return .null
        case 1: return .bool(random.next() & 1 == 0)
        case 2: return .int(Int64(bitPattern: random.next()) >> (random.next() % 64))
        case 3: return .unsigned(random.next() >> (random.next() % 64))
        case 4: return .double(randomDouble(using: &random))
        case 5: return .string(randomString(using: &random))
        case 6: return .array((0..<(random.next() % 5)).map { _ in Self.random(using: &random, depth: depth + 1) })
        default:
            var keys: [String] = []
            for _ in 0..<(random.next() % (random.next() % 8 == 0 ? 40 : 7)) {
                let key = randomString(using: &random)
                if !keys.contains(where: { Array($0.utf8) == Array(key.utf8) }) { keys.append(key) }
            }
            return .object(keys.map { (key: $0, value: Self.random(using: &random, depth: depth + 1)) })
        }
    }
}

@Suite struct JSONRoundTripTests {
    @Test(arguments: [JSONWriter.KeyOrder.asWritten, .sorted])
    func randomValuesReadBackEqual(order: JSONWriter.KeyOrder) throws {
        var random = SeededRandom(state: order == .sorted ? 1 : 2)
        for round in 0..<5_000 {
            let tree = JSONTree.random(using: &random, depth: 0)
            var writer = JSONWriter(keyOrder: order)
            tree.encode(to: &writer)
            let bytes = try writer.finish()
            let expected = order == .sorted ? tree.sorted : tree
            let back = try withReader(bytes) { reader in let value = try expected.read(from: &reader); try reader.finish(); return value }
            #expect(back == expected, "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            if back != expected { return }
        }
    }

    @Test func sortedOutputIsIndependentOfInsertionOrder() throws {
        var random = SeededRandom(state: 77)
        for _ in 0..<500 {
            let tree = JSONTree.random(using: &random, depth: 0, topLevelObject: true)
            guard case .object(let members) = tree else { continue }
            let shuffled = JSONTree.object(members.shuffled(using: &random))
            var first = JSONWriter(keyOrder: .sorted), second = JSONWriter(keyOrder: .sorted)
            tree.encode(to: &first)
            shuffled.encode(to: &second)
            #expect(try first.finish() == second.finish())
        }
    }

    @Test func foundationReadsTheWritersStringsAndTheReaderReadsFoundations() throws {
        // Foundation is an independent implementation of the same RFC: each side reads the other.
        var random = SeededRandom(state: 8)
        let strings = (0..<3_000).map { _ in JSONTree.randomString(using: &random) } + JSONTree.alphabet
        let ours = written { w in w.writeArray { w in for string in strings { w.write(string) } } }
        let parsed = try JSONSerialization.jsonObject(with: Data(ours.utf8)) as? [String]
        #expect(parsed?.map { Array($0.utf8) } == strings.map { Array($0.utf8) })
        let theirs = try JSONEncoder().encode(strings)
        let back = try JSONReader.decode([String].self, from: Array(theirs))
        #expect(back.map { Array($0.utf8) } == strings.map { Array($0.utf8) })
    }
}
