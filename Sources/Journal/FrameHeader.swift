import Integrity

/// How a frame's payload is stored (bits 0–1 of the flags byte).
public enum PayloadCodec: UInt8, Sendable {
    /// The records as they are.
    case stored = 0
    /// Raw deflate primed with the segment's preset dictionary.
    case deflate = 1
}

/// The fields of a frame header (layout in JournalFormat.swift), minus magic and CRC.
public struct FrameHeader: Equatable, Sendable {
    /// How the payload is stored.
    public var codec: PayloadCodec
    /// Flags bit 2: written with no sync since the frame before it, so one crash can tear both
    /// (always false in version-1 segments).
    public var continuesSyncGroup: Bool
    /// Payload bytes on disk.
    public var storedLength: Int
    /// Bytes of the records once inflated.
    public var uncompressedLength: Int
    /// The frame's first seq minus the segment's first seq.
    public var seqOffset: UInt64
    /// Events in the frame (at least 1).
    public var count: Int
    /// The frame's first timestamp minus the segment's base timestamp, µs.
    public var firstTimestampDelta: UInt64
    /// Last timestamp minus first timestamp, µs.
    public var timestampSpan: UInt64
    /// The first 8 bytes of the frame's chain value, as loaded little-endian.
    public var chainTag: UInt64

    /// A header with the given fields.
    public init(codec: PayloadCodec, continuesSyncGroup: Bool = false, storedLength: Int, uncompressedLength: Int, seqOffset: UInt64,
                count: Int, firstTimestampDelta: UInt64, timestampSpan: UInt64, chainTag: UInt64) {
        self.codec = codec
        self.continuesSyncGroup = continuesSyncGroup
        self.storedLength = storedLength
        self.uncompressedLength = uncompressedLength
        self.seqOffset = seqOffset
        self.count = count
        self.firstTimestampDelta = firstTimestampDelta
        self.timestampSpan = timestampSpan
        self.chainTag = chainTag
    }

    /// Appends magic, flags and the six varints: the part of the header the chain hashes.
    package func appendHashedPart(to bytes: inout [UInt8]) {
        bytes.append(JournalFormat.frameMagic)
        bytes.append(flags)
        bytes.appendVarint(UInt64(storedLength))
        bytes.appendVarint(UInt64(uncompressedLength))
        bytes.appendVarint(seqOffset)
        bytes.appendVarint(UInt64(count))
        bytes.appendVarint(firstTimestampDelta)
        bytes.appendVarint(timestampSpan)
    }

    /// The flags byte: codec and sync-group bit.
    var flags: UInt8 { codec.rawValue | (continuesSyncGroup ? JournalFormat.continuesSyncGroupFlag : 0) }

    /// Checks every field against the format's bounds; `offset` locates the header in errors.
    func validate(at offset: Int) throws(FrameError) {
        func bound(_ ok: Bool, _ detail: @autoclosure () -> String) throws(FrameError) {
            if !ok { throw FrameError(.fieldOutOfBounds, at: offset, detail()) }
        }
        try bound(storedLength <= JournalFormat.maxStoredLength, "stored length \(storedLength) exceeds \(JournalFormat.maxStoredLength)")
        try bound(uncompressedLength >= 1 && uncompressedLength <= JournalFormat.maxUncompressedLength,
                  "uncompressed length \(uncompressedLength) outside 1…\(JournalFormat.maxUncompressedLength)")
        try bound(codec != .stored || storedLength == uncompressedLength,
                  "stored frame with stored length \(storedLength) ≠ uncompressed length \(uncompressedLength)")
        try bound(seqOffset < JournalFormat.maxSeqOffset, "seq offset \(seqOffset) too large")
        try bound(count >= 1 && count <= uncompressedLength, "event count \(count) outside 1…\(uncompressedLength)")
        try bound(firstTimestampDelta < JournalFormat.maxTimestampDelta, "timestamp delta \(firstTimestampDelta) too large")
        try bound(timestampSpan < JournalFormat.maxTimestampDelta, "timestamp span \(timestampSpan) too large")
    }
}
