#if canImport(Glibc)
import Glibc
#endif
import Integrity
import POSIX

/// A snapshot found in the folder, before its contents are trusted.
public struct SnapshotListing: Sendable {
    /// The snapshot's id (its file stem).
    public var id: String
    /// The seq its name gives.
    public var seq: UInt64
    /// The file's size in bytes.
    public var fileBytes: Int
    /// Its header, when the file starts like a snapshot and the sidecar exists.
    public var header: SnapshotHeader?
    /// Why it cannot be used, when it cannot (incomplete, unreadable header).
    public var problem: SnapshotError?
}

/// A snapshot just written: its header and the SHA-256 of the whole file (its sidecar's).
public struct WrittenSnapshot: Sendable, Equatable {
    /// What the snapshot says about itself.
    public var header: SnapshotHeader
    /// SHA-256 of the file.
    public var fileSha256: SHA256Digest
    /// The file's size in bytes.
    public var fileBytes: Int
}

/// A snapshot read back whole, its checksums checked.
public struct LoadedSnapshot: Sendable {
    /// What the snapshot says about itself.
    public var header: SnapshotHeader
    /// The canonical state bytes (their SHA-256 is `header.stateSha256`); empty when the state
    /// was handed to a decoder instead (`load(id:decoding:)`).
    public var state: [UInt8]
    /// SHA-256 of the whole file, as the sidecar records it.
    public var fileSha256: SHA256Digest
}

/// The snapshot folder: writes snapshots atomically with their sidecars, lists them, loads them
/// with their checksums verified, removes them. Knows nothing of projections: state is bytes.
/// All file calls go through the `POSIX` funnel.
public struct SnapshotStore: Sendable {
    /// The folder (created on first write).
    public let directory: String
    private let kernel: Kernel

    /// The store in `directory` (e.g. `<data>/snapshots`).
    public init(directory: String, kernel: Kernel = .live) {
        self.directory = directory
        self.kernel = kernel
    }

    /// Writes a snapshot of `state` at `seq` (with the journal's `chain` and the projections'
    /// versions), durably: the file is written to a temporary name, synced and renamed, then its
    /// sidecar likewise, then the folder is synced. The sidecar's hash is computed on a second
    /// thread while the file is written.
    @discardableResult
    public func write(seq: UInt64, timestamp: UInt64, chain: SHA256Digest, projectionVersions: [String: Int],
                      state: [UInt8]) throws(SnapshotError) -> WrittenSnapshot {
        let header = SnapshotHeader(seq: seq, timestamp: timestamp, chain: chain, projectionVersions: projectionVersions,
                                    stateByteCount: state.count, stateSha256: SHA256.hash(state))
        var file = SnapshotFormat.magicLine
        file.reserveCapacity(file.count + 512 + state.count)
        file += header.encoded()
        file.append(0x0A)
        file += state
        let name = header.id + SnapshotFormat.fileExtension
        // The file is written and synced while a second thread hashes it for the sidecar.
        let hashing = BackgroundDigest(of: file)
        let fileSha256 = try io(header.id) { () throws(SystemError) -> SHA256Digest in
            _ = try kernel.makeDirectory(path(directory))
            try replace(name, with: file)
            let fileSha256 = hashing.wait()
            try replace(name + SnapshotFormat.sidecarExtension, with: Array("\(fileSha256.hex)  \(name)\n".utf8))
            try kernel.syncDirectory(path(directory))
            return fileSha256
        }
        return WrittenSnapshot(header: header, fileSha256: fileSha256, fileBytes: file.count)
    }

