import Foundation
import TestSupport
import Testing

/// `deploy` as real processes: a dry run writes nothing anywhere, a release replaces a real
/// `serve` process, and a binary that fails its health gate is rolled back.
@Suite struct DeployTests {
    /// Every file under `folder` with its size and modification time, to compare before and after.
    private static func listing(_ folder: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var lines: [String] = []
        while let path = enumerator?.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + path)
            lines.append("\(path) \(attributes?[.size] ?? 0) \((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
        }
        return lines.sorted()
    }

    @Test func aDryRunWritesNothingAtAllAndAnUnknownEnvironmentExitsTwo() async throws {
        try await onOwnThread { try Self.dryRun() }
    }

    private static func dryRun() throws {
        let directory = try TemporaryDirectory("mobius-deploy")
        defer { directory.remove() }
        let data = directory.appending("data"), work = directory.appending("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let card = directory.appending("card.pgm")
        try Data(GeneratedImage.pgm(seed: 3)).write(to: URL(fileURLWithPath: card))
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        #expect(try BuiltBinary.capture(["library", "add", card, "--data", data]).status == 0)
        let before = (listing(data), listing(work))
        let dry = try BuiltBinary.capture(["deploy", "--env", "staging", "--dry-run", "--data", data], in: work)
        #expect(dry.status == 0 && dry.out.contains("dry run: nothing is written") && dry.out.contains("001-initial"), "\(dry)")
        #expect(listing(data) == before.0 && listing(work) == before.1, "a dry run writes no file, not even a log")
        let unknown = try BuiltBinary.capture(["deploy", "--env", "qa", "--data", data])
        #expect(unknown.status == 2 && unknown.err.contains("staging or production"))
        #expect(listing(data) == before.0)
        #expect(try BuiltBinary.capture(["rollback", "--latest-deployment", "--force", "--dry-run", "--data", data]).status == 2, "no deployment yet")

        // Without a server the release is recorded offline, and --latest-deployment finds its snapshot.
        let offline = try BuiltBinary.capture(["deploy", "--env", "production", "--skip-backup", "--data", data])
        #expect(offline.status == 0 && offline.out.contains("recorded started and completed"), "\(offline)")
        let snapshot = try #require(offline.out.split(separator: "\n").first { $0.hasPrefix("snapshot ") }?.split(separator: " ")[1])
        let back = try BuiltBinary.capture(["rollback", "--latest-deployment", "--force", "--dry-run", "--data", data])
        #expect(back.status == 0 && back.out.contains("snapshot \(snapshot)"), "\(back)")
    }

    @Test func aReleaseReplacesTheServerAndAFailingBinaryIsRolledBack() async throws {
        try await onOwnThread { try Self.replaceAndRollBack() }
    }

    private static func replaceAndRollBack() throws {
        let directory = try TemporaryDirectory("mobius-deploy")
        defer { directory.remove() }
        let data = ["--data", directory.path]
        let server = try ServeProcess(data: directory.path, arguments: ["--image-root", directory.path, "--durability", "batch", "--sample-interval", "0"])
        var replacements: [Int32] = []
        defer { for pid in replacements { kill(pid, SIGKILL) } }
        func lockPid() -> Int32? {
            (try? String(contentsOfFile: directory.appending("journal/LOCK"), encoding: .utf8))?
                .split(separator: "\n").first { $0.hasPrefix("pid ") }.flatMap { Int32($0.dropFirst(4)) }
        }
        let card = directory.appending("card.pgm")
        try Data(GeneratedImage.pgm(seed: 1)).write(to: URL(fileURLWithPath: card))
        #expect(try BuiltBinary.capture(["library", "add", "--id", "card", card] + data).status == 0)

        let good = try BuiltBinary.capture(["deploy", "--env", "staging", "--health-timeout", "60s"] + data)
        #expect(good.status == 0 && good.out.contains("deployment.completed"), "\(good)")
        let released = try #require(lockPid())
        replacements.append(released)
        #expect(released != server.process.processIdentifier, "a new process holds the journal")
        // Reaped here: Foundation's waitUntilExit spins on a thread without a run loop when another
        // process (deploy) ended the child.
        var status: Int32 = -1, reaped: pid_t = 0
        for _ in 0..<600 {
            reaped = waitpid(server.process.processIdentifier, &status, WNOHANG)
            if reaped != 0 { break }
            usleep(50_000)
        }
        // Foundation may have reaped it first (ECHILD); either way it is gone, and if we reaped
        // it, it exited 0.
        #expect(reaped == server.process.processIdentifier ? status & 0xFFFF == 0 : errno == ECHILD, "the old server stopped cleanly on SIGTERM")

        let other = directory.appending("other.pgm")
        try Data(GeneratedImage.pgm(seed: 2)).write(to: URL(fileURLWithPath: other))
        #expect(try BuiltBinary.capture(["library", "add", "--id", "other", other] + data).status == 0)

        let broken = directory.appending("broken.sh")
        try "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'mobius-dhash 9.9.9'; exit 0; fi\nexit 3\n".write(toFile: broken, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: broken)
        let bad = try BuiltBinary.capture(["deploy", "--env", "staging", "--binary", broken, "--health-timeout", "5s", "--skip-backup"] + data)
        #expect(bad.status == 1 && bad.err.contains("rolled back to snapshot"), "\(bad)")
        let restored = try #require(lockPid())
        replacements.append(restored)
        #expect(restored != released, "the previous binary was started again")
        let releases = try BuiltBinary.capture(["replay", "--projection", "releases"] + data).out
        #expect(releases.contains(#""status":"failed""#) && releases.contains("9.9.9"), "\(releases)")
        let library = try BuiltBinary.capture(["library", "list"] + data).out
        #expect(library.contains("card") && library.contains("other"), "the snapshot taken just before the failed release holds both: \(library)")
        kill(restored, SIGTERM)
        for _ in 0..<600 where kill(restored, 0) == 0 { usleep(50_000) }
        #expect(try BuiltBinary.capture(["verify", "--deep"] + data).status == 0, "the journal verifies after it all")
    }
}
