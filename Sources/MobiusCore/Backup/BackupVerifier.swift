#if canImport(Glibc)
import Glibc
#endif
import Integrity
import Journal
import POSIX

/// What `verify` (or a restore's checks) found: everything matched.
public struct BackupVerification: Sendable {
    /// The archive's manifest.
    public var manifest: BackupManifest
    /// The archive's size in bytes.
    public var byteCount: Int
    /// The archive's SHA-256 (it matched its sidecar).
    public var sha256: SHA256Digest
    /// The journal inside, as `verify --deep` saw it.
    public var journal: VerificationReport
    /// Snapshots whose sidecar and chain checked out.
    public var verifiedSnapshotCount: Int
    /// Things worth saying that are not failures (a snapshot of older projection versions).
    public var notes: [String]
}

/// Checks a backup end to end (BackupFormat.swift, VERIFIED): the sidecar, the archive, every
/// member against the manifest, then — extracted into a temporary folder, removed afterwards —
/// the journal with the journal's own verifier (deep) and every snapshot against it.
public struct BackupVerifier: Sendable {
    /// The archive; its sidecar is `archive.sha256`.
    public var archive: String
    /// The folder the temporary copy goes in; default `$TMPDIR` or `/tmp`.
    public var scratchParent: String?
    /// The system funnel.
    public var kernel: Kernel = .live

    /// A verifier of `archive`.
    public init(archive: String) {
        self.archive = archive
    }

    /// Verifies; throws the first problem found: `.unreadable` when the archive or its sidecar
    /// cannot be read or it is not a backup, `.mismatch` naming the first thing that does not
    /// match, `.io` when the temporary folder cannot be written.
    public func run() throws(BackupError) -> BackupVerification {
        let scratch = try ScratchFolder(in: scratchParent ?? Self.temporaryFolder(), kernel: kernel)
        defer { scratch.remove() }
        let extraction = try BackupExtractor(archive: archive, folder: scratch.path, isDurable: false, kernel: kernel).run()
        let check = try Self.checkDataFolder(scratch.path, against: extraction.manifest, deep: true, kernel: kernel)
        return BackupVerification(manifest: extraction.manifest, byteCount: extraction.byteCount, sha256: extraction.sha256,
                                  journal: check.journal, verifiedSnapshotCount: check.verifiedSnapshotCount, notes: check.notes)
    }

    /// `$TMPDIR`, or `/tmp`.
    static func temporaryFolder() -> String {
        if let value = getenv("TMPDIR"), let text = String(validatingCString: value), !text.isEmpty { return text }
        return "/tmp"
    }

    /// Checks the journal and snapshots in data folder `folder` against `manifest`: the journal
    /// verifies (`deep`: every record decoded too), ends at the manifest's head seq and chain
    /// with its segment count; every snapshot's sidecar matches and its chain is the journal's.
    static func checkDataFolder(_ folder: String, against manifest: BackupManifest, deep: Bool,
                                kernel: Kernel) throws(BackupError) -> (journal: VerificationReport, verifiedSnapshotCount: Int, notes: [String]) {
        let journalDirectory = folder + "/" + BackupFormat.journalFolder
        let report: VerificationReport
        do {
            report = try JournalVerifier.verify(directory: journalDirectory, deep: deep, kernel: kernel)
        } catch {
            throw BackupError(.mismatch, "the journal in the backup cannot be verified: \(error)")
        }
        if let damage = report.damages.first {
            throw BackupError(.mismatch, "the journal in the backup is damaged: \(BackupFormat.journalFolder)/\(damage)")
        }
        if case .refuses(let damage) = report.writeOpen {
            throw BackupError(.mismatch, "the journal in the backup would not open for writing: \(BackupFormat.journalFolder)/\(damage)")
        }
        guard report.headSeq == manifest.headSeq, report.chain == manifest.chain else {
            throw BackupError(.mismatch, "the journal in the backup ends at seq \(report.headSeq) with chain \(report.chain.hex); \(BackupFormat.manifestName) says seq \(manifest.headSeq), chain \(manifest.chain.hex)")
        }
        guard report.segmentCount == manifest.segmentCount else {
            throw BackupError(.mismatch, "the journal in the backup has \(report.segmentCount) segment(s); \(BackupFormat.manifestName) says \(manifest.segmentCount)")
        }
        let store = SnapshotStore(directory: folder + "/" + BackupFormat.snapshotFolder, kernel: kernel)
        let builder = StateBuilder(journalDirectory: journalDirectory, snapshots: store, kernel: kernel)
        var verified = 0
        var notes: [String] = []
        let listings: [SnapshotListing]
        do {
            listings = try store.list()
        } catch {
            throw BackupError(.mismatch, "the snapshots in the backup cannot be listed: \(error)")
        }
        for listing in listings.reversed() {
            let verdict: Result<VerifiedSnapshot, SnapshotError>
            do {
                verdict = try builder.check(listing)
            } catch {
                throw BackupError(.mismatch, "snapshot \(listing.id) in the backup cannot be checked: \(error)")
            }
            switch verdict {
            case .success:
                verified += 1
            case .failure(let problem) where problem.code == .versionMismatch:
                // Kept as the data folder kept it: an older build's projections, not damage.
                notes.append("snapshot \(listing.id) is of other projection versions; it is kept, and startup replays instead of using it")
            case .failure(let problem):
                throw BackupError(.mismatch, "\(BackupFormat.snapshotFolder)/\(listing.id)\(SnapshotFormat.fileExtension) does not verify: \(problem)")
            }
        }
        guard listings.count == manifest.snapshotCount else {
            throw BackupError(.mismatch, "the backup holds \(listings.count) snapshot(s); \(BackupFormat.manifestName) says \(manifest.snapshotCount)")
        }
        return (report, verified, notes)
    }
}

/// A private temporary folder (`<parent>/.mobius-dhash-backup-<pid>-<n>`, mode 0700) and its
/// removal with what an extraction put in it.
struct ScratchFolder {
    /// The folder.
    let path: String
    private let kernel: Kernel

    /// Creates a new folder in `parent`.
    init(in parent: String, kernel: Kernel) throws(BackupError) {
        self.kernel = kernel
        for attempt in 0..<1000 {
            let candidate = parent + "/.mobius-dhash-backup-\(kernel.processID)-\(attempt)"
            do {
                if try kernel.makeDirectory(ArchiveFile.filePath(candidate), permissions: 0o700) {
                    path = candidate
                    return
                }
            } catch {
                throw BackupError(.io, "cannot create a temporary folder in \(parent): \(error); set TMPDIR to a writable folder")
            }
        }
        throw BackupError(.io, "cannot create a temporary folder in \(parent): 1000 names taken; remove the .mobius-dhash-backup-* folders there")
    }

    /// Removes the folder and what it holds (`journal/`, `snapshots/` and their files).
    func remove() {
        ScratchFolder.removeTree(path, kernel: kernel)
    }

    /// Removes `path`, its files and the files of its folders (the depth an extraction makes).
    static func removeTree(_ path: String, kernel: Kernel) {
        guard let root = FilePath(validating: path) else { return }
        for name in (try? kernel.list(root)) ?? [] {
            let child = path + "/" + name
            guard let childPath = FilePath(validating: child) else { continue }
            if let names = try? kernel.list(childPath) {
                for inner in names {
                    if let file = FilePath(validating: child + "/" + inner) { _ = try? kernel.remove(file) }
                }
                try? kernel.removeDirectory(childPath)
            } else {
                _ = try? kernel.remove(childPath)
            }
        }
        try? kernel.removeDirectory(root)
    }
}
