import Integrity

/// One frame of the journal as a reader hands it out: one commit, with where it is, the chain
/// value after it, and its events.
///
/// Seqs, timestamps, place and chain are the whole frame's; `events` holds those of its events
/// the read's filter accepts (all of them with no type, request-id, seq or time condition that
/// cuts into the frame), so it may be empty. A snapshot taken after this frame records
/// (`lastSeq`, `chainAfter`) and later checks it with `JournalReader.chain(atSeq:)`.
public struct ReadFrame: Sendable, Equatable {
    /// Seq of the frame's first event.
    public var firstSeq: UInt64
    /// Seq of the frame's last event.
    public var lastSeq: UInt64
    /// Timestamp of the frame's first event, µs since the epoch.
    public var firstTimestamp: UInt64
    /// Timestamp of the frame's last event, µs since the epoch.
    public var lastTimestamp: UInt64
    /// The segment file holding the frame, e.g. `00000000000000000001.seg`.
    public var segment: String
    /// Byte offset of the frame in that file.
    public var offset: Int
    /// Bytes of the frame, header and payload (the next frame, if any, starts at `offset + length`).
    public var length: Int
    /// The journal's chain value after this frame (see CHAIN in JournalFormat.swift).
    public var chainAfter: SHA256Digest
    /// The frame's events that pass the filter, in seq order.
    public var events: [JournalEvent]

    /// A frame with the given fields.
    public init(firstSeq: UInt64, lastSeq: UInt64, firstTimestamp: UInt64, lastTimestamp: UInt64, segment: String, offset: Int,
                length: Int, chainAfter: SHA256Digest, events: [JournalEvent]) {
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.segment = segment
        self.offset = offset
        self.length = length
        self.chainAfter = chainAfter
        self.events = events
    }

    /// The frame `scanned` of segment `segment`, with `events`.
    init(_ scanned: ScannedFrame, segment: String, events: [JournalEvent]) {
        self.init(firstSeq: scanned.firstSeq, lastSeq: scanned.lastSeq, firstTimestamp: scanned.firstTimestamp,
                  lastTimestamp: scanned.lastTimestamp, segment: segment, offset: scanned.fileOffset, length: scanned.frame.length, chainAfter: scanned.chainAfter,
                  events: events)
    }
}
