import Foundation
import Journal
import MobiusCLI
import POSIX
import Testing
import TestSupport

/// `backup create|verify|restore` on real files, with GNU `tar`, `gzip` and `sha256sum` as peers.
@Suite struct BackupCommandTests {
    /// A data folder with a journal of several segments (4 KiB each), a snapshot, and the files a
    /// backup must leave out (admin token, LOCK).
    static func makeDataFolder(_ root: TemporaryDirectory, events: Int = 1_500) async throws -> String {
        let data = root.appending("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let lines = (1...events).map { #"{"type":"test.event","data":{"n":\#($0),"note":"event number \#($0) of the backup tests"}}"# + "\n" }
        // In chunks, so the journal has many frames and so many segments.
        let chunks = stride(from: 0, to: lines.count, by: 7).map { lines[$0..<min(lines.count, $0 + 7)].joined() }
        let append = await CommandRun(["append", "--stdin", "--data", data, "--segment-bytes", "4KiB", "--durability", "none"], input: chunks)
        try #require(append.status == .success, "\(append.errors)")
        let snapshot = await CommandRun(["snapshot", "create", "--data", data, "--segment-bytes", "4KiB"])
        try #require(snapshot.status == .success, "\(snapshot.errors)")
        try "secret-token\n".write(toFile: data + "/admin-token", atomically: true, encoding: .utf8)
        return data
    }

    /// `backup create --out OUT --data DATA`, required to succeed.
    static func create(_ out: String, data: String) async throws -> CommandRun {
        let run = await CommandRun(["backup", "create", "--out", out, "--data", data])
        try #require(run.status == .success, "\(run.errors)")
        return run
    }

    /// A file member of an uncompressed tar: name, where its data starts, its size.
    struct Member { var name: String; var dataOffset: Int; var size: Int }

    /// The members of a ustar archive, read with nothing but the header layout.
    static func members(ofTar tar: [UInt8]) -> [Member] {
        var members: [Member] = []
        var offset = 0
        while offset + 512 <= tar.count, tar[offset..<(offset + 512)].contains(where: { $0 != 0 }) {
            let nameField = tar[offset..<(offset + 100)]
            let name = String(decoding: nameField.prefix { $0 != 0 }, as: UTF8.self)
            let size = Int(String(decoding: tar[(offset + 124)..<(offset + 135)], as: UTF8.self), radix: 8)!
            if tar[offset + 156] == UInt8(ascii: "0") { members.append(Member(name: name, dataOffset: offset + 512, size: size)) }
            offset += 512 + (size + 511) / 512 * 512
        }
        return members
    }

    static func read(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }
    static func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    /// `sha256sum` of `bytes`, as 64 hex digits.
    static func sha256(_ bytes: [UInt8]) throws -> String {
        String(try ExternalTool.run("sha256sum", ["-"], input: bytes).output.prefix(64))
    }

    /// Replaces `archive` with `tar` gzipped by GNU gzip and writes a matching sidecar with
    /// `sha256sum`, as someone who edited the archive consistently would.
    static func repack(_ tar: [UInt8], as archive: String) throws {
        let gzip = try ExternalTool.bytes("gzip", ["-c", "-n"], input: tar)
        try #require(gzip.status == 0)
        try write(gzip.output, archive)
        let folder = (archive as NSString).deletingLastPathComponent
        let name = (archive as NSString).lastPathComponent
        let sum = try ExternalTool.run("sha256sum", [name], in: folder)
        try sum.output.write(toFile: archive + ".sha256", atomically: true, encoding: .utf8)
    }

    @Test func aBackupRoundTripsAndTheRestoredFolderIsTheSource() async throws {
        let root = try TemporaryDirectory("backup")
        defer { root.remove() }
        let data = try await Self.makeDataFolder(root)
        let out = root.appending("b.tar.gz")
        let created = try await Self.create(out, data: data)
        #expect(created.output.contains("backup written: \(out)"))
        let verified = await CommandRun(["backup", "verify", out])
        #expect(verified.status == .success, "\(verified.errors)")
        #expect(verified.output.contains("verified: ") && verified.output.contains("(deep)") && verified.output.contains("1 of 1 snapshot(s) verified"))

        let restored = root.appending("restored")
        let restore = await CommandRun(["backup", "restore", out, "--to", restored])
        #expect(restore.status == .success, "\(restore.errors)")
        #expect(restore.output.contains("verified before and after"))
        #expect(await CommandRun(["verify", "--deep", "--data", restored]).status == .success)
        let source = await CommandRun(["inspect", "--data", data])
        #expect(await CommandRun(["inspect", "--data", restored]).output == source.output)
        let sourceState = await CommandRun(["replay", "--data", data])
        #expect(await CommandRun(["replay", "--data", restored]).output.contains(sourceState.output.components(separatedBy: "\"stateHash\":\"")[1].prefix(64)))
        // Sealed segments are byte-identical; the restored folder holds no secret and no LOCK.
        let segments = try FileManager.default.contentsOfDirectory(atPath: data + "/journal").filter { $0.hasSuffix(".seg") }.sorted()
        #expect(segments.count >= 3)
        for name in segments.dropLast() {
            #expect(Self.read(data + "/journal/" + name) == Self.read(restored + "/journal/" + name), "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: restored + "/admin-token"))
        #expect(!FileManager.default.fileExists(atPath: restored + "/journal/LOCK"))
        // The service can go on appending to the restored journal.
        let append = await CommandRun(["append", "--data", restored, "--type", "test.after", "--payload", "{}"])
        #expect(append.status == .success, "\(append.errors)")
    }

    @Test func gnuTarListsAndExtractsItAndSha256sumChecksTheSidecars() async throws {
        let root = try TemporaryDirectory("backup")
        defer { root.remove() }
        let data = try await Self.makeDataFolder(root)
        let out = root.appending("b.tar.gz")
        _ = try await Self.create(out, data: data)
        let listing = try ExternalTool.run("tar", ["-tzf", out])
        #expect(listing.status == 0 && listing.errors.isEmpty, "\(listing.errors)")
        let names = listing.output.split(separator: "\n").map(String.init)
        let segments = try FileManager.default.contentsOfDirectory(atPath: data + "/journal").filter { $0.hasSuffix(".seg") }.sorted()
        let expectedJournal = ["journal/"] + segments.flatMap { ["journal/" + $0, "journal/" + $0.dropLast(4) + ".idx"] }
        #expect(Array(names.prefix(expectedJournal.count)) == expectedJournal)
        #expect(names.suffix(2) == ["manifest.json", "manifest.json.sha256"])
        #expect(!names.contains { $0.contains("admin-token") || $0.contains("LOCK") || $0.contains("quarantine") })
        #expect(names.filter { $0.hasPrefix("snapshots/") }.count == 3)

        let extracted = root.appending("extracted")
        try FileManager.default.createDirectory(atPath: extracted, withIntermediateDirectories: true)
        let untar = try ExternalTool.run("tar", ["-xzf", out, "-C", extracted])
        #expect(untar.status == 0 && untar.errors.isEmpty, "\(untar.errors)")
        #expect(await CommandRun(["verify", "--deep", "--data", extracted]).status == .success)
        #expect(await CommandRun(["snapshot", "verify", "--deep", "--data", extracted]).status == .success)
        #expect(try ExternalTool.run("sha256sum", ["-c", "manifest.json.sha256"], in: extracted).status == 0)
        let snapshotSidecar = try #require(try FileManager.default.contentsOfDirectory(atPath: extracted + "/snapshots").first { $0.hasSuffix(".sha256") })
        #expect(try ExternalTool.run("sha256sum", ["-c", snapshotSidecar], in: extracted + "/snapshots").status == 0)

        let check = try ExternalTool.run("sha256sum", ["-c", "b.tar.gz.sha256"], in: root.path)
        #expect(check.status == 0 && check.output == "b.tar.gz: OK\n", "\(check.output)\(check.errors)")
    }

    @Test func aFlippedByteInAnyMemberIsFoundAndNamed() async throws {
        let root = try TemporaryDirectory("backup")
        defer { root.remove() }
        let data = try await Self.makeDataFolder(root, events: 700)
        let out = root.appending("b.tar.gz")
        _ = try await Self.create(out, data: data)
        let original = Self.read(out)
        let originalSidecar = Self.read(out + ".sha256")

        // A changed archive with its original sidecar: the sidecar check names it first.
        for position in [0, 9, original.count / 2, original.count - 1] {
            var flipped = original
            flipped[position] ^= 0x01
            try Self.write(flipped, out)
            let run = await CommandRun(["backup", "verify", out])
            #expect(run.status == .checkFailed, "byte \(position)")
            #expect(run.errors.contains("b.tar.gz.sha256 says"), "byte \(position): \(run.errors)")
        }

        // A changed member in an archive whose sidecar was remade: the manifest (or, for the
        // manifest itself, its checksum) names the member.
        let tar = try ExternalTool.bytes("gzip", ["-dc"], input: original).output
        let members = Self.members(ofTar: tar)
        #expect(members.count >= 8, "\(members.map(\.name))")
        for member in members {
            for position in [0, member.size / 2, member.size - 1] where member.size > 0 {
                var edited = tar
                edited[member.dataOffset + position] ^= 0x04
                try Self.repack(edited, as: out)
                let run = await CommandRun(["backup", "verify", out])
                #expect(run.status == .checkFailed, "\(member.name) byte \(position): \(run.output)")
                let named = member.name == "manifest.json.sha256" ? "manifest.json" : member.name
                #expect(run.errors.contains(named), "\(member.name) byte \(position): \(run.errors)")
                #expect(run.errors.split(separator: "\n").count == 1)
            }
        }

        // A segment edited and the manifest made to agree: the journal's own chain check finds it.
        let segment = try #require(members.first { $0.name.hasSuffix(".seg") })
        var edited = tar
        edited[segment.dataOffset + segment.size / 2] ^= 0x04
        let manifest = try #require(members.first { $0.name == "manifest.json" })
        var manifestText = String(decoding: tar[manifest.dataOffset..<(manifest.dataOffset + manifest.size)], as: UTF8.self)
        let oldHash = try Self.sha256(Array(tar[segment.dataOffset..<(segment.dataOffset + segment.size)]))
        let newHash = try Self.sha256(Array(edited[segment.dataOffset..<(segment.dataOffset + segment.size)]))
        manifestText = manifestText.replacingOccurrences(of: oldHash, with: newHash)
        edited.replaceSubrange(manifest.dataOffset..<(manifest.dataOffset + manifest.size), with: Array(manifestText.utf8))
        let sidecar = try #require(members.first { $0.name == "manifest.json.sha256" })
        let manifestLine = try Self.sha256(Array(manifestText.utf8)) + "  manifest.json\n"
        edited.replaceSubrange(sidecar.dataOffset..<(sidecar.dataOffset + sidecar.size), with: Array(manifestLine.utf8))
        try Self.repack(edited, as: out)
        let run = await CommandRun(["backup", "verify", out])
        #expect(run.status == .checkFailed)
        #expect(run.errors.contains("the journal in the backup is damaged: \(segment.name)"), "\(run.errors)")

        // The original verifies again: nothing above was a false alarm of a good archive.
        try Self.write(original, out)
        try Self.write(originalSidecar, out + ".sha256")
        #expect(await CommandRun(["backup", "verify", out]).status == .success)
    }

    @Test func unreadableInputExitsTwo() async throws {
        let root = try TemporaryDirectory("backup")
        defer { root.remove() }
        let missing = await CommandRun(["backup", "verify", root.appending("none.tar.gz")])
        #expect(missing.status == .usageOrUnreadable && missing.errors.contains("cannot read \(root.appending("none.tar.gz")): open failed"), "\(missing.errors)")
        let data = try await Self.makeDataFolder(root, events: 30)
        let out = root.appending("b.tar.gz")
        _ = try await Self.create(out, data: data)
        try FileManager.default.removeItem(atPath: out + ".sha256")
        let noSidecar = await CommandRun(["backup", "verify", out])
        #expect(noSidecar.status == .usageOrUnreadable && noSidecar.errors.contains("b.tar.gz.sha256"), "\(noSidecar.errors)")
        // Something that is not a backup, with a sidecar that matches it.
        try Self.write(Array("hello\n".utf8), root.appending("x.tar.gz"))
        try "\(try Self.sha256(Array("hello\n".utf8)))  x.tar.gz\n".write(toFile: root.appending("x.tar.gz.sha256"), atomically: true, encoding: .utf8)
        let notBackup = await CommandRun(["backup", "verify", root.appending("x.tar.gz")])
        #expect(notBackup.status == .usageOrUnreadable && notBackup.errors.contains("not gzip data"), "\(notBackup.errors)")
    }

    @Test func relativeAndAbsoluteOutWorkFromAnotherWorkingFolder() async throws {
        try BuiltBinary.require()
        let root = try TemporaryDirectory("backup")
        defer { root.remove() }
        let data = try await Self.makeDataFolder(root, events: 50)
        let elsewhere = root.appending("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere + "/backups", withIntermediateDirectories: true)
        let relative = try ExternalTool.run(BuiltBinary.path, ["backup", "create", "--out", "backups/rel.tar.gz", "--data", "../data"], in: elsewhere)
        #expect(relative.status == 0, "\(relative.errors)")
        #expect(relative.output.hasPrefix("backup written: backups/rel.tar.gz ("))
        #expect(FileManager.default.fileExists(atPath: elsewhere + "/backups/rel.tar.gz"))
        #expect(try ExternalTool.run("sha256sum", ["-c", "rel.tar.gz.sha256"], in: elsewhere + "/backups").status == 0)
        #expect(try ExternalTool.run(BuiltBinary.path, ["backup", "verify", "backups/rel.tar.gz"], in: elsewhere).status == 0)
        let bare = try ExternalTool.run(BuiltBinary.path, ["backup", "create", "--out", "bare.tar.gz", "--data", data], in: elsewhere)
        #expect(bare.status == 0 && FileManager.default.fileExists(atPath: elsewhere + "/bare.tar.gz"), "\(bare.errors)")
        #expect(try ExternalTool.run("sha256sum", ["-c", "bare.tar.gz.sha256"], in: elsewhere).status == 0)
        let absolute = try ExternalTool.run(BuiltBinary.path, ["backup", "create", "--out", root.appending("abs.tar.gz"), "--data", data], in: "/")
        #expect(absolute.status == 0, "\(absolute.errors)")
        #expect(try ExternalTool.run("sha256sum", ["-c", "abs.tar.gz.sha256"], in: root.path).status == 0)
        // No temporary file is left anywhere.
        for folder in [elsewhere, elsewhere + "/backups", root.path] {
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.contains("incomplete") }, "\(folder)")
        }
    }

    @Test func createRefusesWhatItCannotDoAndLeavesNothing() async throws {
        let root = try TemporaryDirectory("backup")
        defer { root.remove() }
        let data = try await Self.makeDataFolder(root)
        let noOut = await CommandRun(["backup", "create", "--data", data])
        #expect(noOut.status == .usageOrUnreadable && noOut.errors.contains("needs --out FILE"))
        let noFolder = await CommandRun(["backup", "create", "--out", root.appending("nope/b.tar.gz"), "--data", data])
        #expect(noFolder.status == .usageOrUnreadable && noFolder.errors.contains("there is no folder"))
        let noJournal = await CommandRun(["backup", "create", "--out", root.appending("b.tar.gz"), "--data", root.appending("nothing")])
        #expect(noJournal.status == .usageOrUnreadable)
        _ = try await Self.create(root.appending("b.tar.gz"), data: data)
        let before = Self.read(root.appending("b.tar.gz"))
        let exists = await CommandRun(["backup", "create", "--out", root.appending("b.tar.gz"), "--data", data])
        #expect(exists.status == .usageOrUnreadable && exists.errors.contains("exists"))
        #expect(Self.read(root.appending("b.tar.gz")) == before)

        // Damage in a sealed segment: exit 1 naming it, and no backup.
        let segments = try FileManager.default.contentsOfDirectory(atPath: data + "/journal").filter { $0.hasSuffix(".seg") }.sorted()
        try #require(segments.count >= 3)
        let damaged = data + "/journal/" + segments[1]
        var bytes = Self.read(damaged)
        bytes[bytes.count / 2] ^= 0x20
        try Self.write(bytes, damaged)
        let refused = await CommandRun(["backup", "create", "--out", root.appending("c.tar.gz"), "--data", data])
        #expect(refused.status == .checkFailed)
        #expect(refused.errors.contains(segments[1]), "\(refused.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix("c.tar.gz") || $0.contains("incomplete") }.isEmpty)
    }

    @Test func restoreRefusesABusyOrNonEmptyFolderAndABackupThatDoesNotVerify() async throws {
        let root = try TemporaryDirectory("backup")
        defer { root.remove() }
        let data = try await Self.makeDataFolder(root, events: 80)
        let out = root.appending("b.tar.gz")
        _ = try await Self.create(out, data: data)

        let occupied = root.appending("occupied")
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        try "keep me\n".write(toFile: occupied + "/notes.txt", atomically: true, encoding: .utf8)
        let refused = await CommandRun(["backup", "restore", out, "--to", occupied])
        #expect(refused.status == .usageOrUnreadable && refused.errors.contains("not empty") && refused.errors.contains("--force"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied) == ["notes.txt"])

        let file = root.appending("file")
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(await CommandRun(["backup", "restore", out, "--to", file]).status == .usageOrUnreadable)
        #expect(await CommandRun(["backup", "restore", out]).errors.contains("needs --to DIR"))

        // --force replaces journal/ and snapshots/, keeps them aside, and leaves other files.
        let forced = await CommandRun(["backup", "restore", out, "--to", occupied, "--force"])
        #expect(forced.status == .success, "\(forced.errors)")
        #expect(FileManager.default.fileExists(atPath: occupied + "/notes.txt"))
        let again = await CommandRun(["backup", "restore", out, "--to", occupied, "--force"])
        #expect(again.status == .success && again.output.contains("moved aside: \(occupied)/journal.replaced-"), "\(again.errors)")

        // A writer holding the target's journal: refused even with --force.
        var configuration = JournalConfiguration(directory: occupied + "/journal")
        configuration.durability = .none
        let writer = try JournalWriter.open(configuration)
        let busy = await CommandRun(["backup", "restore", out, "--to", occupied, "--force"])
        #expect(busy.status == .usageOrUnreadable && busy.errors.contains("holds"), "\(busy.errors)")
        try writer.close()

        // A damaged backup: nothing is put in place, no staging folder is left.
        var archive = Self.read(out)
        archive[archive.count / 3] ^= 0x40
        try Self.write(archive, out)
        let target = root.appending("fresh")
        let damaged = await CommandRun(["backup", "restore", out, "--to", target])
        #expect(damaged.status == .checkFailed)
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).allSatisfy { !$0.contains("restore-incomplete") })
    }

    @Test func aBackupTakenWhileAppendsContinueVerifiesAndRestoresAPrefix() async throws {
        let root = try TemporaryDirectory("backup")
        defer { root.remove() }
        let data = try await Self.makeDataFolder(root, events: 50)
        let stop = StopFlag()
        let appender = Thread {
            do {
                var configuration = JournalConfiguration(directory: data + "/journal", durability: .none, segmentByteLimit: 16 << 10)
                configuration.preallocationByteCount = 4096
                let writer = try JournalWriter.open(configuration)
                var n = 0
                while !stop.isSet {
                    n += 1
                    let drafts = try (0..<(1 + n % 5)).map { _ in try EventDraft(type: "test.live", json: #"{"n":\#(n),"pad":"live appends while a backup runs"}"#) }
                    _ = try writer.append(drafts)
                }
                try writer.close()
            } catch {
                stop.fail("\(error)")
            }
            stop.finish()
        }
        appender.start()
        var heads: [UInt64] = []
        for index in 0..<6 {
            let out = root.appending("live-\(index).tar.gz")
            let created = await CommandRun(["backup", "create", "--out", out, "--data", data])
            #expect(created.status == .success, "\(created.errors)")
            let head = created.output.components(separatedBy: "head seq ").dropFirst().first.flatMap { UInt64($0.prefix { $0.isNumber }) }
            heads.append(head ?? 0)
            let verified = await CommandRun(["backup", "verify", out])
            #expect(verified.status == .success, "backup \(index): \(verified.errors)")
        }
        stop.set()
        while !stop.isFinished { try await Task.sleep(for: .milliseconds(5)) }
        #expect(stop.failure == nil, "\(stop.failure ?? "")")
        #expect(heads == heads.sorted() && heads.last! > heads.first!, "the appender made progress between backups: \(heads)")
        let restored = root.appending("restored")
        #expect(await CommandRun(["backup", "restore", root.appending("live-5.tar.gz"), "--to", restored]).status == .success)
        let prefix = await CommandRun(["inspect", "--data", data, "--to-seq", String(heads[5])])
        #expect(await CommandRun(["inspect", "--data", restored]).output == prefix.output)
    }
}

/// The appender thread's stop signal and outcome.
final class StopFlag: @unchecked Sendable {
    // @unchecked Sendable: every access holds `lock`.
    private let lock = NSLock()
    private var stopped = false
    private var finished = false
    private var error: String?

    func set() { lock.withLock { stopped = true } }
    var isSet: Bool { lock.withLock { stopped } }
    func finish() { lock.withLock { finished = true } }
    var isFinished: Bool { lock.withLock { finished } }
    func fail(_ text: String) { lock.withLock { error = text } }
    var failure: String? { lock.withLock { error } }
}
