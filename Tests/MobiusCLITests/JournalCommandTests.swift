import Foundation
import Journal
import MobiusCLI
import TestSupport
import POSIX
import Testing

/// Runs a command in-process, capturing its streams; `input` feeds `--stdin` in the given chunks.
struct CommandRun {
    var status: MobiusCLI.ExitStatus
    var output: String
    var errors: String

    init(_ arguments: [String], input: [String] = []) async {
        var output = "", errors = ""
        var chunks = input.map { Array($0.utf8) }
        let io = CommandIO(out: { output += $0 }, error: { errors += $0 }, readLine: { nil },
                           readChunk: { chunks.isEmpty ? nil : chunks.removeFirst() })
        status = await MobiusCommandLine.run(arguments, io: io)
        self.output = output
        self.errors = errors
    }
}

@Suite struct JournalCommandTests {
    @Test(arguments: [
        ["append"],
        ["append", "--type", "t"],
        ["append", "--type", "t", "--payload", "[1]"],
        ["append", "--type", "bad type", "--payload", "{}"],
        ["append", "--stdin", "--type", "t"],
        ["append", "--stdin", "--durability", "sometimes"],
        ["inspect", "--since", "yesterday"],
        ["inspect", "--limit", "0"],
        ["inspect", "--from-seq", "5", "--to-seq", "2"],
        ["inspect", "--bogus"],
        ["verify", "extra"],
        ["stats", "--json", "--deep"],
        ["bench"],
        ["bench", "journal", "--events", "x"],
    ])
    func badArgumentsExitTwoWithOneLine(arguments: [String]) async throws {
        let root = try TemporaryDirectory("cli")
        defer { root.remove() }
        let run = await CommandRun(arguments + ["--data", root.path])
        #expect(run.status == .usageOrUnreadable)
        #expect(run.errors.split(separator: "\n").count == 1, "\(run.errors)")
        #expect(run.output.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: root.appending("journal/LOCK")), "parsing touched nothing")
    }

    @Test func readCommandsOnAMissingJournalExitTwo() async throws {
        let root = try TemporaryDirectory("cli")
        defer { root.remove() }
        for command in ["inspect", "verify", "stats"] {
            let run = await CommandRun([command, "--data", root.path])
            #expect(run.status == .usageOrUnreadable)
            #expect(run.errors.contains("no journal at"))
        }
    }

