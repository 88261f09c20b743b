#if canImport(Glibc)
import Glibc
#endif

/// Writes prepared frames to segment files: creates and preallocates segments, writes, syncs,
/// and keeps each segment's index (written when the segment is sealed and at a clean close).
/// Owned by whichever thread holds the writer's I/O role; every call may throw, and after any
/// throw the journal writer stops for good.
package final class SegmentWriter {
    private let directory: String
    private let io: FileIO
    private let durability: Durability
    private let preallocationByteCount: Int
    private let batchSyncNanoseconds: UInt64
    private var lastSyncNanoseconds: UInt64 = 0
    private var fd: Int32 = -1
    private var path = ""
    /// Offset after the last frame written.
    private var writeOffset = 0
    /// File size including preallocated zeros.
    private var allocatedEnd = 0
    /// Whether bytes were written since the last sync (`.batch` and `.none` modes): the next
    /// frame then continues their sync group.
    package private(set) var hasUnsyncedBytes = false
    /// The active segment's name and index, covering every frame written to it.
    private var segmentName = ""
    private var index: SegmentIndex?

    /// A writer continuing at the end of `tail` (nil: the first frame creates the first segment).
    package init(directory: String, tail: JournalTail?, configuration: JournalConfiguration, io: FileIO) throws(JournalError) {
        self.directory = directory
        self.io = io
        durability = configuration.durability
        preallocationByteCount = configuration.preallocationByteCount
        let interval = configuration.batchSyncInterval.components
        batchSyncNanoseconds = UInt64(interval.seconds) * 1_000_000_000 + UInt64(interval.attoseconds / 1_000_000_000)
        if let tail {
            segmentName = tail.segmentName
            path = directory + "/" + tail.segmentName
            fd = try io.open(path, O_RDWR)
            writeOffset = tail.endOffset
            allocatedEnd = tail.fileSize
            index = tail.index
        }
    }

    deinit { if fd >= 0 { io.close(fd) } }

    /// Writes `frames` back to back (creating their segment first if the first starts one; no
    /// other may) and, in `.always` mode, syncs them once. On failure, tries to blank what was
    /// written so readers never see it, and throws.
    package func write(_ frames: [PreparedFrame]) throws(JournalError) {
        precondition(frames.dropFirst().allSatisfy { $0.newSegment == nil }, "one write covers one segment")
        if let header = frames.first?.newSegment { try startSegment(header) }
        var end = writeOffset
        for frame in frames { end += frame.bytes.count }
        if end > allocatedEnd { try extend(to: end) }
        do {
            var offset = writeOffset
            for frame in frames {
                try io.write(fd, frame.bytes, at: offset, path: path)
                offset += frame.bytes.count
            }
            switch durability {
            case .always: try io.syncData(fd, path: path)
            case .batch:
                // A busy writer keeps the I/O role, so the idle flusher may never run: sync here
                // once the interval has passed.
                hasUnsyncedBytes = true
                if SegmentWriter.monotonicNanoseconds() - lastSyncNanoseconds >= batchSyncNanoseconds { try sync() }
            case .none: hasUnsyncedBytes = true
            }
        } catch {
            // Never acknowledged: erase it so a reader or the next open does not find it.
            // Best effort only — the disk just failed — and never reported as success.
            try? io.write(fd, [UInt8](repeating: 0, count: end - writeOffset), at: writeOffset, path: path)
            throw error
        }
        for frame in frames {
            let chainBefore = index!.finalChain
            index!.record(frameAt: writeOffset, length: frame.bytes.count, firstSeq: frame.seqs.lowerBound, count: frame.seqs.count,
                          firstTimestamp: frame.timestamp, lastTimestamp: frame.timestamp, chainBefore: chainBefore, chainAfter: frame.chain)
            writeOffset += frame.bytes.count
        }
    }

    /// Syncs written bytes (`.batch` mode's periodic sync and `close`).
    package func sync() throws(JournalError) {
        guard fd >= 0, hasUnsyncedBytes, durability != .none else { return }
        try io.syncData(fd, path: path)
        hasUnsyncedBytes = false
        lastSyncNanoseconds = SegmentWriter.monotonicNanoseconds()
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Closes the active segment, leaving its preallocated zeros (the next open continues there),
    /// and writes its index so the next write-open need not scan it.
    package func close() throws(JournalError) {
        guard fd >= 0 else { return }
        try sync()
        io.close(fd)
        fd = -1
        if let index, index.frameCount > 0 {
            try SegmentIndexFile.write(index, directory: directory, segmentName: segmentName, isDurable: durability != .none, io: io)
        }
    }

    /// Seals the active segment (truncates its padding, syncs), creates the next one, then
    /// writes the sealed segment's index: marked SEALED only once its successor is on stable
    /// storage, so a sealed index without a successor means segments were removed.
    private func startSegment(_ header: SegmentHeader) throws(JournalError) {
        let sealed = fd >= 0 ? (name: segmentName, index: index) : nil
        if fd >= 0 {
            if allocatedEnd > writeOffset { try io.truncate(fd, to: writeOffset, path: path) }
            if durability != .none { try io.syncData(fd, path: path) }
            io.close(fd)
            fd = -1
        }
        segmentName = JournalFormat.segmentFileName(firstSeq: header.firstSeq)
        index = SegmentIndex(emptySegmentWith: header)
        path = directory + "/" + segmentName
        fd = try io.open(path, O_RDWR | O_CREAT | O_EXCL, mode: 0o644)
        try io.write(fd, header.encoded(), at: 0, path: path)
        writeOffset = JournalFormat.segmentHeaderLength
        allocatedEnd = writeOffset
        try extend(to: writeOffset)
        if durability != .none {
            try io.syncData(fd, path: path)
            try io.syncDirectory(directory)
        }
        if let sealed, var sealedIndex = sealed.index {
            sealedIndex.isSealed = true
            try SegmentIndexFile.write(sealedIndex, directory: directory, segmentName: sealed.name, isDurable: durability != .none, io: io)
        }
    }

    /// Writes zeros from the allocated end so that `end` plus one preallocation step exists.
    /// Later frames then overwrite allocated blocks and `fdatasync` skips metadata.
    ///
    /// Preallocation is an optimisation, never a reason to fail: when the disk is full (ENOSPC,
    /// EDQUOT) it stops where the disk did and the frames are written anyway — into allocated
    /// space or by growing the file, which `fdatasync` then also makes durable. Only a frame's
    /// own bytes failing to write fails the append.
    private func extend(to end: Int) throws(JournalError) {
        guard preallocationByteCount > 0 else { return }
        let target = (end + preallocationByteCount + 4095) & ~4095
        let zeros = [UInt8](repeating: 0, count: min(1 << 20, target - allocatedEnd))
        while allocatedEnd < target {
            let count = min(zeros.count, target - allocatedEnd)
            do {
                try io.write(fd, count == zeros.count ? zeros : Array(zeros[..<count]), at: allocatedEnd, path: path)
            } catch where error.errno == ENOSPC || error.errno == EDQUOT {
                // Some of the zeros may have landed: the file's size says how far it got.
                allocatedEnd = max(allocatedEnd, (try? io.size(fd, path: path)) ?? allocatedEnd)
                return
            }
            allocatedEnd += count
        }
    }
}
