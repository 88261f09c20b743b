import Foundation
import JSON
import TestSupport
import Testing

/// The domain commands against a real data folder: extract, library, lcm, snapshot, replay,
/// restore, rollback, each run in-process with its streams captured.
@Suite struct DomainCommandTests {
    private func folder() throws -> (TemporaryDirectory, [String]) {
        let directory = try TemporaryDirectory("mobius-domain-cli")
        let files = try (1...3).map { seed in
            let path = directory.appending("card\(seed).pgm")
            try Data(GeneratedImage.pgm(seed: UInt64(seed))).write(to: URL(fileURLWithPath: path))
            return path
        }
        return (directory, files)
    }

    private func object(_ line: Substring) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func aLibraryThenExtractionsThenTheQueueAndAReplay() async throws {
        let (directory, files) = try folder()
        defer { directory.remove() }
        let data = ["--data", directory.path, "--durability", "none"]
        let added = await CommandRun(["library", "add", "--id", "card-1", files[0]] + data)
        #expect(added.status == .success, "\(added.errors)")
        #expect(try object(added.output.split(separator: "\n")[0])["id"] as? String == "card-1")

        let again = await CommandRun(["library", "add", files[0]] + data)
        #expect(again.status == .checkFailed)
        #expect(again.errors.contains("already in the library as card-1"))

        let extracted = await CommandRun(["extract", files[0], files[1], directory.appending("absent.png")] + data)
        #expect(extracted.status == .usageOrUnreadable)
        let lines = extracted.output.split(separator: "\n")
        #expect(lines.count == 3)
        let exact = try object(lines[0]), unknown = try object(lines[1]), missing = try object(lines[2])
        #expect(exact["confidence"] as? Double == 1 && (exact["match"] as? [String: Any])?["imageId"] as? String == "card-1")
        #expect(unknown["lowConfidence"] as? Bool == true)
        #expect(missing["kind"] as? String == "missing")
        let itemId = try #require(unknown["reviewItemId"] as? String)

        let queue = await CommandRun(["lcm", "list"] + data.prefix(2))
        #expect(queue.output.contains(itemId))
        let resolved = await CommandRun(["lcm", "resolve", itemId, "--decision", "add-to-library"] + data)
        #expect(resolved.status == .success, "\(resolved.errors)")
        let twice = await CommandRun(["lcm", "resolve", itemId, "--decision", "reject"] + data)
        #expect(twice.status == .checkFailed)

        let listed = await CommandRun(["library", "list"] + data.prefix(2))
        #expect(listed.output.contains("2 image(s)"))
        let before = await CommandRun(["library", "list", "--seq", "1"] + data.prefix(2))
        #expect(before.output.contains("1 image(s) at seq 1"))

        let summary = await CommandRun(["replay"] + data.prefix(2))
        let replayed = try object(Substring(summary.output.trimmingCharacters(in: .newlines)))
        #expect(replayed["library"] as? Int == 2)
        #expect((replayed["metrics"] as? [String: Any])?["total_extractions"] as? Int == 3)
    }

