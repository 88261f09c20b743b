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
