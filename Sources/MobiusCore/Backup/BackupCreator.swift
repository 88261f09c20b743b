#if canImport(Glibc)
import Glibc
#endif
import Integrity
import Journal
import POSIX

/// What `create` wrote.
public struct BackupReport: Sendable {
    /// The archive, as the request named it.
    public var path: String
    /// Its sidecar (`path` + `.sha256`).
    public var sidecarPath: String
    /// The archive's size in bytes.
    public var byteCount: Int
    /// The archive's SHA-256 (what the sidecar holds).
    public var sha256: SHA256Digest
    /// What the archive holds.
    public var manifest: BackupManifest
    /// Bytes of the uncompressed tar stream.
    public var tarByteCount: Int
}

/// Makes a backup of a data folder (BackupFormat.swift): the journal captured up to the head
/// read at the start — consistent while a server keeps appending — its snapshots, and a
/// manifest, gzipped into one ustar archive, with a `sha256sum` sidecar beside it.
///
/// The source is only read: no lock is taken, nothing in it is written. Both output files are
/// written under temporary names in the output's folder, fsynced, renamed into place and the
/// folder fsynced before `run` returns, so a crash leaves either nothing under the output's
/// name or a complete, durable backup. Every file call goes through the `POSIX` funnel.
public struct BackupCreator: Sendable {
    /// The data folder (holding `journal/` and `snapshots/`).
    public var dataDirectory: String
    /// The archive to write; relative to the working folder unless absolute. It and its sidecar
    /// must not exist.
    public var output: String
    /// The version recorded in the manifest.
    public var toolVersion: String
    /// zlib level for the archive (members that do not compress are stored; see `TarWriter`).
    /// Default 1: on a journal of one-event frames it gives 84 % of the segments' size where
    /// level 6 gives 82 % (README "Backups"), at a fraction of the time.
    public var compressionLevel: Int32 = 1
    /// Where problems that do not stop the backup go (a torn tail left out, a snapshot left out).
    public var warn: @Sendable (String) -> Void = { _ in }
    /// The system funnel (tests inject faults through it).
    public var kernel: Kernel = .live

    /// A backup of `dataDirectory` into `output`.
    public init(dataDirectory: String, output: String, toolVersion: String) {
        self.dataDirectory = dataDirectory
        self.output = output
        self.toolVersion = toolVersion
    }

    /// Writes the backup; see the type's summary.
    ///
    /// Throws `.invalidRequest` for an output that exists or whose folder does not,
    /// `.unreadable` when there is no journal, `.mismatch` when the journal is damaged before
    /// its head (naming segment and offset), `.io` when writing fails; nothing is left under the
    /// output's names when it throws.
    public func run() throws(BackupError) -> BackupReport {
        let target = try OutputPath(output, kernel: kernel)
        let journalDirectory = dataDirectory + "/" + BackupFormat.journalFolder
        try Self.requireFolder(journalDirectory, kernel: kernel)
        let createdAt = UInt64(kernel.now(.realtime) / .microseconds(1))
        let io = kernel.io

        let point: CapturePoint
        do {
            point = try JournalCapture.head(directory: journalDirectory, io: io)
        } catch {
            throw BackupError(error, "cannot back up \(journalDirectory)")
        }
        if let torn = point.tornTail {
            warn("the journal ends in a torn tail after seq \(point.headSeq) (\(torn)); it is left out, as the next write-open quarantines it")
        }
        let snapshots = SnapshotStore(directory: dataDirectory + "/" + BackupFormat.snapshotFolder, kernel: kernel)
        let listings: [SnapshotListing]
        do {
            listings = try snapshots.list()
        } catch {
            warn("no snapshot is backed up: \(error)")
            listings = []
        }
        let candidates = listings.filter { $0.header != nil && $0.problem == nil && $0.seq <= point.headSeq }.sorted { $0.seq < $1.seq || ($0.seq == $1.seq && $0.id < $1.id) }

        let file = try ArchiveFile(creating: target.temporaryArchive, level: compressionLevel, kernel: kernel)
        var sidecarWritten = false
        do throws(BackupError) {
            var tar = TarWriter(into: file, level: compressionLevel, modificationTime: Int(createdAt / 1_000_000))
            var files: [BackupManifest.File] = []
            try tar.addDirectory(BackupFormat.journalFolder + "/")
            let capture: JournalCapture
            do {
                capture = try JournalCapture(directory: journalDirectory, through: point, notingChainsAt: Set(candidates.map(\.seq)), io: io)
            } catch {
                throw BackupError(error, "cannot back up \(journalDirectory)")
            }
            var segmentCount = 0
            var segment: (name: String, size: Int)?
            while true {
                let step: CaptureStep?
                do {
                    step = try capture.next()
                } catch {
                    throw BackupError(error, "cannot back up \(journalDirectory)")
                }
                guard let step else { break }
                switch step {
                case .segment(let name, let byteCount):
                    segment = (BackupFormat.journalFolder + "/" + name, byteCount)
                    try tar.begin(segment!.name, size: byteCount)
                case .bytes(let bytes):
                    try tar.write(bytes)
                case .index(let name, let bytes):
                    files.append(BackupManifest.File(path: segment!.name, size: segment!.size, sha256: try tar.end()))
                    let indexName = BackupFormat.journalFolder + "/" + name
                    files.append(BackupManifest.File(path: indexName, size: bytes.count, sha256: try tar.add(indexName, bytes)))
                    segmentCount += 1
                }
            }
            try tar.addDirectory(BackupFormat.snapshotFolder + "/")
            var snapshotCount = 0
            for listing in candidates {
                guard let (snapshot, sidecar) = readSnapshot(listing, in: snapshots.directory, expectedChain: capture.chains[listing.seq]) else { continue }
                let name = BackupFormat.snapshotFolder + "/" + listing.id + SnapshotFormat.fileExtension
                files.append(BackupManifest.File(path: name, size: snapshot.count, sha256: try tar.add(name, snapshot)))
                let sidecarName = name + SnapshotFormat.sidecarExtension
                files.append(BackupManifest.File(path: sidecarName, size: sidecar.count, sha256: try tar.add(sidecarName, sidecar)))
                snapshotCount += 1
            }
            let manifest = BackupManifest(createdAt: createdAt, host: Self.hostName(), toolVersion: toolVersion, headSeq: point.headSeq,
                                          chain: point.chain, segmentCount: segmentCount, snapshotCount: snapshotCount, files: files)
            let manifestBytes = manifest.encoded()
            let manifestSha256 = try tar.add(BackupFormat.manifestName, manifestBytes)
            _ = try tar.add(BackupFormat.manifestSidecarName, Array("\(manifestSha256.hex)  \(BackupFormat.manifestName)\n".utf8))
            try tar.finish()
            let (byteCount, sha256) = try file.finish()
            try target.writeTemporarySidecar(Array("\(sha256.hex)  \(target.baseName)\n".utf8))
            sidecarWritten = true
            try target.commit()
            return BackupReport(path: output, sidecarPath: output + BackupFormat.sidecarExtension, byteCount: byteCount, sha256: sha256,
                                manifest: manifest, tarByteCount: tar.byteCount)
        } catch {
            file.discard()
            if sidecarWritten { target.discardSidecar() }
            throw error
        }
    }

