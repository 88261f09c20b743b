import Integrity
import POSIX

/// The compressed archive file as `create` writes it: tar bytes go in, are gzipped, hashed
/// (for the sidecar) and written in large pieces to a new file, which `finish` syncs.
///
/// The file is created with `O_EXCL` under the temporary name it is given; the caller renames
/// it into place. Every call goes through the `POSIX` funnel.
final class ArchiveFile {
    /// The file being written.
    let path: String
    private let kernel: Kernel
    private var fd: FileDescriptor?
    private let encoder: GzipEncoder
    private var compressed: [UInt8] = []
    private var written = 0
    private var hasher = SHA256()

    /// Compressed bytes gathered before a write.
    private static let writeBytes = 1 << 20

    /// Creates `path`, which must not exist, for an archive gzipped at zlib `level`.
    init(creating path: String, level: Int32, kernel: Kernel) throws(BackupError) {
        self.path = path
        self.kernel = kernel
        encoder = GzipEncoder(level: level)
        compressed.reserveCapacity(ArchiveFile.writeBytes + (512 << 10))
        do {
            fd = try kernel.open(ArchiveFile.filePath(path), .writeOnly, options: [.create, .exclusive])
        } catch {
            throw BackupError.writing(path, error)
        }
    }

    deinit { if let fd { try? kernel.close(fd) } }

    /// Adds `bytes` of the tar stream.
    func write(_ bytes: UnsafeRawBufferPointer) throws(BackupError) {
        encoder.compress(bytes, appendingTo: &compressed)
        if compressed.count >= ArchiveFile.writeBytes { try flush() }
    }

    /// Adds `bytes` of the tar stream.
    func write(_ bytes: [UInt8]) throws(BackupError) {
        let outcome: Result<Void, BackupError> = bytes.withUnsafeBytes { raw in Result { () throws(BackupError) in try write(raw) } }
        try outcome.get()
    }

    /// Tar bytes taken so far, and the compressed bytes they have become (zlib may hold up to a
    /// block more).
    var totals: (tarBytes: Int, compressedBytes: Int) { (encoder.totalIn, encoder.totalOut) }

    /// Compresses what follows at zlib `level` (0: stored).
    func setLevel(_ level: Int32) throws(BackupError) {
        encoder.setLevel(level, appendingTo: &compressed)
        if compressed.count >= ArchiveFile.writeBytes { try flush() }
    }

    /// Ends the gzip stream, writes what is left, syncs and closes the file; returns its size
    /// and SHA-256.
    func finish() throws(BackupError) -> (byteCount: Int, sha256: SHA256Digest) {
        encoder.finish(appendingTo: &compressed)
        try flush()
        guard let fd else { preconditionFailure("finish twice") }
        self.fd = nil
        do {
            try kernel.sync(fd, path: ArchiveFile.filePath(path))
            try kernel.close(fd, path: ArchiveFile.filePath(path))
        } catch {
            throw BackupError.writing(path, error)
        }
        return (written, hasher.finalize())
    }

    /// Closes and removes the file (after a failure).
    func discard() {
        if let fd { try? kernel.close(fd) }
        fd = nil
        _ = try? kernel.remove(ArchiveFile.filePath(path))
    }

    private func flush() throws(BackupError) {
        guard !compressed.isEmpty, let fd else { return }
        hasher.update(compressed)
        do {
            try kernel.write(fd, compressed, at: written, path: ArchiveFile.filePath(path))
        } catch {
            throw BackupError.writing(path, error)
        }
        written += compressed.count
        compressed.removeAll(keepingCapacity: true)
    }

    /// `text` as a path; the caller checked it (non-empty, no NUL).
    static func filePath(_ text: String) -> FilePath {
        guard let path = FilePath(validating: text) else { preconditionFailure("\(text) is not a usable path") }
        return path
    }
}
