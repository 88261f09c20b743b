import Foundation
import Journal
@testable import MobiusCLI
import Testing
import TestSupport

/// The real binary started with standard descriptors closed must not hand their numbers to the
/// journal's files (before the fix, `append … <&- >&-` wrote its seq over the segment header, and
/// with standard input closed `append --stdin` read `LOCK`).
@Suite struct StandardDescriptorsTests {
    /// Every non-empty set of closed descriptors among 0, 1, 2.
    static let closedSets: [[Int]] = [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]]

    private struct Child {
        var outcome: BuiltBinary.Outcome
        var output: String?
        var errors: String?
    }

    private func run(_ arguments: [String], closing closed: [Int], in folder: TemporaryDirectory) throws -> Child {
        try FileManager.default.createDirectory(atPath: folder.appending("data"), withIntermediateDirectories: true)
        let output = folder.appending("stdout"), errors = folder.appending("stderr")
        let streams = [closed.contains(0) ? nil : "/dev/null", closed.contains(1) ? nil : output, closed.contains(2) ? nil : errors]
        let outcome = try BuiltBinary.spawn(arguments, streams: streams)
        let read = { (path: String) in try? String(contentsOfFile: path, encoding: .utf8) }
        return Child(outcome: outcome, output: closed.contains(1) ? nil : read(output), errors: closed.contains(2) ? nil : read(errors))
    }

    /// LOCK holds the child's pid line and nothing else; the segment starts with its magic; the
    /// journal verifies with `events` events.
    private func expectIntactJournal(_ data: String, events: Int, pid: pid_t, closed: [Int]) throws {
        let journal = data + "/journal"
        #expect(try String(contentsOfFile: journal + "/" + JournalFormat.lockFile, encoding: .utf8) == "pid \(pid)\n", "closed \(closed)")
        let segments = try FileManager.default.contentsOfDirectory(atPath: journal).filter { $0.hasSuffix(".seg") }
        for segment in segments {
            let head = try Data(contentsOf: URL(fileURLWithPath: journal + "/" + segment)).prefix(4)
            #expect(Array(head) == JournalFormat.segmentMagic, "closed \(closed): \(segment)")
        }
        let report = try JournalVerifier.verify(directory: journal, deep: true)
        #expect(report.isIntact, "closed \(closed): \(report.damages)")
        #expect(report.eventCount == events, "closed \(closed)")
    }

    @Test(arguments: closedSets)
    func appendWithClosedDescriptorsKeepsTheJournalIntact(closed: [Int]) throws {
        try BuiltBinary.require()
        let folder = try TemporaryDirectory("closed-fds")
        defer { folder.remove() }
        let data = folder.appending("data")
        for round in 1...2 {
            let child = try run(["append", "--data", data, "--type", "b", "--payload", #"{"round":\#(round)}"#], closing: closed, in: folder)
            #expect(child.outcome.status == 0, "closed \(closed): \(child.errors ?? "")")
            if let output = child.output { #expect(output == "\(round)\n") }
            if let errors = child.errors { #expect(errors.isEmpty) }
            try expectIntactJournal(data, events: round, pid: child.outcome.pid, closed: closed)
        }
    }

    @Test(arguments: closedSets.filter { $0.contains(0) })
    func appendFromAClosedStandardInputAppendsNothing(closed: [Int]) throws {
        try BuiltBinary.require()
        let folder = try TemporaryDirectory("closed-fds")
        defer { folder.remove() }
        let data = folder.appending("data")
        let child = try run(["append", "--data", data, "--stdin"], closing: closed, in: folder)
        #expect(child.outcome.status == 0, "closed \(closed): \(child.errors ?? "")")
        if let output = child.output { #expect(output.isEmpty) }
        if let errors = child.errors { #expect(errors.isEmpty, "read something that was not input: \(errors)") }
        try expectIntactJournal(data, events: 0, pid: child.outcome.pid, closed: closed)
    }

    @Test func readCommandsStillReportOnStandardOutput() throws {
        try BuiltBinary.require()
        let folder = try TemporaryDirectory("closed-fds")
        defer { folder.remove() }
        let data = folder.appending("data")
        _ = try run(["append", "--data", data, "--type", "b", "--payload", "{}"], closing: [0], in: folder)
        let child = try run(["verify", "--data", data], closing: [0, 2], in: folder)
        #expect(child.outcome.status == 0)
        #expect(child.output?.hasPrefix("intact: 1 segment(s), 1 valid frame(s), 1 event(s)") == true)
    }
}
