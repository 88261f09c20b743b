import Integrity

/// Writes a ustar archive (BackupFormat.swift) into an `ArchiveFile`: member headers, data,
/// padding and the end blocks, hashing each file member as it goes for the manifest.
///
/// A file member is `begin`, then exactly `size` bytes of `write`, then `end`, which returns
/// the member's SHA-256.
///
/// Members that do not compress are stored: once a member's first MiB has deflated to more
/// than 90 % of its size (segments of large batches are already deflated frame by frame), the
/// rest of it is written as stored deflate blocks, and the next member starts at `level` again.
/// Deflating incompressible bytes costs most of a backup's time (23 s of 37 s for 1 GB,
/// README "Backups") and saves under 0.1 %.
struct TarWriter {
    private let file: ArchiveFile
    private let modificationTime: Int
    private let level: Int32
    /// Where the current member's data began in the tar stream and the compressed stream, until
    /// its first MiB has been judged.
    private var probe: (tarStart: Int, compressedStart: Int)?
    private var isStoring = false

    /// Member bytes deflated before judging whether the member compresses.
    static let probeBytes = 1 << 20
    /// A member whose probe deflates to more than this fraction of its size is stored.
    static let storeAboveRatio = 0.9
    private var current: (header: TarHeader, remaining: Int, hasher: SHA256)?
    /// Tar bytes written so far.
    private(set) var byteCount = 0

    /// A writer into `file` (compressing at zlib `level`), stamping every member with
    /// `modificationTime` (seconds since 1970).
    init(into file: ArchiveFile, level: Int32, modificationTime: Int) {
        self.file = file
        self.level = level
        self.modificationTime = modificationTime
    }

    /// Adds directory member `name` (ending with '/').
    mutating func addDirectory(_ name: String) throws(BackupError) {
        precondition(current == nil && name.hasSuffix("/"))
        try put(TarHeader(name: name, kind: .directory, size: 0, modificationTime: modificationTime).encoded())
    }

    /// Starts file member `name` of `size` bytes.
    mutating func begin(_ name: String, size: Int) throws(BackupError) {
        precondition(current == nil, "a member is still open")
        guard size <= BackupFormat.maxMemberBytes else {
            throw BackupError(.invalidRequest, "\(name) holds \(size) bytes, more than a ustar member can (8 GiB − 1)")
        }
        let header = TarHeader(name: name, kind: .file, size: size, modificationTime: modificationTime)
        if isStoring {
            try file.setLevel(level)
            isStoring = false
        }
        try put(header.encoded())
        current = (header, size, SHA256())
        let totals = file.totals
        probe = size > TarWriter.probeBytes && level > 0 ? (totals.tarBytes, totals.compressedBytes) : nil
    }

    /// Adds the next bytes of the current member.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(BackupError) {
        precondition(current != nil && bytes.count <= current!.remaining, "more bytes than the member announced")
        current!.remaining -= bytes.count
        current!.hasher.update(bytes)
        try file.write(bytes)
        byteCount += bytes.count
        if let start = probe {
            let totals = file.totals
            let fed = totals.tarBytes - start.tarStart
            if fed >= TarWriter.probeBytes {
                probe = nil
                if Double(totals.compressedBytes - start.compressedStart) > TarWriter.storeAboveRatio * Double(fed) {
                    try file.setLevel(0)
                    isStoring = true
                }
            }
        }
    }

    /// Adds the next bytes of the current member.
    mutating func write(_ bytes: [UInt8]) throws(BackupError) {
        var failure: BackupError?
        bytes.withUnsafeBytes { raw in
            do throws(BackupError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Ends the current member (padding it to a block) and returns its SHA-256.
    mutating func end() throws(BackupError) -> SHA256Digest {
        guard let member = current else { preconditionFailure("no member is open") }
        precondition(member.remaining == 0, "\(member.header.name) is \(member.remaining) bytes short")
        current = nil
        let padding = (BackupFormat.blockBytes - member.header.size % BackupFormat.blockBytes) % BackupFormat.blockBytes
        if padding > 0 { try put([UInt8](repeating: 0, count: padding)) }
        return member.hasher.finalize()
    }

    /// Adds a whole file member and returns its SHA-256.
    mutating func add(_ name: String, _ bytes: [UInt8]) throws(BackupError) -> SHA256Digest {
        try begin(name, size: bytes.count)
        try write(bytes)
        return try end()
    }

    /// Writes the two end blocks and pads the archive to a whole record.
    mutating func finish() throws(BackupError) {
        precondition(current == nil, "a member is still open")
        var tail = 2 * BackupFormat.blockBytes
        let total = byteCount + tail
        tail += (BackupFormat.recordBytes - total % BackupFormat.recordBytes) % BackupFormat.recordBytes
        try put([UInt8](repeating: 0, count: tail))
    }

    private mutating func put(_ bytes: [UInt8]) throws(BackupError) {
        try file.write(bytes)
        byteCount += bytes.count
    }
}
