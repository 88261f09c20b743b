import Foundation
import Journal
@testable import MobiusCore
import POSIX
import Testing
import TestSupport

/// The backup API on its own: edge cases of the source, and faults injected through the funnel.
@Suite struct BackupTests {
    /// A data folder whose journal holds `events` one-event frames in 4 KiB segments.
    static func makeJournal(_ root: TemporaryDirectory, events: Int) throws -> String {
        let data = root.appending("data")
        try FileManager.default.createDirectory(atPath: data + "/journal", withIntermediateDirectories: true)
        guard events > 0 else { return data }
        let writer = try JournalWriter.open(JournalConfiguration(directory: data + "/journal", durability: .none, segmentByteLimit: 4096))
        for n in 1...events { _ = try writer.append([try EventDraft(type: "test.event", json: #"{"n":\#(n)}"#)]) }
        try writer.close()
        return data
    }

    static func names(in folder: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    @Test func anEmptyJournalBacksUpVerifiesAndRestores() throws {
        let root = try TemporaryDirectory("backup-core")
        defer { root.remove() }
        let data = try Self.makeJournal(root, events: 0)
        let report = try BackupCreator(dataDirectory: data, output: root.appending("e.tar.gz"), toolVersion: "test").run()
        #expect(report.manifest.headSeq == 0 && report.manifest.files.isEmpty && report.manifest.chain == .zero)
        #expect(try BackupVerifier(archive: report.path).run().journal.headSeq == 0)
        let restored = try BackupRestorer(archive: report.path, target: root.appending("r")).run()
        #expect(restored.journal.headSeq == 0)
        #expect(try Self.names(in: root.appending("r")) == ["journal", "snapshots"])
    }

    @Test func aTornTailIsLeftOutWithAWarning() throws {
        let root = try TemporaryDirectory("backup-core")
        defer { root.remove() }
        let data = try Self.makeJournal(root, events: 100)
        let head = try JournalCapture.head(directory: data + "/journal", io: Kernel.live.io)
        #expect(head.headSeq == 100 && head.tornTail == nil)
        // Damage the last frame, as a crash halfway through writing it would.
        let segment = data + "/journal/" + head.segmentName!
        var bytes = [UInt8](FileManager.default.contents(atPath: segment)!)
        bytes[head.endOffset - 3] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        let warnings = Warnings()
        var creator = BackupCreator(dataDirectory: data, output: root.appending("t.tar.gz"), toolVersion: "test")
        creator.warn = { warnings.add($0) }
        let report = try creator.run()
        #expect(report.manifest.headSeq == 99)
        #expect(warnings.all.count == 1 && warnings.all[0].contains("torn tail after seq 99"), "\(warnings.all)")
        #expect(try BackupVerifier(archive: report.path).run().journal.headSeq == 99)
    }

    /// A kernel whose `pwrite` fails with ENOSPC (or `fsync` with EIO) on files under `folder`'s
    /// descriptors — here, every write: the backup only writes its output.
    static func failing(write: Bool) -> Kernel {
        var calls = SyscallTable.live
        if write {
            calls.pwrite = { _, _, _ in .failure(.noSpace) }
        } else {
            calls.fsync = { _ in .failure(.ioError) }
        }
        return Kernel(calls: calls)
    }

    @Test(arguments: [true, false])
    func aWriteOrSyncFailureLeavesNothingBehind(failsWrite: Bool) throws {
        let root = try TemporaryDirectory("backup-core")
        defer { root.remove() }
        let data = try Self.makeJournal(root, events: 2_000)
        let out = root.appending("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var creator = BackupCreator(dataDirectory: data, output: out + "/f.tar.gz", toolVersion: "test")
        creator.kernel = Self.failing(write: failsWrite)
        #expect {
            _ = try creator.run()
        } throws: { error in
            guard let error = error as? BackupError else { return false }
            return error.code == .io && error.message.contains(failsWrite ? "ENOSPC" : "EIO") && error.message.contains("f.tar.gz")
        }
        #expect(try Self.names(in: out).isEmpty)
    }

    @Test func everyMemberNameABackupHoldsIsAcceptedAndNothingElse() {
        for name in ["manifest.json", "manifest.json.sha256", "journal/", "snapshots/", "journal/00000000000000000001.seg",
                     "journal/00000000000000000001.idx", "snapshots/00000000000000000042-0123456789abcdef.snapshot",
                     "snapshots/00000000000000000042-0123456789abcdef.snapshot.sha256"] {
            #expect(BackupFormat.isMemberName(name), "\(name)")
        }
        for name in ["", "/etc/passwd", "../journal/00000000000000000001.seg", "journal/../x", "journal/LOCK", "admin-token",
                     "journal/quarantine/x.torn", "journal/00000000000000000001.seg/x", "snapshots/x.snapshot", "journal", "./manifest.json",
                     "journal/0000000000000000000a.seg"] {
            #expect(!BackupFormat.isMemberName(name), "\(name)")
        }
    }
}

/// Warnings a creator printed.
final class Warnings: @unchecked Sendable {
    // @unchecked Sendable: every access holds `lock`.
    private let lock = NSLock()
    private var lines: [String] = []

    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