    /// Every snapshot file in the folder, newest seq first (same seq: by id). Reads headers, not
    /// states: use `load` to check a snapshot's bytes.
    public func list() throws(SnapshotError) -> [SnapshotListing] {
        let names: [String]
        do {
            names = try kernel.list(path(directory))
        } catch where error.code == .noSuchFile {
            return []
        } catch {
            throw SnapshotError(.io, "cannot list \(directory): \(error)")
        }
        let present = Set(names)
        var listings: [SnapshotListing] = []
        for name in names where name.hasSuffix(SnapshotFormat.fileExtension) {
            let id = String(name.dropLast(SnapshotFormat.fileExtension.count))
            guard let seq = SnapshotFormat.seq(ofId: id) else { continue }
            var listing = SnapshotListing(id: id, seq: seq, fileBytes: 0, header: nil, problem: nil)
            do throws(SnapshotError) {
                let (header, size) = try readHeader(name)
                listing.fileBytes = size
                if !present.contains(name + SnapshotFormat.sidecarExtension) {
                    throw SnapshotError(.incomplete, "it has no \(name + SnapshotFormat.sidecarExtension) (the write did not finish); delete it", snapshot: id)
                }
                guard header.id == id else { throw SnapshotError(.malformedHeader, "its header says \(header.id), not its name", snapshot: id) }
                listing.header = header
            } catch {
                listing.problem = error
            }
            listings.append(listing)
        }
        return listings.sorted { $0.seq != $1.seq ? $0.seq > $1.seq : $0.id < $1.id }
    }

    /// Reads snapshot `id` whole and checks it on its own: the sidecar matches the file, the
    /// header parses and announces the state's length, and the state's hash is the header's.
    /// (The chain and a deep replay are checked against the journal by the engine.)
    public func load(id: String) throws(SnapshotError) -> LoadedSnapshot {
        var (snapshot, state) = try load(id: id, checkingStateHash: true) { Array($0) }
        snapshot.state = state
        return snapshot
    }

    /// `load(id:)`, with the state handed to `decode` while the file's SHA-256 is computed on
    /// a second thread: a snapshot's two big costs, hashing and decoding, take the time of the
    /// longer one. `decode` sees bytes that may not be the snapshot's (it must be safe on any
    /// bytes); what it returns is discarded if the check fails.
    ///
    /// Without `checkingStateHash` (startup, time travel) the header's state hash is not
    /// recomputed: the sidecar's hash covers the header, which was written from the state, so
    /// only someone who rewrote the sidecar too gets past — and such a one could rewrite the
    /// header as well. Verification (`snapshot verify`, rollback and restore targets) checks it.
    public func load<Decoded>(id: String, checkingStateHash: Bool = false,
                              decoding decode: (ArraySlice<UInt8>) -> Decoded) throws(SnapshotError) -> (snapshot: LoadedSnapshot, decoded: Decoded) {
        let name = id + SnapshotFormat.fileExtension
        let file = try read(name, id: id)
        let sidecar = try read(name + SnapshotFormat.sidecarExtension, id: id, missing: .incomplete)
        guard sidecar.count >= 64, let expected = SHA256Digest(hex: String(decoding: sidecar.prefix(64), as: UTF8.self)) else {
            throw SnapshotError(.malformedHeader, "its sidecar does not start with 64 hex digits", snapshot: id)
        }
        let (header, headerEnd) = try SnapshotStore.parseHeader(file, id: id)
        guard file.count - headerEnd == header.stateByteCount else {
            throw SnapshotError(.malformedHeader, "the header announces \(header.stateByteCount) state bytes; the file holds \(file.count - headerEnd)", snapshot: id)
        }
        let hashing = BackgroundDigest(of: file)
        let decoded = decode(file[headerEnd...])
        let stateHash = checkingStateHash ? SHA256.hash(file[headerEnd...]) : header.stateSha256
        let fileHash = hashing.wait()
        guard expected == fileHash else {
            throw SnapshotError(.checksumMismatch, "the file's SHA-256 is \(fileHash.hex), its sidecar says \(expected.hex): the file changed after it was written; delete it", snapshot: id)
        }
        guard stateHash == header.stateSha256 else {
            throw SnapshotError(.checksumMismatch, "the state's SHA-256 differs from its header's", snapshot: id)
        }
        return (LoadedSnapshot(header: header, state: [], fileSha256: fileHash), decoded)
    }

    /// Removes snapshot `id` (file and sidecar); removing one that is not there does nothing.
    public func remove(id: String) throws(SnapshotError) {
        let name = id + SnapshotFormat.fileExtension
        try io(id) { () throws(SystemError) in
            _ = try kernel.remove(path(directory + "/" + name + SnapshotFormat.sidecarExtension))
            _ = try kernel.remove(path(directory + "/" + name))
            try kernel.syncDirectory(path(directory))
        }
    }

