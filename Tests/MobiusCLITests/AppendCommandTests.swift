import Foundation
import Journal
@testable import MobiusCLI
import MobiusCore
import Testing
import TestSupport

/// `append` end to end in-process: segments, the data folder, and its error lines.
@Suite struct AppendCommandTests {
    /// `--segment-bytes 4KiB` with one-event frames of ~1.1 KB (1,900 random hex digits deflate
    /// to about 60%): three fit in a segment, a fourth would not (the writer counts a frame's
    /// largest header: any frame of 990 to 1,310 bytes gives three), so nine events sent one by
    /// one make exactly three segments.
    @Test func smallSegmentsMakeAMultiSegmentJournalFromAFewEvents() async throws {
        let root = try TemporaryDirectory("cli-segments")
        defer { root.remove() }
        var random = SeededGenerator(seed: 42)
        let lines = (1...9).map { index in
            let hex = (0..<290).map { _ in String(format: "%08x", UInt32.random(in: 0...UInt32.max, using: &random)) }.joined()
            return #"{"type":"bulk","data":{"n":\#(index),"noise":"\#(hex.prefix(1_900))"}}"# + "\n"
        }
        let append = await CommandRun(["append", "--data", root.path, "--stdin", "--durability", "none", "--segment-bytes", "4KiB"], input: lines)
        #expect(append.status == .success, "\(append.errors)")
        #expect(append.output == (1...9).map { "\($0)\n" }.joined())
        let segments = try FileManager.default.contentsOfDirectory(atPath: root.appending("journal")).filter { $0.hasSuffix(".seg") }.sorted()
        #expect(segments == ["00000000000000000001.seg", "00000000000000000004.seg", "00000000000000000007.seg"])
        let verify = await CommandRun(["verify", "--data", root.path, "--deep"])
        #expect(verify.status == .success)
        #expect(verify.output.hasPrefix("intact: 3 segment(s), 9 valid frame(s), 9 event(s), head seq 9"))
        let inspect = await CommandRun(["inspect", "--data", root.path, "--from-seq", "4", "--to-seq", "7"])
        #expect(inspect.output.split(separator: "\n").map { $0.prefix(9) } == [#"{"seq":4,"#, #"{"seq":5,"#, #"{"seq":6,"#, #"{"seq":7,"#])
    }

    /// The longest line `--stdin` accepts, 16 MiB without its newline, is appended whole, in
    /// pipe-sized chunks; one byte more is refused and the next line still appended.
    @Test func aSixteenMebibyteLineIsAppendedAndOneByteMoreIsNot() async throws {
        let root = try TemporaryDirectory("cli-long-line")
        defer { root.remove() }
        let head = #"{"type":"big","data":{"x":""#, tail = #""}}"#
        let limit = EventLineParser.maxLineLength
        let longest = head + String(repeating: "a", count: limit - head.utf8.count - tail.utf8.count) + tail
        let input = Array((longest + "\n" + head + "a" + String(longest.dropFirst(head.count)) + "\n" + #"{"type":"after","data":{}}"# + "\n").utf8)
        let chunks = stride(from: 0, to: input.count, by: 65_536).map { String(decoding: input[$0..<min($0 + 65_536, input.count)], as: UTF8.self) }
        let run = await CommandRun(["append", "--data", root.path, "--stdin", "--durability", "none"], input: chunks)
        #expect(run.output.split(separator: "\n") == ["1", "2"])
        #expect(run.errors == "mobius-dhash append: line 2: the line is longer than 16777216 bytes (16 MiB); split the event's data\n")
        let stats = await CommandRun(["stats", "--data", root.path, "--json"])
        #expect(stats.output.hasPrefix(#"{"eventsByType":{"after":1,"big":1}"#))
    }

    @Test func aDataFolderThatIsAFileIsNamedAsOne() async throws {
        let root = try TemporaryDirectory("cli-files")
        defer { root.remove() }
        let file = root.appending("plain")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.createDirectory(atPath: root.appending("data"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: root.appending("data/journal")))
        for command in [["append", "--type", "t", "--payload", "{}"], ["inspect"], ["verify"], ["stats"]] {
            let asData = await CommandRun(command + ["--data", file])
            #expect(asData.status == .usageOrUnreadable)
            #expect(asData.errors == "mobius-dhash \(command[0]): \(file) is a file, not a folder; pass --data DIR, the folder holding journal/\n")
            let asJournal = await CommandRun(command + ["--data", root.appending("data")])
            #expect(asJournal.status == .usageOrUnreadable)
            #expect(asJournal.errors == "mobius-dhash \(command[0]): \(root.path)/data/journal is a file, not a folder; pass --data DIR, the folder holding journal/\n")
        }
        let missing = await CommandRun(["append", "--type", "t", "--payload", "{}", "--data", root.appending("nowhere")])
        #expect(missing.status == .usageOrUnreadable)
        #expect(missing.errors == "mobius-dhash append: there is no folder \(root.path)/nowhere; create it, or pass --data DIR, the folder holding journal/\n")
    }

    @Test func lineErrorsCarryTheCommandAndStayOneLineEach() async throws {
        let root = try TemporaryDirectory("cli-lines")
        defer { root.remove() }
        let input = #"{"type":"ok","data":{}}"# + "\n" + #"{"type":"x","data":{},"bad\u001b[2Jkey":1}"# + "\n"
            + #"{"type":"a","type":"b","data":{}}"# + "\n" + "{\"type\":\"\(String(repeating: "y", count: 300)) z\",\"data\":{}}\n"
        let run = await CommandRun(["append", "--data", root.path, "--stdin"], input: [input])
        #expect(run.status == .checkFailed)
        #expect(run.output == "1\n")
        let lines = run.errors.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 && lines[3].isEmpty)
        #expect(lines[0] == #"mobius-dhash append: line 2: unknown key "bad\u001b[2Jkey" (allowed: type, data, requestId, v)"#)
        #expect(lines[1] == #"mobius-dhash append: line 3: "type" appears twice in one object (first at byte 1); give each key once"#)
        #expect(lines[2].hasPrefix("mobius-dhash append: line 4: event type '" + String(repeating: "y", count: 200) + "…'"))
    }
}