    /// The bytes of snapshot `listing` and its sidecar, when the sidecar matches the file and
    /// the snapshot's chain is the journal's at its seq; otherwise nil, with a warning.
    private func readSnapshot(_ listing: SnapshotListing, in directory: String, expectedChain: SHA256Digest?) -> ([UInt8], [UInt8])? {
        let name = listing.id + SnapshotFormat.fileExtension
        func leftOut(_ why: String) -> ([UInt8], [UInt8])? {
            warn("snapshot \(listing.id) is left out of the backup: \(why)")
            return nil
        }
        guard let file = Self.readWhole(directory + "/" + name, kernel: kernel),
              let sidecar = Self.readWhole(directory + "/" + name + SnapshotFormat.sidecarExtension, kernel: kernel) else {
            return leftOut("it was removed while the backup ran (pruned?), or cannot be read")
        }
        guard sidecar.count >= 64, let recorded = SHA256Digest(hex: String(decoding: sidecar.prefix(64), as: UTF8.self)),
              recorded == SHA256.hash(file) else {
            return leftOut("its sidecar does not match the file ('snapshot verify' says more)")
        }
        guard let header = try? SnapshotStore.parseHeader(file, id: listing.id).0, header.id == listing.id else {
            return leftOut("its header cannot be read")
        }
        guard let expectedChain, header.chain == expectedChain else {
            return leftOut("its chain value is not the journal's at seq \(header.seq) ('snapshot verify' says more)")
        }
        return (file, sidecar)
    }

    /// All of file `path`, or nil when it cannot be read.
    static func readWhole(_ path: String, kernel: Kernel) -> [UInt8]? {
        guard let checked = FilePath(validating: path), let fd = try? kernel.open(checked, .readOnly) else { return nil }
        defer { try? kernel.close(fd) }
        guard let size = try? kernel.size(fd) else { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        guard let count = try? kernel.read(fd, into: &bytes, at: 0) else { return nil }
        return Array(bytes[..<count])
    }

    /// Fails (`.unreadable`) unless `path` is a folder.
    static func requireFolder(_ path: String, kernel: Kernel) throws(BackupError) {
        guard let checked = FilePath(validating: path) else { throw BackupError(.invalidRequest, "\"\(path)\" is not a usable path (empty, or holds a NUL byte)") }
        do {
            _ = try kernel.list(checked)
        } catch where error.code == .noSuchFile {
            throw BackupError(.unreadable, "there is no journal at \(path); pass --data DIR, the folder holding journal/")
        } catch {
            throw BackupError(.unreadable, "cannot read \(path): \(error)")
        }
    }

    /// This machine's host name (`gethostname`), or "unknown".
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