    @Test func snapshotsVerifyAndATamperedOneFailsWithStatusOne() async throws {
        let (directory, files) = try folder()
        defer { directory.remove() }
        let data = ["--data", directory.path, "--durability", "none"]
        _ = await CommandRun(["library", "add"] + files + data)
        let created = await CommandRun(["snapshot", "create"] + data)
        #expect(created.status == .success, "\(created.errors)")
        let id = String(created.output.prefix { $0 != " " })
        #expect(await CommandRun(["snapshot", "verify", "--deep"] + data.prefix(2)).status == .success)

        let path = directory.appending("snapshots/\(id).snapshot")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 5] ^= 0x04
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let verify = await CommandRun(["snapshot", "verify"] + data.prefix(2))
        #expect(verify.status == .checkFailed)
        #expect(verify.output.contains("REFUSED"))
        let rollback = await CommandRun(["rollback", "--to-snapshot", id, "--force"] + data)
        #expect(rollback.status == .checkFailed)
    }

    @Test func rollbackNeedsForceWhileHealthyAndDryRunAppendsNothing() async throws {
        let (directory, files) = try folder()
        defer { directory.remove() }
        let data = ["--data", directory.path, "--durability", "none"]
        _ = await CommandRun(["library", "add", files[0]] + data)
        _ = await CommandRun(["library", "add", files[1], files[2]] + data)
        let refused = await CommandRun(["rollback", "--to-seq", "1"] + data)
        #expect(refused.status == .checkFailed)
        #expect(refused.errors.contains("--force"))
        let head = await CommandRun(["replay"] + data.prefix(2))
        let dry = await CommandRun(["rollback", "--to-seq", "1", "--force", "--dry-run"] + data)
        #expect(dry.status == .success)
        #expect(dry.output.contains("library: 3 → 1 image(s)"))
        #expect(await CommandRun(["replay"] + data.prefix(2)).output == head.output)
        let done = await CommandRun(["rollback", "--to-seq", "1", "--force"] + data)
        #expect(done.status == .success, "\(done.errors)")
        #expect(await CommandRun(["library", "list"] + data.prefix(2)).output.contains("1 image(s)"))
    }

    @Test func restoreWritesAFolderThatReplaysToTheSameState() async throws {
        let (directory, files) = try folder()
        defer { directory.remove() }
        let data = ["--data", directory.path, "--durability", "none"]
        _ = await CommandRun(["library", "add"] + files + data)
        _ = await CommandRun(["extract"] + files + data)
        let target = directory.appending("restored")
        let restored = await CommandRun(["restore", "--seq", "4", "--to", target] + data.prefix(2))
        #expect(restored.status == .success, "\(restored.errors)")
        let original = await CommandRun(["replay", "--seq", "4", "--projection", "library"] + data.prefix(2))
        let copy = await CommandRun(["replay", "--projection", "library", "--data", target])
        #expect(copy.output == original.output)
        #expect(await CommandRun(["verify", "--data", target]).status == .success)
        let busy = await CommandRun(["restore", "--seq", "2", "--to", target] + data.prefix(2))
        #expect(busy.status == .usageOrUnreadable)
    }

    @Test(arguments: [
        ["extract"],
        ["library", "add", "--id", "x", "a.png", "b.png"],
        ["library", "show"],
        ["lcm", "resolve", "lcm-1"],
        ["lcm", "resolve", "lcm-1", "--decision", "maybe"],
        ["lcm", "resolve", "lcm-1", "--decision", "accept", "--image-id", "x"],
        ["replay", "--seq", "1", "--at", "2026-01-01"],
        ["replay", "--projection", "nope"],
        ["restore", "--to", "x"],
        ["restore", "--seq", "1"],
        ["rollback"],
        ["rollback", "--to-seq", "1", "--to-snapshot", "s"],
    ])
    func usageErrorsExitTwoWithOneLine(arguments: [String]) async {
        let run = await CommandRun(arguments)
        #expect(run.status == .usageOrUnreadable)
        #expect(run.output.isEmpty)
        #expect(run.errors.split(separator: "\n").count == 1)
    }
}

extension DomainCommandTests {
    private func snapshotFiles(_ directory: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.appending("snapshots"))) ?? []).filter { $0.hasSuffix(".snapshot") }
    }

    /// A one-shot command snapshots on close only once many events follow the newest snapshot
    /// (a shell loop extracting one file per call wrote a whole snapshot per call); a rollback
    /// snapshots whatever it folded.
    @Test func oneShotCommandsSnapshotOnCloseOnlyAfterManyEvents() async throws {
        let (directory, files) = try folder()
        defer { directory.remove() }
        let data = ["--data", directory.path, "--durability", "none"]
        #expect(await CommandRun(["extract", files[0]] + data).status == .success)
        #expect(await CommandRun(["library", "add", files[1]] + data).status == .success)
        #expect(snapshotFiles(directory).isEmpty, "a few events after no snapshot: none written")

        let lines = (1...10_000).map { #"{"type":"test.event","data":{"n":\#($0)}}"# + "\n" }
        #expect(await CommandRun(["append", "--stdin"] + data, input: [lines.joined()]).status == .success)
        #expect(snapshotFiles(directory).isEmpty, "append writes through the journal alone")
        #expect(await CommandRun(["extract", files[2]] + data).status == .success)
        #expect(snapshotFiles(directory).count == 1, "10,000 events and more after none: the close snapshots them")
        #expect(await CommandRun(["extract", files[0]] + data).status == .success)
        #expect(snapshotFiles(directory).count == 1, "one more event: no second snapshot")

        let listed = await CommandRun(["snapshot", "list", "--data", directory.path])
        let id = try #require(listed.output.split(separator: "\n").last.map { String($0.prefix { $0 != " " }) })
        let rolledBack = await CommandRun(["rollback", "--to-snapshot", id, "--force", "--reason", "test"] + data)
        #expect(rolledBack.status == .success, "\(rolledBack.errors)")
        // The emergency snapshot, then the one the close took after rollback.performed.
        #expect(snapshotFiles(directory).count == 3)
    }
}

