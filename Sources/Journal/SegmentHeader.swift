import Integrity

/// The 64-byte header at the start of every segment (layout in JournalFormat.swift).
public struct SegmentHeader: Equatable, Sendable {
    /// The segment's format version: what its frame flags may hold (see COMPATIBILITY).
    public var formatVersion: UInt16
    /// Preset dictionary the segment's deflated frames were primed with.
    public var dictionaryId: UInt32
    /// Seq of the segment's first event; also the number in its file name.
    public var firstSeq: UInt64
    /// Base for the frames' timestamp deltas, µs since the Unix epoch.
    public var baseTimestamp: UInt64
    /// The chain value that ended the previous segment (zero for the first one).
    public var previousChain: SHA256Digest

    /// A header with the given fields (the current format version unless given).
    package init(formatVersion: UInt16 = JournalFormat.formatVersion, dictionaryId: UInt32, firstSeq: UInt64,
                baseTimestamp: UInt64, previousChain: SHA256Digest) {
        self.formatVersion = formatVersion
        self.dictionaryId = dictionaryId
        self.firstSeq = firstSeq
        self.baseTimestamp = baseTimestamp
        self.previousChain = previousChain
    }

    /// The header's 64 bytes, CRC included.
    public func encoded() -> [UInt8] {
        var bytes = JournalFormat.segmentMagic
        bytes.reserveCapacity(JournalFormat.segmentHeaderLength)
        bytes.appendLittleEndian(formatVersion)
        bytes.appendLittleEndian(UInt16(JournalFormat.segmentHeaderLength))
        bytes.appendLittleEndian(dictionaryId)
        bytes.appendLittleEndian(firstSeq)
        bytes.appendLittleEndian(baseTimestamp)
        bytes.append(contentsOf: previousChain.bytes)
        bytes.appendLittleEndian(CRC32.checksum(bytes))
        return bytes
    }

    /// Decodes a header from the start of `input`.
    ///
    /// Returns nil when fewer bytes than the header are available; throws on a wrong magic,
    /// an unknown version or dictionary, an impossible field or a CRC mismatch. Leaves the
    /// cursor after the header on success.
    package static func decode(_ input: inout ByteCursor) throws(FrameError) -> SegmentHeader? {
        var cursor = input
        let start = cursor.offset
        guard let magic = cursor.readBytes(4) else { return nil }
        guard magic.elementsEqual(JournalFormat.segmentMagic) else {
            throw FrameError(.badMagic, at: start, "not a segment header (expected \"MDJ1\")")
        }
        guard let version = cursor.readLittleEndian(UInt16.self),
              let length = cursor.readLittleEndian(UInt16.self) else { return nil }
        guard (JournalFormat.oldestReadableVersion...JournalFormat.formatVersion).contains(version) else {
            throw FrameError(.unsupportedVersion, at: start + 4, "segment format version \(version); this build reads versions \(JournalFormat.oldestReadableVersion)…\(JournalFormat.formatVersion)")
        }
        guard Int(length) == JournalFormat.segmentHeaderLength else {
            throw FrameError(.fieldOutOfBounds, at: start + 6, "segment header length \(length), expected \(JournalFormat.segmentHeaderLength)")
        }
        guard let dictionaryId = cursor.readLittleEndian(UInt32.self),
              let firstSeq = cursor.readLittleEndian(UInt64.self),
              let base = cursor.readLittleEndian(UInt64.self),
              let chain = cursor.readBytes(32),
              let storedCRC = cursor.readLittleEndian(UInt32.self) else { return nil }
        let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: input.bytes[start..<(start + 60)]))
        guard computed == storedCRC else {
            throw FrameError(.checksumMismatch, at: start + 60, "segment header CRC-32 is \(storedCRC), bytes give \(computed)")
        }
        guard CompressionDictionary.bytes(forId: dictionaryId) != nil else {
            throw FrameError(.unsupportedVersion, at: start + 8, "unknown compression dictionary id \(dictionaryId)")
        }
        guard firstSeq >= 1 else {
            throw FrameError(.fieldOutOfBounds, at: start + 12, "first seq 0 (seqs start at 1)")
        }
        input = cursor
        return SegmentHeader(
            formatVersion: version, dictionaryId: dictionaryId, firstSeq: firstSeq, baseTimestamp: base,
            previousChain: SHA256Digest(bytes: chain)!
        )
    }
}
