import Foundation
import Journal
@testable import MobiusCLI
import Synchronization
import Testing
import TestSupport

/// Following a journal that another process writes: the journal's follower, and
/// `inspect --follow` on top of it.
@Suite(.timeLimit(.minutes(3))) struct InspectFollowTests {
    /// Lines a command printed, readable while it runs.
    final class Output: Sendable {
        private let text = Mutex("")
        var lines: [Substring] { text.withLock { $0 }.split(separator: "\n") }
        var io: CommandIO { CommandIO(out: { line in self.text.withLock { $0 += line } }, error: { line in self.text.withLock { $0 += "error: " + line } }, readLine: { nil }) }
    }

    /// Appends one event with the built binary, as a process of its own, into segments of 4 KiB.
    private func appendInAnotherProcess(data: String, index: Int) throws {
        var generator = SeededGenerator(seed: UInt64(index))
        let blob = (0..<100).map { _ in String(generator.next(), radix: 16) }.joined()
        let outcome = try BuiltBinary.spawn(["append", "--data", data, "--segment-bytes", "4KiB", "--type", "test.appended",
                                             "--payload", #"{"index":\#(index),"blob":"\#(blob)"}"#], streams: ["/dev/null", "/dev/null", "/dev/null"])
        try #require(outcome.status == 0)
    }

    /// Starts `mobius-dhash inspect` with `arguments` on the data folder `data` in a task of its
    /// own; returns what it prints (as it prints it) and the task, whose value is its status.
    private func startInspect(_ arguments: [String], data: String) -> (Output, Task<MobiusCLI.ExitStatus, Never>) {
        let output = Output()
        let io = output.io
        return (output, Task { await MobiusCommandLine.run(["inspect"] + arguments + ["--data", data], io: io) })
    }

    @Test func aFollowerReceivesWhatAWriterInAnotherProcessAppends() async throws {
        try BuiltBinary.require()
        let root = try TemporaryDirectory("follow-process")
        defer { root.remove() }
        try appendInAnotherProcess(data: root.path, index: 0)
        let follower = JournalReader(directory: root.appending("journal")).follow()
        let seen = Mutex<[JournalEvent]>([])
        let task = Task {
            for try await event in follower { seen.withLock { $0.append(event) } }
        }
        #expect(await eventually { seen.withLock { $0.count } == 1 })
        for index in 1..<12 { try appendInAnotherProcess(data: root.path, index: index) }
        #expect(await eventually { seen.withLock { $0.count } == 12 })
        task.cancel()
        try await task.value
        let events = seen.withLock { $0 }
        #expect(events.map(\.seq) == Array(1...12))
        #expect(events.map { String(decoding: $0.data, as: UTF8.self).hasPrefix(#"{"index":\#($0.seq - 1),"#) } == Array(repeating: true, count: 12))
        let segments = try FileManager.default.contentsOfDirectory(atPath: root.appending("journal")).filter { $0.hasSuffix(".seg") }
        #expect(segments.count > 1, "the follower went across segment rolls")
    }

    @Test func inspectFollowPrintsNewEventsUntilItIsCancelled() async throws {
        try BuiltBinary.require()
        let root = try TemporaryDirectory("inspect-follow")
        defer { root.remove() }
        try appendInAnotherProcess(data: root.path, index: 0)
        let (output, run) = startInspect(["--follow"], data: root.path)
        #expect(await eventually { output.lines.count == 1 })
        for index in 1..<4 { try appendInAnotherProcess(data: root.path, index: index) }
        #expect(await eventually { output.lines.count == 4 })
        run.cancel()
        #expect(await run.value == .success)
        #expect(output.lines.map { $0.hasPrefix(#"{"seq":"#) } == [true, true, true, true])
        #expect(output.lines.enumerated().allSatisfy { $1.hasPrefix(#"{"seq":\#($0 + 1),"#) })
    }

    @Test func inspectFollowWithALimitEndsOnItsOwn() async throws {
        try BuiltBinary.require()
        let root = try TemporaryDirectory("inspect-follow-limit")
        defer { root.remove() }
        try appendInAnotherProcess(data: root.path, index: 0)
        let (output, run) = startInspect(["--follow", "--limit", "3"], data: root.path)
        for index in 1..<5 { try appendInAnotherProcess(data: root.path, index: index) }
        #expect(await run.value == .success)
        #expect(output.lines.count == 3)
    }

    @Test func inspectFollowStopsAtCorruptionWithStatusOne() async throws {
        try BuiltBinary.require()
        let root = try TemporaryDirectory("inspect-follow-damage")
        defer { root.remove() }
        for index in 0..<8 { try appendInAnotherProcess(data: root.path, index: index) }
        let journal = root.appending("journal")
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: journal).filter { $0.hasSuffix(".seg") }.sorted().first)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: journal + "/" + first))
        try handle.seek(toOffset: 64 + 20)
        try handle.write(contentsOf: Data([0xFF, 0xFF]))
        try handle.close()
        let (output, run) = startInspect(["--follow"], data: root.path)
        let status = await run.value
        #expect(status == .checkFailed)
        #expect(output.lines.last?.contains("journal damaged") == true)
    }
}
