import Integrity
import POSIX

/// What an extraction found: the manifest, checked against every member.
struct BackupExtraction {
    /// The archive's manifest.
    var manifest: BackupManifest
    /// The archive's SHA-256 (it matched its sidecar).
    var sha256: SHA256Digest
    /// The archive's size in bytes.
    var byteCount: Int
}

/// Reads a backup archive into a folder, checking it on the way (BackupFormat.swift, VERIFIED,
/// up to the journal): the sidecar, the gzip stream, every header, every member against the
/// manifest. The journal and snapshots extracted are checked by the caller.
///
/// One pass over the archive: it is hashed for the sidecar while it is decompressed and
/// extracted. When anything is wrong, the rest of the archive is still hashed, and a sidecar
/// mismatch is reported first (a changed archive explains everything after it).
struct BackupExtractor {
    /// The archive.
    let archive: String
    /// An existing, empty folder to extract into.
    let folder: String
    /// Whether each file is fsynced before it is closed (restore: yes; verify: no).
    let isDurable: Bool
    let kernel: Kernel

    /// Bytes of archive read at a time.
    private static let readBytes = 1 << 20
    /// The largest manifest accepted (it lists a few hundred files).
    static let maxManifestBytes = 64 << 20

    /// Extracts and checks; throws the first problem (`.unreadable` for input that cannot be
    /// read or is not a backup, `.mismatch` for one that does not match itself, `.io` for the
    /// folder).
    func run() throws(BackupError) -> BackupExtraction {
        guard !archive.isEmpty, !archive.utf8.contains(0) else { throw BackupError(.invalidRequest, "FILE needs a file name (not empty, no NUL byte)") }
        let path = ArchiveFile.filePath(archive)
        let fd: FileDescriptor
        do {
            fd = try kernel.open(path, .readOnly)
        } catch {
            throw BackupError(.unreadable, "cannot read \(archive): \(error)")
        }
        defer { try? kernel.close(fd) }
        let expected = try readSidecar()
        var hasher = SHA256()
        var members = MemberSink(folder: folder, isDurable: isDurable, kernel: kernel)
        let gzip = GzipDecoder()
        var tar = TarReader()
        var problem: BackupError?
        var buffer = [UInt8](repeating: 0, count: Self.readBytes)
        var offset = 0
        while true {
            let count: Int
            do {
                count = try kernel.read(fd, into: &buffer, at: offset, path: path)
            } catch {
                throw BackupError(.unreadable, "cannot read \(archive): \(error)")
            }
            if count == 0 { break }
            offset += count
            buffer.withUnsafeBytes { raw in
                let piece = UnsafeRawBufferPointer(rebasing: raw[..<count])
                hasher.update(piece)
                guard problem == nil else { return }
                do throws(GzipOrBodyError<BackupError>) {
                    try gzip.decompress(piece) { (output) throws(BackupError) in try members.feed(output, to: &tar) }
                } catch {
                    switch error {
                    case .gzip(let failure) where tar.offset == 0 && failure.offset < 10:
                        problem = BackupError(.unreadable, "\(archive) is not gzip data (\(failure.message)): not a mobius-dhash backup")
                    case .gzip(let failure): problem = BackupError(.mismatch, "\(archive): \(failure)")
                    case .body(let failure): problem = failure
                    }
                }
            }
        }
        let sha256 = hasher.finalize()
        guard sha256 == expected else {
            throw BackupError(.mismatch, "\(archive): its SHA-256 is \(sha256.hex), \(archive + BackupFormat.sidecarExtension) says \(expected.hex): the archive changed after it was written")
        }
        if let problem { throw problem }
        if offset == 0 { throw BackupError(.unreadable, "\(archive) is empty: not a backup") }
        do {
            try gzip.finish()
            try tar.finish()
        } catch let error as GzipError {
            throw BackupError(.mismatch, "\(archive): \(error)")
        } catch {
            throw BackupError(.mismatch, "\(archive): \(error)")
        }
        let manifest = try members.checkedManifest(archive: archive)
        return BackupExtraction(manifest: manifest, sha256: sha256, byteCount: offset)
    }