    /// The header of file `name` and the file's size, from its first bytes.
    private func readHeader(_ name: String) throws(SnapshotError) -> (SnapshotHeader, Int) {
        let id = String(name.dropLast(SnapshotFormat.fileExtension.count))
        return try io(id) { () throws(SystemError) -> Result<(SnapshotHeader, Int), SnapshotError> in
            let fd = try kernel.open(path(directory + "/" + name), .readOnly)
            defer { try? kernel.close(fd) }
            let size = try kernel.size(fd)
            var start = [UInt8](repeating: 0, count: min(size, SnapshotFormat.magicLine.count + SnapshotFormat.maxHeaderBytes + 1))
            let read = try kernel.read(fd, into: &start, at: 0)
            return Result { () throws(SnapshotError) in (try SnapshotStore.parseHeader(Array(start[..<read]), id: id).0, size) }
        }.get()
    }

    /// The header at the start of `bytes` and where the state begins.
    static func parseHeader(_ bytes: [UInt8], id: String) throws(SnapshotError) -> (SnapshotHeader, Int) {
        let magic = SnapshotFormat.magicLine
        guard bytes.count >= magic.count, bytes[..<magic.count].elementsEqual(magic) else {
            throw SnapshotError(.malformedHeader, "the file does not start with \"MOBIUS-SNAPSHOT 1\" (not a snapshot, or a format this build does not read)", snapshot: id)
        }
        let limit = min(bytes.count, magic.count + SnapshotFormat.maxHeaderBytes)
        guard let newline = bytes[magic.count..<limit].firstIndex(of: 0x0A) else {
            throw SnapshotError(.malformedHeader, "the header line is cut off or longer than \(SnapshotFormat.maxHeaderBytes) bytes", snapshot: id)
        }
        do {
            return (try SnapshotHeader.decode(Array(bytes[magic.count..<newline])), newline + 1)
        } catch {
            var error = error
            error.snapshot = id
            throw error
        }
    }

    /// All of file `name`.
    private func read(_ name: String, id: String, missing: SnapshotError.Code = .notFound) throws(SnapshotError) -> [UInt8] {
        do {
            let fd = try kernel.open(path(directory + "/" + name), .readOnly)
            defer { try? kernel.close(fd) }
            var bytes = [UInt8](repeating: 0, count: try kernel.size(fd))
            let count = try kernel.read(fd, into: &bytes, at: 0)
            // Trimmed in place, not copied: a million-image snapshot is 174 MB.
            if count < bytes.count { bytes.removeLast(bytes.count - count) }
            return bytes
        } catch where error.code == .noSuchFile {
            throw SnapshotError(missing, missing == .notFound ? "no snapshot \(id) in \(directory); 'snapshot list' shows those there are" : "\(name) is missing (the write did not finish)", snapshot: id)
        } catch {
            throw SnapshotError(.io, "\(error)", snapshot: id)
        }
    }

    /// Writes `bytes` to `name` through a synced temporary file renamed over it. The temporary
    /// name is this write's own: two writes of one snapshot at once (an operator's and the
    /// automatic one) each rename a whole file, where a shared name let one rename the file
    /// the other was still writing.
    private func replace(_ name: String, with bytes: [UInt8]) throws(SystemError) {
        let temporary = path(directory + "/." + name + "." + Hex.random(byteCount: 8) + ".tmp")
        let fd = try kernel.open(temporary, .writeOnly, options: [.create, .truncate])
        do {
            try kernel.write(fd, bytes, at: 0, path: temporary)
            try kernel.syncData(fd, path: temporary)
        } catch {
            try? kernel.close(fd)
            _ = try? kernel.remove(temporary)
            throw error
        }
        try kernel.close(fd)
        try kernel.rename(temporary, to: path(directory + "/" + name))
    }

    /// Runs `body`, reporting a system failure as an I/O error of snapshot `id`.
    private func io<T>(_ id: String, _ body: () throws(SystemError) -> T) throws(SnapshotError) -> T {
        do {
            return try body()
        } catch {
            throw SnapshotError(.io, "\(error)", snapshot: id)
        }
    }

    /// `text` as a path (the store's own names never hold NUL).
    private func path(_ text: String) -> FilePath {
        guard let path = FilePath(validating: text) else { preconditionFailure("snapshot path \(text) is empty or holds NUL") }
        return path
    }
}

