import Journal
@testable import MobiusCore
import Testing
import TestSupport

/// `append --stdin`'s line parser alone: what a line may hold, and the 16 MiB limit however the
/// bytes arrive.
@Suite struct EventLineParserTests {
    private func problem(_ line: String) -> String? {
        guard case .failure(let problem) = EventLineParser.draft(fromLine: Array(line.utf8)) else { return nil }
        return problem.message
    }

    @Test(arguments: [
        (#"{"type":"a","type":"b","data":{}}"#, #""type" appears twice in one object (first at byte 1); give each key once"#),
        (#"{"type":"a","data":{},"data":{"x":1}}"#, #""data" appears twice in one object (first at byte 12); give each key once"#),
        (#"{"type":"a","t\u0079pe":"b","data":{}}"#, #""type" appears twice in one object (first at byte 1); give each key once"#),
        (#"{"type":"a","data":{},"v":1,"v":2}"#, #""v" appears twice in one object (first at byte 22); give each key once"#),
    ])
    func aKeyGivenTwiceIsRefusedNotResolvedLastWins(line: String, message: String) {
        #expect(problem(line) == message)
    }

    @Test func versionsAreWholeNumbersUpToTwoToTheSixtyFourMinusOne() throws {
        let largest = try #require(try EventLineParser.draft(fromLine: Array(#"{"type":"a","v":18446744073709551615,"data":{}}"#.utf8)).get())
        #expect(largest.version == UInt64.max)
        #expect(problem(#"{"type":"a","v":18446744073709551616,"data":{}}"#) == #""v" is too large; the largest version is 18446744073709551615"#)
        #expect(problem(#"{"type":"a","v":99999999999999999999999,"data":{}}"#) == #""v" is too large; the largest version is 18446744073709551615"#)
        for bad in ["-1", "1.5", "1e3", #""1""#, "null"] {
            #expect(problem(#"{"type":"a","v":\#(bad),"data":{}}"#) == #""v" must be a whole number ≥ 0"#, "\(bad)")
        }
    }

    @Test func echoedKeysAndTypesCannotBreakTheErrorLine() {
        #expect(problem(#"{"type":"a","da\nta":{}}"#) == #"unknown key "da\nta" (allowed: type, data, requestId, v)"#)
        #expect(problem(#"{"type":"a","data":{},"x\u000ay":1}"#) == #"unknown key "x\ny" (allowed: type, data, requestId, v)"#)
        let message = problem(#"{"type":"bad type\u0007","data":{}}"#)
        #expect(message?.contains(#"'bad type\u0007'"#) == true, "\(message ?? "")")
    }

    /// One line of exactly `length` bytes (newline not counted) that the JSON check refuses at
    /// its second byte: a line within the limit reaches that check, a longer one is refused for
    /// its length before it. (Validating 16 MiB of real JSON takes seconds per case in a debug
    /// build; `AppendCommandTests` appends one such event end to end.)
    private func line(length: Int) -> [UInt8] {
        [UInt8(ascii: "{")] + [UInt8](repeating: UInt8(ascii: "a"), count: length - 1)
    }

    /// Feeds `bytes` in chunks of the given sizes (cycled), then a small event, and returns the
    /// drafts' types and the problems reported.
    private func feed(_ bytes: [UInt8], chunkSizes: [Int]) -> (types: [String], problems: [String]) {
        var parser = EventLineParser()
        var types: [String] = [], problems: [String] = []
        let input = bytes + [0x0A] + Array(#"{"type":"after","data":{}}"#.utf8) + [0x0A]
        var offset = 0, turn = 0
        while offset < input.count {
            let size = min(chunkSizes[turn % chunkSizes.count], input.count - offset)
            types += parser.parse(Array(input[offset..<(offset + size)])) { number, message in problems.append("line \(number): \(message)") }.map(\.type)
            offset += size
            turn += 1
        }
        #expect(parser.finish() == nil)
        return (types, problems)
    }

    static let limit = EventLineParser.maxLineLength
    static let chunkings: [[Int]] = [
        [Int.max],                       // the whole input in one chunk
        [limit / 2 + 7],                 // the line split in two (or three)
        [limit, 1],                      // the line whole, its newline alone
        [65_536],                        // what read(2) gives from a pipe
        [1 << 20, 3, 4_099, 17, 700_001], // byte runs of varied sizes
    ]

    @Test(arguments: chunkings)
    func aLineOfExactly16MiBIsWithinTheLimit(chunkSizes: [Int]) {
        let (types, problems) = feed(line(length: Self.limit), chunkSizes: chunkSizes)
        #expect(problems.count == 1 && problems[0].hasPrefix("line 1: not a JSON object:"), "\(problems)")
        #expect(types == ["after"])
    }

    @Test(arguments: chunkings)
    func oneByteMoreIsRefusedAndTheNextLineStillCounts(chunkSizes: [Int]) {
        let (types, problems) = feed(line(length: Self.limit + 1), chunkSizes: chunkSizes)
        #expect(problems == ["line 1: the line is longer than 16777216 bytes (16 MiB); split the event's data"])
        #expect(types == ["after"])
    }

    @Test func aLongLastLineWithoutNewlineIsReportedOnce() {
        var parser = EventLineParser()
        var problems: [String] = []
        _ = parser.parse([UInt8](repeating: 0x61, count: Self.limit + 10)) { _, message in problems.append(message) }
        #expect(problems.isEmpty)
        #expect(parser.finish()?.line == 1)
    }
}