    @Test func appendRefusesDataThatDoesNotDecodeAsItsDomainType() async throws {
        let root = try TemporaryDirectory("cli")
        defer { root.remove() }
        let single = await CommandRun(["append", "--data", root.path, "--type", "library.image.added", "--payload", #"{"hash":"00ff"}"#])
        #expect(single.status == .usageOrUnreadable)
        #expect(single.errors.contains("not a valid library.image.added v1 event"))
        let piped = await CommandRun(["append", "--data", root.path, "--stdin"], input: [#"{"type":"log.record","data":{"level":"info"}}"# + "\n"])
        #expect(piped.status == .checkFailed && piped.output.isEmpty)
    }

    @Test func appendInspectVerifyStatsRoundTrip() async throws {
        let root = try TemporaryDirectory("cli")
        defer { root.remove() }
        let single = await CommandRun(["append", "--data", root.path, "--type", "test.completed", "--payload", #"{"hash": "00ff"}"#, "--request-id", "r-1"])
        #expect(single.status == .success)
        #expect(single.output == "1\n")
        // Two chunks: the first holds two lines and half of a third.
        let lines = [
            #"{"type":"test.log","data":{"level":"info"}}"# + "\n" + #"{"type":"test.sample","v":2,"data":{"value":1.5},"requestId":"r-2"}"# + "\n" + #"{"type":"test.l"#,
            #"og","data":{}}"# + "\nnot json\n" + #"{"type":"x","data":{},"extra":1}"# + "\n" + #"{"data":{}}"# + "\n",
        ]
        let piped = await CommandRun(["append", "--data", root.path, "--stdin", "--durability", "batch"], input: lines)
        #expect(piped.output == "2\n3\n4\n")
        #expect(piped.status == .checkFailed, "malformed lines make the exit status 1")
        #expect(piped.errors == """
            mobius-dhash append: line 4: not a JSON object: expected '{' at byte 0
            mobius-dhash append: line 5: unknown key "extra" (allowed: type, data, requestId, v)
            mobius-dhash append: line 6: missing "type"

            """)

        let inspect = await CommandRun(["inspect", "--data", root.path, "--type", "test.sample", "--type", "test.completed"])
        #expect(inspect.status == .success)
        let envelopes = inspect.output.split(separator: "\n").map(String.init)
        #expect(envelopes.count == 2)
        #expect(envelopes[0].hasPrefix(#"{"seq":1,"ts":""#))
        #expect(envelopes[0].hasSuffix(#"","type":"test.completed","v":1,"requestId":"r-1","data":{"hash":"00ff"}}"#))
        #expect(envelopes[1].hasSuffix(#"","type":"test.sample","v":2,"requestId":"r-2","data":{"value":1.5}}"#))
        #expect(await CommandRun(["inspect", "--data", root.path, "--request-id", "r-2"]).output.contains(#""seq":3,"#))
        #expect(await CommandRun(["inspect", "--data", root.path, "--from-seq", "2", "--limit", "2"]).output.split(separator: "\n").count == 2)

        let verify = await CommandRun(["verify", "--data", root.path, "--deep"])
        #expect(verify.status == .success)
        #expect(verify.output.hasPrefix("intact: 1 segment(s), 3 valid frame(s), 4 event(s), head seq 4, chain "))

        let stats = await CommandRun(["stats", "--data", root.path, "--json"])
        #expect(stats.status == .success)
        #expect(stats.output.hasPrefix(#"{"eventsByType":{"test.completed":1,"test.log":2,"test.sample":1},"segments":1,"frames":3,"#))
        #expect(stats.output.contains(#""headSeq":4"#))
    }

    @Test func verifyExitsOneOnDamageAndInspectStillPrintsWhatIsBefore() async throws {
        let root = try TemporaryDirectory("cli")
        defer { root.remove() }
        for index in 1...3 {
            _ = await CommandRun(["append", "--data", root.path, "--durability", "none", "--type", "t", "--payload", #"{"n":\#(index)}"#])
        }
        let segment = root.appending("journal/00000000000000000001.seg")
        // As after a crash (no clean close, so no index of the active segment): write-open
        // scans the whole segment and meets the damage.
        try FileManager.default.removeItem(atPath: root.appending("journal/00000000000000000001.idx"))
        let reader = try SegmentReader(directory: root.appending("journal"), name: "00000000000000000001.seg", io: Kernel.live.io)
        var starts: [Int] = []
        while case .frame(let frame) = try reader.next() { starts.append(frame.fileOffset) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        bytes[starts[1] + 12] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: segment))
        let verify = await CommandRun(["verify", "--data", root.path])
        #expect(verify.status == .checkFailed)
        #expect(verify.output.contains("damage: 00000000000000000001.seg at byte \(starts[1]) (seq 2)"))
        #expect(verify.output.contains("corruption"))
        #expect(verify.output.contains("write-open: refuses"))
        let inspect = await CommandRun(["inspect", "--data", root.path])
        #expect(inspect.status == .checkFailed)
        #expect(inspect.errors.contains("stopped at damage"))
        #expect(inspect.output.hasPrefix(#"{"seq":1,"#) && inspect.output.split(separator: "\n").count == 1)
        let append = await CommandRun(["append", "--data", root.path, "--type", "t", "--payload", "{}"])
        #expect(append.status == .checkFailed)
        #expect(append.errors.contains("journal damaged"))
        #expect(append.output.isEmpty)
    }

    /// The golden `inspect` output of a journal written with a fixed clock. Re-record only on
    /// purpose: tools parse this format.
    @Test func inspectOutputMatchesTheGoldenFile() async throws {
        let root = try TemporaryDirectory("cli")
        defer { root.remove() }
        var now: UInt64 = 1_795_774_503_123_456
        let clock = Mutex(now)
        let writer = try JournalWriter.open(JournalConfiguration(
            directory: root.appending("journal"), durability: .none, preallocationByteCount: 0,
            clock: { clock.withLock { value in defer { value += 1_500_000 }; return value } }))
        _ = try await writer.append([try EventDraft(type: "extraction.completed", requestId: "9b2f", json: #"{"file":"rulebooks/catan/page-012-img-03.png","hash":"c3d2e1f0a9b8c7d6","confidence":0.97,"lowConfidence":false}"#)])
        _ = try await writer.append([
            try EventDraft(type: "metric.sample", json: #"{"name":"lcm_queue_length","value":3,"labels":{"env":"production"}}"#),
            try EventDraft(type: "log.record", version: 2, json: #"{"level":"info","message":"caf\u00e9 \"quoted\""}"#),
        ])
        try writer.close()
        now = 0
        let run = await CommandRun(["inspect", "--data", root.path])
        #expect(run.status == .success)
        #expect(run.output == """
            {"seq":1,"ts":"2026-11-27T10:15:03.123456Z","type":"extraction.completed","v":1,"requestId":"9b2f","data":{"file":"rulebooks/catan/page-012-img-03.png","hash":"c3d2e1f0a9b8c7d6","confidence":0.97,"lowConfidence":false}}
            {"seq":2,"ts":"2026-11-27T10:15:04.623456Z","type":"metric.sample","v":1,"data":{"name":"lcm_queue_length","value":3,"labels":{"env":"production"}}}
            {"seq":3,"ts":"2026-11-27T10:15:04.623456Z","type":"log.record","v":2,"data":{"level":"info","message":"caf\\u00e9 \\"quoted\\""}}

            """)
        let since = await CommandRun(["inspect", "--data", root.path, "--since", "2026-11-27T10:15:04Z"])
        #expect(since.output.split(separator: "\n").map { $0.prefix(9) } == [#"{"seq":2,"#, #"{"seq":3,"#])
        let until = await CommandRun(["inspect", "--data", root.path, "--until", "2026-11-27T10:15:04Z"])
        #expect(until.output.split(separator: "\n").count == 1)
    }
}

import Synchronization
