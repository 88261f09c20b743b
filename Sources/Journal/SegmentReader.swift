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
    /// The bytes at `offset` fail a check; `isTornTail` is not yet decided (see `isTornTail(at:)`).
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
    /// Seq of the frame's last event.
    package var lastSeq: UInt64 { firstSeq + UInt64(frame.header.count) - 1 }
    /// Timestamp of the frame's last event, µs.
    package var lastTimestamp: UInt64 { firstTimestamp + frame.header.timestampSpan }
}

/// Streams the frames of one segment file in constant memory, checking header bounds, CRC,
/// seq continuity, timestamp order and the hash chain (from the segment header's previous chain).
///
/// Memory: one buffer that grows to the largest frame met (bounded by the format's limits).
/// Used by the reader, verifier and recovery alike, so they agree on what "damaged" means.
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
    private var decoder = FrameDecoder()
    private var buffer: UnsafeMutableRawBufferPointer
    private var bufferFileOffset = 0
    private var bufferCount = 0

    /// Opens `directory/name` read-only and decodes its header.
    ///
    /// Throws `.io` when the file cannot be read and `.corrupt` (offset 0) when the header is
    /// short or fails its checks.
    package init(directory: String, name: String, io: FileIO) throws(JournalError) {
        self.name = name
        path = directory + "/" + name
        self.io = io
        fd = try io.open(path, O_RDONLY)
        buffer = .allocate(byteCount: 1 << 20, alignment: 16)
        do throws(JournalError) {
            fileSize = try io.size(fd, path: path)
            bufferCount = try io.read(fd, into: buffer, at: 0, path: path)
            var cursor = ByteCursor(UnsafeRawBufferPointer(rebasing: buffer[..<bufferCount]))
            let decoded: SegmentHeader?
            do {
                decoded = try SegmentHeader.decode(&cursor)
            } catch {
                throw JournalError(.corrupt, "segment header: \(error)", path: path, offset: error.offset)
            }
            guard let decoded else {
                throw JournalError(.corrupt, "segment header is cut off (\(bufferCount) of \(JournalFormat.segmentHeaderLength) bytes)", path: path, offset: 0)
            }
            let expected = JournalFormat.firstSeq(ofSegmentFileName: name)
            guard expected == decoded.firstSeq else {
                throw JournalError(.corrupt, "segment header says first seq \(decoded.firstSeq) but the file name says \(expected ?? 0)", path: path, offset: 12)
            }
            header = decoded
        } catch {
            io.close(fd)
            buffer.deallocate()
            throw error
        }
        nextSeq = header.firstSeq
        chain = FrameChain(startingAt: header.previousChain)
        lastTimestamp = header.baseTimestamp
    }

    deinit {
        io.close(fd)
        buffer.deallocate()
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
        while true {
            let available = bufferFileOffset + bufferCount - position
            if available <= 0 || (available < JournalFormat.maxFrameHeaderLength && bufferFileOffset + bufferCount < fileSize) {
                try refill(growing: false)
                continue
            }
            let start = position - bufferFileOffset
            let window = UnsafeRawBufferPointer(rebasing: buffer[start..<bufferCount])
            if window[0] == 0 {
                if let nonZero = try firstNonZeroByte(from: position) {
                    return .damage(damage(at: nonZero, "non-zero byte after the last frame, in the zero padding", seqs: nil))
                }
                return .end(offset: position)
            }
            var cursor = ByteCursor(window)
            let decoded: Frame?
            do {
                decoded = try decoder.decode(&cursor)
            } catch {
                return .damage(damage(at: position, "frame: \(error)", seqs: nil))
            }
            guard let frame = decoded else {
                if bufferFileOffset + bufferCount >= fileSize {
                    return .damage(damage(at: position, "frame is cut off by the end of the file (\(fileSize - position) bytes present)", seqs: nil))
                }
                try refill(growing: start == 0)
                continue
            }
            let firstSeq = header.firstSeq + frame.header.seqOffset
            let seqs = firstSeq...(firstSeq + UInt64(frame.header.count) - 1)
            guard firstSeq == nextSeq else {
                return .damage(damage(at: position, "frame starts at seq \(firstSeq) where seq \(nextSeq) was expected (frame missing, repeated or moved)", seqs: seqs))
            }
            let firstTimestamp = header.baseTimestamp + frame.header.firstTimestampDelta
            guard firstTimestamp >= lastTimestamp else {
                return .damage(damage(at: position, "frame timestamp goes back in time", seqs: seqs))
            }
            guard chain.advance(over: frame) else {
                return .damage(damage(at: position, "hash chain tag does not match: a frame here or before it was edited, removed, inserted or reordered", seqs: seqs))
            }
            let scanned = ScannedFrame(frame: frame, fileOffset: position, firstSeq: firstSeq, firstTimestamp: firstTimestamp)
            position += frame.length
            nextSeq = seqs.upperBound + 1
            lastTimestamp = scanned.lastTimestamp
            return .frame(scanned)
        }
    }

    /// Whether damage at `offset` is a torn tail: no frame with a valid CRC starts anywhere
    /// after it in this file. Only meaningful for the last segment; on this damage-only path it
    /// reads the rest of the segment into memory (at most one segment plus its padding).
    package func hasNoValidFrame(after offset: Int) throws(JournalError) -> Bool {
        let count = max(0, fileSize - offset - 1)
        guard count > 0 else { return true }
        var rest = [UInt8](repeating: 0, count: count)
        let read = try io.read(fd, into: &rest, at: offset + 1, path: path)
        return !rest[..<read].withUnsafeBytes(FrameDecoder.containsValidFrame)
    }

    /// Whether any frame with a valid CRC starts anywhere in segment file `name` — used when its
    /// header is unreadable, to tell a half-created last segment from a damaged one.
    package static func fileHoldsValidFrame(directory: String, name: String, io: FileIO) throws(JournalError) -> Bool {
        let path = directory + "/" + name
        let fd = try io.open(path, O_RDONLY)
        defer { io.close(fd) }
        var bytes = [UInt8](repeating: 0, count: try io.size(fd, path: path))
        let read = try io.read(fd, into: &bytes, at: 0, path: path)
        return bytes[..<read].withUnsafeBytes(FrameDecoder.containsValidFrame)
    }

    /// The seqs a damage at the current position could cover, for reports.
    private func damage(at offset: Int, _ reason: String, seqs: ClosedRange<UInt64>?) -> JournalDamage {
        JournalDamage(segment: name, offset: offset, seqRange: seqs ?? (nextSeq...nextSeq), reason: reason, isTornTail: false)
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
        if position + bufferCount > fileSize { fileSize = position + bufferCount }
    }

    /// The offset of the first non-zero byte at or after `offset`, or nil if all are zero.
    private func firstNonZeroByte(from offset: Int) throws(JournalError) -> Int? {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var at = offset
        while at < fileSize {
            let read = try io.read(fd, into: &chunk, at: at, path: path)
            if read == 0 { break }
            if let index = chunk[..<read].firstIndex(where: { $0 != 0 }) { return at + index }
            at += read
        }
        return nil
    }
}
