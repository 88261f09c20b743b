#if canImport(Glibc)
import Glibc
#endif
import Integrity

/// One step of a segment scan.
package enum SegmentScanStep {
    /// A frame that passed every check; its slices are valid until the next call to `next()`.
    case frame(ScannedFrame)
    /// No more frames: the file ends here, or only zero padding follows.
    case end(offset: Int)
    /// The bytes at `offset` fail a check; whether it is a torn tail is decided by the caller
    /// (`isTornTail(_:)`), which knows whether this is the last segment.
    case damage(JournalDamage)
}

/// A frame found by a scan, with its absolute seqs and timestamps.
package struct ScannedFrame {
    /// The decoded frame; slices borrow the reader's buffer.
    package var frame: Frame
    /// Offset of the frame in the segment file.
    package var fileOffset: Int
    /// Seq of the frame's first event.
    package var firstSeq: UInt64
    /// Timestamp of the frame's first event, µs.
    package var firstTimestamp: UInt64
    /// The chain value before this frame.
    package var chainBefore: SHA256Digest
    /// The chain value after this frame.
    package var chainAfter: SHA256Digest
    /// Seq of the frame's last event.
    package var lastSeq: UInt64 { firstSeq + UInt64(frame.header.count) - 1 }
    /// Timestamp of the frame's last event, µs.
    package var lastTimestamp: UInt64 { firstTimestamp + frame.header.timestampSpan }
}

