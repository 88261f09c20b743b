import Integrity

/// One sparse index entry: where a frame starts and what a reader needs to continue there.
package struct SegmentIndexEntry: Equatable, Sendable {
    /// Offset of the frame in its segment.
    package var offset: Int
    /// Seq of the frame's first event.
    package var firstSeq: UInt64
    /// Timestamp of the frame's first event, µs.
    package var firstTimestamp: UInt64
    /// The chain value before the frame (after the frame that precedes it).
    package var chainBefore: SHA256Digest
}

/// A segment's index file: what the prefix `[0, endOffset)` of the segment holds and a sparse
/// seq/time → offset table (layout under SEGMENT INDEX in JournalFormat.swift). Pure: encoding
/// and decoding only; `SegmentIndexFile` reads and writes it.
package struct SegmentIndex: Equatable, Sendable {
    /// CRC-32 of the segment header the index belongs to.
    package var headerCRC: UInt32
    /// The segment's first seq.
    package var firstSeq: UInt64
    /// Segment bytes covered; a sealed segment's exact size.
    package var endOffset: Int
    /// Seq of the last covered event (`firstSeq − 1` when no frame is covered).
    package var lastSeq: UInt64
    /// Timestamp of the last covered event, µs (the header's base when none).
    package var lastTimestamp: UInt64
    /// Frames covered.
    package var frameCount: Int
    /// Offset of the last covered frame (0 when none).
    package var lastFrameOffset: Int
    /// The chain value after the last covered frame (the header's previous chain when none).
    package var finalChain: SHA256Digest
    /// Sparse entries in offset order; the first covered frame always has one.
    package var entries: [SegmentIndexEntry]
    /// Written when the segment was sealed: a later segment existed.
    package var isSealed = false

    /// The index of a segment with `header` and no frames yet.
    package init(emptySegmentWith header: SegmentHeader) {
        headerCRC = SegmentIndex.crc(of: header)
        firstSeq = header.firstSeq
        endOffset = JournalFormat.segmentHeaderLength
        lastSeq = header.firstSeq - 1
        lastTimestamp = header.baseTimestamp
        frameCount = 0
        lastFrameOffset = 0
        finalChain = header.previousChain
        entries = []
    }

    /// The CRC-32 an index records for `header`.
    package static func crc(of header: SegmentHeader) -> UInt32 {
        CRC32.checksum(header.encoded())
    }

    /// Whether the index belongs to `header` (same header bytes).
    package func belongs(to header: SegmentHeader) -> Bool {
        headerCRC == SegmentIndex.crc(of: header) && firstSeq == header.firstSeq
    }

    /// Records a frame written (or found) at `offset`: adds an entry when it starts a new sparse
    /// step, and moves the covered end past it.
    package mutating func record(frameAt offset: Int, length: Int, firstSeq frameFirstSeq: UInt64, count: Int,
                                 firstTimestamp: UInt64, lastTimestamp frameLastTimestamp: UInt64,
                                 chainBefore: SHA256Digest, chainAfter: SHA256Digest) {
        if entries.isEmpty || offset - entries[entries.count - 1].offset >= JournalFormat.indexSparseStep {
            entries.append(SegmentIndexEntry(offset: offset, firstSeq: frameFirstSeq, firstTimestamp: firstTimestamp, chainBefore: chainBefore))
        }
        endOffset = offset + length
        lastSeq = frameFirstSeq + UInt64(count) - 1
        lastTimestamp = frameLastTimestamp
        frameCount += 1
        lastFrameOffset = offset
        finalChain = chainAfter
    }

    /// The entry a read of `seq` starts at: the last whose first seq is at most `seq`.
    package func entry(forSeq seq: UInt64) -> SegmentIndexEntry? {
        lastEntry { $0.firstSeq <= seq }
    }

    /// The entry a read of events with `ts ≥ timestamp` starts at: the last whose first
    /// timestamp is below `timestamp` (events of that frame may still be at or after it).
    package func entry(beforeTimestamp timestamp: UInt64) -> SegmentIndexEntry? {
        lastEntry { $0.firstTimestamp < timestamp }
    }

    /// The entry a search for the last event with `ts ≤ timestamp` starts at: the last whose
    /// first timestamp is at most `timestamp` (every frame from the next entry on is later).
    package func entry(atOrBeforeTimestamp timestamp: UInt64) -> SegmentIndexEntry? {
        lastEntry { $0.firstTimestamp <= timestamp }
    }

    /// Binary search for the last entry satisfying a predicate that holds for a prefix.
    private func lastEntry(where holds: (SegmentIndexEntry) -> Bool) -> SegmentIndexEntry? {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if holds(entries[middle]) { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : entries[low - 1]
    }
}

extension SegmentIndex {
    /// The file's bytes, trailing CRC included.
    package func encoded() -> [UInt8] {
        var bytes = JournalFormat.indexMagic
        bytes.reserveCapacity(JournalFormat.indexFixedLength + entries.count * JournalFormat.indexEntryLength + 4)
        bytes.appendLittleEndian(JournalFormat.indexVersion)
        bytes.appendLittleEndian(UInt16(JournalFormat.indexFixedLength))
        bytes.appendLittleEndian(headerCRC)
        bytes.appendLittleEndian(UInt32(JournalFormat.indexSparseStep))
        bytes.appendLittleEndian(firstSeq)
        bytes.appendLittleEndian(UInt64(endOffset))
        bytes.appendLittleEndian(lastSeq)
        bytes.appendLittleEndian(lastTimestamp)
        bytes.appendLittleEndian(UInt64(frameCount))
        bytes.appendLittleEndian(UInt64(lastFrameOffset))
        bytes.append(contentsOf: finalChain.bytes)
        bytes.appendLittleEndian(UInt32(entries.count))
        bytes.appendLittleEndian(UInt32(isSealed ? 1 : 0))
        for entry in entries {
            bytes.appendLittleEndian(UInt64(entry.offset))
            bytes.appendLittleEndian(entry.firstSeq)
            bytes.appendLittleEndian(entry.firstTimestamp)
            bytes.append(contentsOf: entry.chainBefore.bytes)
        }
        bytes.appendLittleEndian(CRC32.checksum(bytes))
        return bytes
    }

    /// Decodes an index file; throws (with the offset of the problem) unless the bytes are
    /// exactly one index of a version this code knows, with a matching CRC and sane fields.
    package static func decode(_ bytes: UnsafeRawBufferPointer) throws(FrameError) -> SegmentIndex {
        var cursor = ByteCursor(bytes)
        func bad(_ what: String) -> FrameError { FrameError(.fieldOutOfBounds, at: cursor.offset, what) }
        guard let magic = cursor.readBytes(4), magic.elementsEqual(JournalFormat.indexMagic) else {
            throw FrameError(.badMagic, at: 0, "not a segment index (expected \"MDX1\")")
        }
        guard let version = cursor.readLittleEndian(UInt16.self), version == JournalFormat.indexVersion else {
            throw FrameError(.unsupportedVersion, at: 4, "index format version this build does not read")
        }
        guard bytes.count >= JournalFormat.indexFixedLength + 4 else { throw bad("index file is cut off (\(bytes.count) bytes)") }
        let stored = UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - 4)...]).loadUnaligned(as: UInt32.self)
        guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 4)])) == UInt32(littleEndian: stored) else {
            throw FrameError(.checksumMismatch, at: bytes.count - 4, "index CRC-32 does not match its bytes")
        }
        guard cursor.readLittleEndian(UInt16.self) == UInt16(JournalFormat.indexFixedLength),
              let headerCRC = cursor.readLittleEndian(UInt32.self),
              cursor.readLittleEndian(UInt32.self) == UInt32(JournalFormat.indexSparseStep),
              let firstSeq = cursor.readLittleEndian(UInt64.self),
              let endOffset = cursor.readLittleEndian(UInt64.self),
              let lastSeq = cursor.readLittleEndian(UInt64.self),
              let lastTimestamp = cursor.readLittleEndian(UInt64.self),
              let frameCount = cursor.readLittleEndian(UInt64.self),
              let lastFrameOffset = cursor.readLittleEndian(UInt64.self),
              let chain = cursor.readBytes(32),
              let entryCount = cursor.readLittleEndian(UInt32.self),
              let flags = cursor.readLittleEndian(UInt32.self), flags & ~1 == 0
        else { throw bad("index fixed fields do not match this format") }
        let limit = UInt64(Int32.max)
        guard firstSeq >= 1, lastSeq >= firstSeq - 1, endOffset >= UInt64(JournalFormat.segmentHeaderLength), endOffset < limit,
              frameCount < limit, lastFrameOffset < endOffset, (frameCount == 0) == (lastSeq == firstSeq - 1),
              (frameCount == 0) == (entryCount == 0), UInt64(entryCount) <= frameCount,
              bytes.count == JournalFormat.indexFixedLength + Int(entryCount) * JournalFormat.indexEntryLength + 4
        else { throw bad("index fields are inconsistent") }
        var index = SegmentIndex(
            headerCRC: headerCRC, firstSeq: firstSeq, endOffset: Int(endOffset), lastSeq: lastSeq, lastTimestamp: lastTimestamp,
            frameCount: Int(frameCount), lastFrameOffset: Int(lastFrameOffset), finalChain: SHA256Digest(bytes: chain)!, entries: []
        )
        index.isSealed = flags & 1 != 0
        index.entries.reserveCapacity(Int(entryCount))
        for _ in 0..<entryCount {
            guard let offset = cursor.readLittleEndian(UInt64.self), let seq = cursor.readLittleEndian(UInt64.self),
                  let timestamp = cursor.readLittleEndian(UInt64.self), let before = cursor.readBytes(32),
                  offset >= UInt64(JournalFormat.segmentHeaderLength), offset <= lastFrameOffset, seq >= firstSeq, seq <= lastSeq,
                  timestamp <= lastTimestamp
            else { throw bad("index entry out of range") }
            if let previous = index.entries.last, UInt64(previous.offset) >= offset || previous.firstSeq >= seq || previous.firstTimestamp > timestamp {
                throw bad("index entries out of order")
            }
            index.entries.append(SegmentIndexEntry(offset: Int(offset), firstSeq: seq, firstTimestamp: timestamp, chainBefore: SHA256Digest(bytes: before)!))
        }
        return index
    }

    private init(headerCRC: UInt32, firstSeq: UInt64, endOffset: Int, lastSeq: UInt64, lastTimestamp: UInt64, frameCount: Int,
                 lastFrameOffset: Int, finalChain: SHA256Digest, entries: [SegmentIndexEntry]) {
        self.headerCRC = headerCRC
        self.firstSeq = firstSeq
        self.endOffset = endOffset
        self.lastSeq = lastSeq
        self.lastTimestamp = lastTimestamp
        self.frameCount = frameCount
        self.lastFrameOffset = lastFrameOffset
        self.finalChain = finalChain
        self.entries = entries
    }
}