extension DomainCommandTests {
    /// `extract` reads its first files while the engine opens: an open that fails still ends
    /// the command with the open's one-line reason and exit 1, and nothing is appended.
    @Test func extractOnAJournalThatCannotOpenReportsTheOpenFailure() async throws {
        let (directory, files) = try folder()
        defer { directory.remove() }
        let data = ["--data", directory.path, "--durability", "none"]
        // Two frames: damage in the last one would be a torn tail, which recovery cuts off.
        for _ in 0..<2 {
            #expect(await CommandRun(["append", "--stdin"] + data, input: [#"{"type":"test.event","data":{}}"# + "\n"]).status == .success)
        }
        let segment = directory.appending("journal/00000000000000000001.seg")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: segment)))
        bytes[72] ^= 0x01  // inside the first frame (the segment header is 64 bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        let run = await CommandRun(["extract"] + files + data)
        #expect(run.status == .checkFailed, "\(run.errors)")
        #expect(run.output.isEmpty && run.errors.split(separator: "\n").count == 1 && run.errors.contains("damaged"), "\(run.errors)")
    }
}

extension DomainCommandTests {
    /// The data folder on a tmpfs of `kilobytes`, unmounted after `body`; nil when this machine
    /// does not let the test mount one (not root, no tmpfs).
    private func onSmallDisk(kilobytes: Int, _ body: (String) async throws -> Void) async throws -> Bool {
        let directory = try TemporaryDirectory("mobius-full-disk")
        defer { directory.remove() }
        let data = directory.appending("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        guard (try? ExternalTool.run("mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", data]))?.status == 0 else { return false }
        defer { _ = try? ExternalTool.run("umount", [data]) }
        try await body(data)
        return true
    }

    /// A full disk while extracting: the files recorded before it are still printed, each
    /// other file gets a "not recorded" line, and the status is 1 (the journal refused a write).
    /// (8 KiB fills up in the middle of the appends; 64 KiB only when closing writes the index.)
    @Test(arguments: [8, 64])
    func aFullDiskStillPrintsWhatWasRecorded(kilobytes: Int) async throws {
        let images = try TemporaryDirectory("mobius-full-disk-images")
        defer { images.remove() }
        let files = try (0..<110).map { index in
            let path = images.appending("p\(index).pgm")
            try Data(GeneratedImage.pgm(seed: UInt64(500 + index))).write(to: URL(fileURLWithPath: path))
            return path
        }
        let mounted = try await onSmallDisk(kilobytes: kilobytes) { data in
            let run = await CommandRun(["extract", "--workers", "4", "--durability", "always", "--data", data] + files)
            #expect(run.status == .checkFailed, "\(run.errors)")
            let printed = run.output.split(separator: "\n")
            let refused = run.errors.split(separator: "\n").filter { $0.contains(": not recorded: ") }
            #expect(kilobytes > 8 || !refused.isEmpty, "8 KiB fills up before the last append")
            #expect(printed.count + refused.count == files.count, "\(printed.count) printed, \(refused.count) refused: \(run.errors.prefix(400))")
            // Whatever was printed is in the journal.
            let recorded = await CommandRun(["inspect", "--type", "extraction.completed", "--data", data])
            let seqs = Set(recorded.output.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["seq"] as? Int
            })
            for line in printed {
                let seq = try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["seq"] as? Int)
                #expect(seqs.contains(seq), "printed seq \(seq) is not in the journal")
            }
        }
        if !mounted { print("skipped: cannot mount a tmpfs here") }
    }
}

extension DomainCommandTests {
    /// Each file that cannot be decoded gets one line naming it (the decoder's reason alone did
    /// not say which of many files it was).
    @Test func anUndecodableFileIsNamedInItsErrorLine() async throws {
        let (directory, files) = try folder()
        defer { directory.remove() }
        let empty = directory.appending("empty.png"), header = directory.appending("header-only.pgm")
        try Data().write(to: URL(fileURLWithPath: empty))
        try Data("P5\n36 32\n255\n".utf8).write(to: URL(fileURLWithPath: header))
        let run = await CommandRun(["extract", files[0], empty, header, "--data", directory.path, "--durability", "none"])
        #expect(run.status == .usageOrUnreadable)
        let lines = run.errors.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].contains("\(empty): ") && lines[1].contains("\(header): "), "\(run.errors)")
        #expect(run.output.split(separator: "\n").count == 3, "a line per file, the failures included")
    }
}
