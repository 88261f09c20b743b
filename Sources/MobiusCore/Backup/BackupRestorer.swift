import Integrity
import Journal
import POSIX

/// What `restore` did.
public struct BackupRestoreReport: Sendable {
    /// The backup's manifest.
    public var manifest: BackupManifest
    /// The data folder written.
    public var target: String
    /// Folders of the target moved aside to make room (`--force`), as paths.
    public var movedAside: [String]
    /// The restored journal, as `verify` saw it in place.
    public var journal: VerificationReport
    /// Snapshots that verified in place.
    public var verifiedSnapshotCount: Int
    /// Things worth saying that are not failures.
    public var notes: [String]
}

/// Restores a backup into a data folder: verified before anything is put in place (the archive
/// is extracted into a staging folder, every file fsynced, and checked as `verify` checks it,
/// deep), then moved into place, then verified again where it now lies.
///
/// The target must be new or empty. With `replacesExisting` (`--force`) it may hold a data
/// folder: its `journal/` and `snapshots/` are renamed to `journal.replaced-<UTC time>` and
/// `snapshots.replaced-<UTC time>` beside them (never deleted), and everything else in it (the
/// admin token, logs) is left alone; a journal a running writer holds is refused.
public struct BackupRestorer: Sendable {
    /// The archive; its sidecar is `archive.sha256`.
    public var archive: String
    /// The data folder to restore into.
    public var target: String
    /// Whether a non-empty target is accepted (see the type's summary).
    public var replacesExisting = false
    /// The system funnel.
    public var kernel: Kernel = .live

    /// A restore of `archive` into `target`.
    public init(archive: String, target: String) {
        self.archive = archive
        self.target = target
    }

    /// Restores; throws `.invalidRequest` for a target that cannot be used (nothing written),
    /// `.unreadable`/`.mismatch` when the backup does not verify (nothing put in place), `.io`
    /// when writing fails, `.mismatch` when the folder does not verify once in place.
    public func run() throws(BackupError) -> BackupRestoreReport {
        var target = self.target
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        guard !target.isEmpty, !target.utf8.contains(0) else { throw BackupError(.invalidRequest, "--to needs a folder name (not empty, no NUL byte)") }
        let isReplacing = try checkTarget(target)
        let slash = target.lastIndex(of: "/")
        let parent = slash.map { $0 == target.startIndex ? "/" : String(target[..<$0]) } ?? "."
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        let staging = isReplacing ? target + "/.restore-incomplete-\(kernel.processID)" : parent + "/." + name + ".restore-incomplete-\(kernel.processID)"
        do {
            guard try kernel.makeDirectory(ArchiveFile.filePath(staging)) else {
                throw BackupError(.invalidRequest, "\(staging) exists (left by an interrupted restore?); remove it and try again")
            }
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError(.io, "cannot create the staging folder \(staging): \(error)")
        }
        let manifest: BackupManifest
        var movedAside: [String] = []
        do throws(BackupError) {
            manifest = try BackupExtractor(archive: archive, folder: staging, isDurable: true, kernel: kernel).run().manifest
            _ = try BackupVerifier.checkDataFolder(staging, against: manifest, deep: true, kernel: kernel)
            if isReplacing {
                movedAside = try moveIntoPlace(from: staging, into: target)
            } else {
                try rename(staging, to: target)
                try syncFolder(parent)
            }
        } catch {
            ScratchFolder.removeTree(staging, kernel: kernel)
            throw error
        }
        let after: (journal: VerificationReport, verifiedSnapshotCount: Int, notes: [String])
        do {
            after = try BackupVerifier.checkDataFolder(target, against: manifest, deep: false, kernel: kernel)
        } catch {
            throw BackupError(.mismatch, "\(target) does not verify once in place: \(error.message)")
        }
        return BackupRestoreReport(manifest: manifest, target: target, movedAside: movedAside, journal: after.journal,
                                   verifiedSnapshotCount: after.verifiedSnapshotCount, notes: after.notes)
    }

    /// Whether the target holds something to replace; throws when it may not be used.
    private func checkTarget(_ target: String) throws(BackupError) -> Bool {
        let names: [String]
        do {
            names = try kernel.list(ArchiveFile.filePath(target))
        } catch where error.code == .noSuchFile {
            return false
        } catch where error.code == .notDirectory {
            throw BackupError(.invalidRequest, "\(target) is a file; --to names the data folder to restore into")
        } catch {
            throw BackupError(.invalidRequest, "cannot use \(target): \(error)")
        }
        guard !names.isEmpty else { return false }
        guard replacesExisting else {
            let shown = names.sorted().prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
            throw BackupError(.invalidRequest, "\(target) is not empty (\(shown)); restore into a new or empty folder, or pass --force to replace its journal/ and snapshots/ (they are kept, renamed *.replaced-<time>)")
        }
        if let holder = WriterLock.holder(directory: target + "/" + BackupFormat.journalFolder, kernel: kernel), holder.isHeld {
            throw BackupError(.invalidRequest, "a writer (pid \(holder.pid.map(String.init) ?? "unknown")) holds \(target)/journal; stop the server before restoring over its data")
        }
        return true
    }

    /// Renames the target's `journal/` and `snapshots/` aside and the staged ones into place,
    /// then removes the staging folder and syncs the target. Returns the folders moved aside.
    private func moveIntoPlace(from staging: String, into target: String) throws(BackupError) -> [String] {
        let iso = Timestamp.iso8601(microseconds: UInt64(kernel.now(.realtime) / .microseconds(1)))
        let stamp = String(iso.prefix(19).filter { $0 != "-" && $0 != ":" }) + "Z"
        var moved: [String] = []
        for folder in [BackupFormat.journalFolder, BackupFormat.snapshotFolder] {
            let current = target + "/" + folder
            let aside = current + ".replaced-" + stamp
            if (try? kernel.list(ArchiveFile.filePath(current))) != nil {
                try rename(current, to: aside)
                moved.append(aside)
            }
            if (try? kernel.list(ArchiveFile.filePath(staging + "/" + folder))) != nil {
                try rename(staging + "/" + folder, to: current)
            }
        }
        try? kernel.removeDirectory(ArchiveFile.filePath(staging))
        try syncFolder(target)
        return moved
    }

    private func rename(_ from: String, to: String) throws(BackupError) {
        do {
            try kernel.rename(ArchiveFile.filePath(from), to: ArchiveFile.filePath(to))
        } catch {
            throw BackupError(.io, "cannot move \(from) to \(to): \(error)")
        }
    }

    private func syncFolder(_ path: String) throws(BackupError) {
        do {
            try kernel.syncDirectory(ArchiveFile.filePath(path))
        } catch {
            throw BackupError(.io, "cannot sync \(path): \(error)")
        }
    }
}