    /// The digest `archive.sha256` records, after checking it names the archive.
    private func readSidecar() throws(BackupError) -> SHA256Digest {
        let sidecar = archive + BackupFormat.sidecarExtension
        guard let bytes = BackupCreator.readWhole(sidecar, kernel: kernel) else {
            throw BackupError(.unreadable, "cannot read \(sidecar), the archive's checksum: it is written beside every backup; copy it with the archive")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let baseName = archive.split(separator: "/").last.map(String.init) ?? archive
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].isEmpty, parts[0].count > 66, let digest = SHA256Digest(hex: parts[0].prefix(64)),
              parts[0].dropFirst(64).hasPrefix("  ") else {
            throw BackupError(.mismatch, "\(sidecar) is not one sha256sum line (\"<64 hex>  <name>\"): it is damaged")
        }
        let named = String(parts[0].dropFirst(66))
        guard named == baseName else {
            throw BackupError(.mismatch, "\(sidecar) names \(named), not \(baseName): the archive was renamed without it (sha256sum -c would not find it); give them matching names")
        }
        return digest
    }
}

/// Writes the members a `TarReader` finds into the folder, hashing each, and keeps the manifest.
private struct MemberSink {
    let folder: String
    let isDurable: Bool
    let kernel: Kernel
    private var current: (header: TarHeader, fd: FileDescriptor?, written: Int, hasher: SHA256)?
    private var found: [BackupManifest.File] = []
    private var names: Set<String> = []
    /// The members kept in memory rather than written: the manifest and its checksum.
    private var kept: [String: [UInt8]] = [:]
    private var isOver = false

    init(folder: String, isDurable: Bool, kernel: Kernel) {
        self.folder = folder
        self.isDurable = isDurable
        self.kernel = kernel
    }