/// Streams the frames of one segment file in constant memory, checking header bounds, CRC,
/// seq continuity, timestamp order and the hash chain (from the segment header's previous chain,
/// or from an index point given to `resume`).
///
/// Opening reads the 64-byte header only; the scan buffer is allocated on the first `next()`
/// and grows to the largest frame met (bounded by the format's limits). Used by the reader,
/// verifier and recovery alike, so they agree on what "damaged" means.
package final class SegmentReader {
    /// The segment's file name.
    package let name: String
    /// Full path of the segment file.
    package let path: String
    /// The decoded segment header.
    package let header: SegmentHeader
    /// Offset of the next frame.
    package private(set) var position = JournalFormat.segmentHeaderLength
    /// Seq the next frame must start with.
    package private(set) var nextSeq: UInt64
    /// The chain after the last frame read.
    package private(set) var chain: FrameChain
    /// Timestamp of the last event read (the segment's base before any).
    package private(set) var lastTimestamp: UInt64
    /// File size when last measured.
    package private(set) var fileSize: Int

    private let fd: Int32
    private let io: FileIO
    private var decoder: FrameDecoder
    private var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var bufferFileOffset = 0
    private var bufferCount = 0

    /// Opens `directory/name` read-only and decodes its header.
    ///
    /// Throws `.io` when the file cannot be read and `.corrupt` (with the offset of the bad
    /// field) when the header is short, fails its checks or disagrees with the file name.
    package init(directory: String, name: String, io: FileIO) throws(JournalError) {
        self.name = name
        path = directory + "/" + name
        self.io = io
        fd = try io.open(path, O_RDONLY)
        do throws(JournalError) {
            fileSize = try io.size(fd, path: path)
            header = try SegmentReader.readHeader(fd: fd, name: name, path: path, io: io)
        } catch {
            io.close(fd)
            throw error
        }
        decoder = FrameDecoder(formatVersion: header.formatVersion)
        nextSeq = header.firstSeq
        chain = FrameChain(startingAt: header.previousChain)
        lastTimestamp = header.baseTimestamp
    }

    deinit {
        io.close(fd)
        buffer.deallocate()
    }

    /// Reads and checks the header of the segment open as `fd`.
    static func readHeader(fd: Int32, name: String, path: String, io: FileIO) throws(JournalError) -> SegmentHeader {
        var bytes = [UInt8](repeating: 0, count: JournalFormat.segmentHeaderLength)
        let count = try io.read(fd, into: &bytes, at: 0, path: path)
        let outcome = bytes[..<count].withUnsafeBytes { raw in
            Result { () throws(FrameError) -> SegmentHeader? in
                var cursor = ByteCursor(raw)
                return try SegmentHeader.decode(&cursor)
            }
        }
        let decoded: SegmentHeader?
        switch outcome {
        case .success(let header): decoded = header
        case .failure(let error): throw JournalError(.corrupt, "segment header: \(error)", path: path, offset: error.offset)
        }
        guard let decoded else {
            throw JournalError(.corrupt, "segment header is cut off (\(count) of \(JournalFormat.segmentHeaderLength) bytes)", path: path, offset: 0)
        }
        let expected = JournalFormat.firstSeq(ofSegmentFileName: name)
        guard expected == decoded.firstSeq else {
            throw JournalError(.corrupt, "segment header says first seq \(decoded.firstSeq) but the file name says \(expected ?? 0) (segment renamed?)", path: path, offset: 12)
        }
        return decoded
    }

    /// Continues the scan at a frame boundary known from the segment's index instead of the
    /// header: the frame there must start at `nextSeq`, and the chain is checked from `chain`.
    package func resume(at offset: Int, nextSeq: UInt64, chain: SHA256Digest, lastTimestamp: UInt64) {
        position = offset
        self.nextSeq = nextSeq
        self.chain = FrameChain(startingAt: chain)
        self.lastTimestamp = lastTimestamp
        bufferFileOffset = offset
        bufferCount = 0
    }

    /// The header of the frame at `offset` and the frame's whole length, read without its
    /// payload (nil when no valid frame header is there).
    package func frameHeader(at offset: Int) throws(JournalError) -> (header: FrameHeader, length: Int)? {
        var bytes = [UInt8](repeating: 0, count: JournalFormat.maxFrameHeaderLength)
        let read = try io.read(fd, into: &bytes, at: offset, path: path)
        return bytes[..<read].withUnsafeBytes { raw -> (header: FrameHeader, length: Int)? in
            var cursor = ByteCursor(raw)
            guard let (header, _, _) = try? decoder.decodeHeader(&cursor) else { return nil }
            return (header, cursor.offset + header.storedLength)
        }
    }

    /// Whether a frame with a valid CRC (bounds and CRC; not the chain) is at `offset`.
    package func frameIsIntact(at offset: Int) throws(JournalError) -> Bool {
        guard let (_, length) = try frameHeader(at: offset), offset + length <= fileSize else { return false }
        var bytes = [UInt8](repeating: 0, count: length)
        let read = try io.read(fd, into: &bytes, at: offset, path: path)
        return bytes[..<read].withUnsafeBytes { raw in
            var cursor = ByteCursor(raw)
            return (try? decoder.decode(&cursor)) != nil
        }
    }

    /// Re-measures the file, for readers following a live writer.
    package func refreshSize() throws(JournalError) {
        fileSize = try io.size(fd, path: path)
        // Bytes buffered earlier may predate the writer's latest write.
        bufferFileOffset = position
        bufferCount = 0
    }

    /// The next frame, the end, or the damage that stops the scan.
    package func next() throws(JournalError) -> SegmentScanStep {
        guard position < fileSize else { return .end(offset: position) }
        if buffer.count == 0 { buffer = .allocate(byteCount: 1 << 20, alignment: 16) }
        while true {
            let available = bufferFileOffset + bufferCount - position
            if available <= 0 || (available < JournalFormat.maxFrameHeaderLength && bufferFileOffset + bufferCount < fileSize) {
                try refill(growing: false)
                if bufferFileOffset + bufferCount <= position { return .end(offset: position) }
                continue
            }
            let start = position - bufferFileOffset
            let window = UnsafeRawBufferPointer(rebasing: buffer[start..<bufferCount])
            if window[0] == 0 {
                if let nonZero = try firstNonZeroByte(from: position) {
                    return .damage(damage(at: nonZero, "non-zero byte after the last frame, in the zero padding", seqs: nil, canBeTear: true))
                }
                return .end(offset: position)
            }
            var cursor = ByteCursor(window)
            let decoded: Frame?
            do {
                decoded = try decoder.decode(&cursor)
            } catch {
                return .damage(damage(at: position, "frame: \(error)", seqs: nil, canBeTear: true))
            }
            guard let frame = decoded else {
                if bufferFileOffset + bufferCount >= fileSize {
                    return .damage(damage(at: position, "frame is cut off by the end of the file (\(fileSize - position) bytes present)", seqs: nil, canBeTear: true))
                }
                try refill(growing: start == 0)
                continue
            }
            let firstSeq = header.firstSeq + frame.header.seqOffset
            let seqs = firstSeq...(firstSeq + UInt64(frame.header.count) - 1)
            guard firstSeq == nextSeq else {
                return .damage(damage(at: position, "frame starts at seq \(firstSeq) where seq \(nextSeq) was expected (frame missing, repeated or moved)", seqs: seqs, canBeTear: false))
            }
            let firstTimestamp = header.baseTimestamp + frame.header.firstTimestampDelta
            guard firstTimestamp >= lastTimestamp else {
                return .damage(damage(at: position, "frame timestamp goes back in time", seqs: seqs, canBeTear: false))
            }
            let before = chain.value
            guard chain.advance(over: frame) else {
                return .damage(damage(at: position, "hash chain tag does not match: a frame here or before it was edited, removed, inserted or reordered", seqs: seqs, canBeTear: false))
            }
            let scanned = ScannedFrame(frame: frame, fileOffset: position, firstSeq: firstSeq, firstTimestamp: firstTimestamp,
                                       chainBefore: before, chainAfter: chain.value)
            position += frame.length
            nextSeq = seqs.upperBound + 1
            lastTimestamp = scanned.lastTimestamp
            return .frame(scanned)
        }
    }

    /// Whether `damage`, found by this reader in the LAST segment, is a torn tail: bytes a torn
    /// write can leave (not a frame with a valid CRC at the cut) and no CRC-valid frame that
    /// begins a sync group anywhere after the cut (a later group was written after a sync, so the
    /// damage precedes durable data). Reads the rest of the file (at most a segment plus its
    /// padding) on this damage-only path.
    package func isTornTail(_ damage: JournalDamage) throws(JournalError) -> Bool {
        guard damage.canBeTear else { return false }
        let from = damage.cutOffset + 1
        let count = max(0, fileSize - from)
        guard count > 0 else { return true }
        var rest = [UInt8](repeating: 0, count: count)
        let read = try io.read(fd, into: &rest, at: from, path: path)
        return rest[..<read].withUnsafeBytes { decoder.firstValidFrame(in: $0, beginningSyncGroup: true) } == nil
    }

    /// Whether any frame with a valid CRC starts anywhere in segment file `name` — used when its
    /// header is unreadable, to tell a half-created last segment from a damaged one.
    package static func fileHoldsValidFrame(directory: String, name: String, io: FileIO) throws(JournalError) -> Bool {
        let path = directory + "/" + name
        let fd = try io.open(path, O_RDONLY)
        defer { io.close(fd) }
        var bytes = [UInt8](repeating: 0, count: try io.size(fd, path: path))
        let read = try io.read(fd, into: &bytes, at: 0, path: path)
        return bytes[..<read].withUnsafeBytes { FrameDecoder().firstValidFrame(in: $0, beginningSyncGroup: false) } != nil
    }

    /// A damage record at `offset`, cut at the end of the last verified frame.
    private func damage(at offset: Int, _ reason: String, seqs: ClosedRange<UInt64>?, canBeTear: Bool) -> JournalDamage {
        var damage = JournalDamage(segment: name, offset: offset, seqRange: seqs ?? (nextSeq...nextSeq), reason: reason)
        damage.cutOffset = position
        damage.canBeTear = canBeTear
        return damage
    }

    /// Moves unread bytes to the buffer's start and reads more; doubles the buffer when a
    /// single frame does not fit.
    private func refill(growing: Bool) throws(JournalError) {
        let keepFrom = position - bufferFileOffset
        let keep = max(0, bufferCount - keepFrom)
        if growing || keep == buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            if keep > 0 { bigger.baseAddress!.copyMemory(from: buffer.baseAddress! + keepFrom, byteCount: keep) }
            buffer.deallocate()
            buffer = bigger
        } else if keep > 0 && keepFrom > 0 {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + keepFrom, byteCount: keep)
        }
        bufferFileOffset = position
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[keep...])
        let read = try io.read(fd, into: target, at: position + keep, path: path)
        bufferCount = keep + read
        // The file may have changed since it was measured: a writer appends, and trims the
        // padding off a segment it seals. A short read is where it ends now; keeping a larger
        // stale size would have a frame shorter than a header at the end wait for bytes that
        // never come (and spin).
        if read < target.count || position + bufferCount > fileSize { fileSize = position + bufferCount }
    }

    /// The index of the first non-zero byte of `bytes`, eight bytes at a time (padding is
    /// megabytes of zeros, and this runs on every scan that reaches it).
    static func firstNonZero(in bytes: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        while index + 8 <= bytes.count {
            if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) != 0 { break }
            index += 8
        }
        while index < bytes.count {
            if bytes[index] != 0 { return index }
            index += 1
        }
        return nil
    }

    /// The offset of the first non-zero byte at or after `offset`, or nil if all are zero.
    private func firstNonZeroByte(from offset: Int) throws(JournalError) -> Int? {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var at = offset
        while at < fileSize {
            let read = try io.read(fd, into: &chunk, at: at, path: path)
            if read == 0 { break }
            if let index = chunk.withUnsafeBytes({ SegmentReader.firstNonZero(in: UnsafeRawBufferPointer(rebasing: $0[..<read])) }) {
                return at + index
            }
            at += read
        }
        return nil
    }
}
