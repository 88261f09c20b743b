#if canImport(Glibc)
import Glibc
#endif
import Integrity

/// One segment file of a prefix copy, written front to back: the source's header, then frames,
/// buffered into large writes; `finish` syncs it and writes its index.
final class SegmentCopy {
    /// The segment's file name (the source's).
    let name: String
    private let directory: String
    private let path: String
    private let io: FileIO
    private var fd: Int32
    /// Bytes written to the file so far.
    private var flushedEnd = 0
    /// Bytes not yet written, which follow `flushedEnd`.
    private var pending: [UInt8] = []
    /// The index of what the copy holds, built as frames are added.
    private var index: SegmentIndex

    /// Bytes gathered before a write.
    private static let writeChunk = 1 << 20

    /// Creates segment `name` (it must not exist) in `directory` with `header`'s 64 bytes.
    init(directory: String, name: String, header: SegmentHeader, io: FileIO) throws(JournalError) {
        self.name = name
        self.directory = directory
        path = directory + "/" + name
        self.io = io
        index = SegmentIndex(emptySegmentWith: header)
        fd = try io.open(path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
        pending = header.encoded()
    }

    deinit { if fd >= 0 { io.close(fd) } }

    /// Offset the next frame gets.
    var endOffset: Int { flushedEnd + pending.count }

    /// Adds a frame of the source exactly as it was verified; it must stand at the same offset
    /// in the copy as in the source (everything before it was copied unchanged).
    func append(_ scanned: ScannedFrame) throws(JournalError) {
        precondition(scanned.fileOffset == endOffset, "a copied frame keeps its offset")
        pending.append(contentsOf: scanned.frame.bytes)
        index.record(scanned)
        if pending.count >= SegmentCopy.writeChunk { try flush() }
    }

    /// Adds the frame a `FramePrefix` built in place of `original` (same offset and first seq).
    func append(prefix bytes: [UInt8], events count: Int, lastTimestamp: UInt64, chain: SHA256Digest, replacing original: ScannedFrame) {
        precondition(original.fileOffset == endOffset, "the rewritten frame stands where the original stood")
        index.record(frameAt: endOffset, length: bytes.count, firstSeq: original.firstSeq, count: count, firstTimestamp: original.firstTimestamp,
                     lastTimestamp: lastTimestamp, chainBefore: original.chainBefore, chainAfter: chain)
        pending.append(contentsOf: bytes)
    }

    /// Writes what is buffered, syncs and closes the file, then writes its index — marked
    /// SEALED when `isSealed` (a later segment follows in the copy), as the writer would have.
    func finish(isSealed: Bool) throws(JournalError) {
        try flush()
        try io.sync(fd, path: path)
        io.close(fd)
        fd = -1
        index.isSealed = isSealed
        try SegmentIndexFile.write(index, directory: directory, segmentName: name, isDurable: true, io: io)
    }

    private func flush() throws(JournalError) {
        guard !pending.isEmpty else { return }
        try io.write(fd, pending, at: flushedEnd, path: path)
        flushedEnd += pending.count
        pending.removeAll(keepingCapacity: true)
    }
}