    /// Takes decompressed tar bytes.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, to tar: inout TarReader) throws(BackupError) {
        var input = bytes
        while true {
            let event: TarReader.Event?
            do {
                event = try tar.next(from: &input)
            } catch {
                throw BackupError(.mismatch, "the archive is damaged: \(error)")
            }
            guard let event else { return }
            switch event {
            case .member(let header): try begin(header, at: tar.offset - BackupFormat.blockBytes)
            case .data(let data): try write(data)
            case .memberEnd: try end()
            case .archiveEnd: isOver = true
            }
        }
    }

    private mutating func begin(_ header: TarHeader, at offset: Int) throws(BackupError) {
        guard !isOver else { throw BackupError(.mismatch, "the archive is damaged: a member follows its end") }
        guard BackupFormat.isMemberName(header.name), header.name.hasSuffix("/") == (header.kind == .directory) else {
            throw BackupError(.mismatch, "the archive holds \(header.name.isEmpty ? "a nameless member" : header.name) (at byte \(offset)), which no backup holds: it is damaged or not a mobius-dhash backup")
        }
        guard names.insert(header.name).inserted else {
            throw BackupError(.mismatch, "the archive holds \(header.name) twice: it is damaged")
        }
        if let last = [BackupFormat.manifestSidecarName, BackupFormat.manifestName].first(where: { kept[$0] != nil }),
           last == BackupFormat.manifestSidecarName || header.name != BackupFormat.manifestSidecarName {
            throw BackupError(.mismatch, "the archive holds \(header.name) after \(last), which \(last == BackupFormat.manifestName ? "only its checksum follows" : "comes last"): it is damaged")
        }
        if header.kind == .directory {
            try makeFolder(String(header.name.dropLast()))
            current = (header, nil, 0, SHA256())
            return
        }
        if header.name == BackupFormat.manifestName || header.name == BackupFormat.manifestSidecarName {
            guard header.size <= BackupExtractor.maxManifestBytes else {
                throw BackupError(.mismatch, "\(header.name) announces \(header.size) bytes: the archive is damaged")
            }
            kept[header.name] = []
            kept[header.name]!.reserveCapacity(header.size)
            current = (header, nil, 0, SHA256())
            return
        }
        let folderName = String(header.name.prefix { $0 != "/" })
        try makeFolder(folderName)
        let path = ArchiveFile.filePath(folder + "/" + header.name)
        do {
            let fd = try kernel.open(path, .writeOnly, options: [.create, .exclusive])
            current = (header, fd, 0, SHA256())
        } catch {
            throw BackupError.writing(folder + "/" + header.name, error)
        }
    }

    private mutating func write(_ data: UnsafeRawBufferPointer) throws(BackupError) {
        guard current != nil else { preconditionFailure("data outside a member") }
        current!.hasher.update(data)
        if kept[current!.header.name] != nil {
            kept[current!.header.name]!.append(contentsOf: data)
        } else if let fd = current!.fd {
            do {
                try kernel.write(fd, data, at: current!.written, path: ArchiveFile.filePath(folder + "/" + current!.header.name))
            } catch {
                throw BackupError.writing(folder + "/" + current!.header.name, error)
            }
        }
        current!.written += data.count
    }

    private mutating func end() throws(BackupError) {
        guard let member = current else { preconditionFailure("no member to end") }
        current = nil
        if let fd = member.fd {
            let path = ArchiveFile.filePath(folder + "/" + member.header.name)
            do {
                if isDurable { try kernel.sync(fd, path: path) }
                try kernel.close(fd, path: path)
            } catch {
                throw BackupError.writing(folder + "/" + member.header.name, error)
            }
        }
        if member.header.kind == .file && kept[member.header.name] == nil {
            found.append(BackupManifest.File(path: member.header.name, size: member.written, sha256: member.hasher.finalize()))
        }
    }

    private func makeFolder(_ name: String) throws(BackupError) {
        do {
            _ = try kernel.makeDirectory(ArchiveFile.filePath(folder + "/" + name))
        } catch {
            throw BackupError.writing(folder + "/" + name, error)
        }
    }

    /// The manifest, after checking that it lists exactly the files found, with their sizes and
    /// hashes; syncs the folders when durable.
    func checkedManifest(archive: String) throws(BackupError) -> BackupManifest {
        guard let manifestBytes = kept[BackupFormat.manifestName] else {
            throw BackupError(.unreadable, "\(archive) holds no \(BackupFormat.manifestName): it is not a mobius-dhash backup")
        }
        guard let sidecar = kept[BackupFormat.manifestSidecarName] else {
            throw BackupError(.mismatch, "\(archive) holds no \(BackupFormat.manifestSidecarName) after \(BackupFormat.manifestName): the archive is cut short or damaged")
        }
        let manifestSha256 = SHA256.hash(manifestBytes)
        guard sidecar == Array("\(manifestSha256.hex)  \(BackupFormat.manifestName)\n".utf8) else {
            throw BackupError(.mismatch, "\(BackupFormat.manifestName): its SHA-256 is \(manifestSha256.hex), \(BackupFormat.manifestSidecarName) says \(String(decoding: sidecar.prefix(64), as: UTF8.self)): the manifest is damaged")
        }
        let manifest = try BackupManifest.decode(manifestBytes)
        var listed: [String: BackupManifest.File] = [:]
        for file in manifest.files {
            guard listed.updateValue(file, forKey: file.path) == nil else {
                throw BackupError(.mismatch, "\(BackupFormat.manifestName) lists \(file.path) twice: the archive is damaged")
            }
        }
        for file in found {
            guard let entry = listed.removeValue(forKey: file.path) else {
                throw BackupError(.mismatch, "\(file.path) is in the archive but not in \(BackupFormat.manifestName): the archive is damaged")
            }
            guard entry.size == file.size else {
                throw BackupError(.mismatch, "\(file.path) holds \(file.size) bytes, \(BackupFormat.manifestName) says \(entry.size): the archive is damaged")
            }
            guard entry.sha256 == file.sha256 else {
                throw BackupError(.mismatch, "\(file.path): its SHA-256 is \(file.sha256.hex), \(BackupFormat.manifestName) says \(entry.sha256.hex): the member is damaged")
            }
        }
        if let missing = manifest.files.first(where: { listed[$0.path] != nil }) {
            throw BackupError(.mismatch, "\(missing.path) is in \(BackupFormat.manifestName) but not in the archive: the archive is damaged")
        }
        if isDurable {
            for name in [BackupFormat.journalFolder, BackupFormat.snapshotFolder, ""] {
                do {
                    try kernel.syncDirectory(ArchiveFile.filePath(name.isEmpty ? folder : folder + "/" + name))
                } catch where error.code == .noSuchFile {
                    continue
                } catch {
                    throw BackupError.writing(folder + "/" + name, error)
                }
            }
        }
        return manifest
    }
}
