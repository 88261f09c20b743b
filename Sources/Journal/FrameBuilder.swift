import Integrity

/// A frame ready to be written, with what it acknowledges.
package struct PreparedFrame: Sendable {
    /// The frame's bytes (header + payload).
    package var bytes: [UInt8]
    /// Set when this frame starts a new segment: its header.
    package var newSegment: SegmentHeader?
    /// Seqs in the frame, in order of the batch's requests.
    package var seqs: ClosedRange<UInt64>
    /// The commit timestamp of every event in the frame, µs.
    package var timestamp: UInt64
    /// Chain value after this frame.
    package var chain: SHA256Digest
}

/// The in-order half of building frames: gives an encoded payload its seqs and timestamp,
/// decides segment rolls, and extends the chain. Owned by whichever thread holds the I/O role,
/// so frames are sealed exactly in the order they are written; the costly half (records and
/// deflate) is `PayloadEncoder`'s and may run on other threads ahead of it.
package final class FrameBuilder {
    private var nextSeq: UInt64
    private var chain: SHA256Digest
    private var lastTimestamp: UInt64
    private var segment: SegmentHeader?
    /// Bytes the current segment will hold once every sealed frame is written.
    private var segmentBytes: Int
    private var segmentHasFrames: Bool
    private let segmentByteLimit: Int
    private let clock: @Sendable () -> UInt64
    /// For `build`, which encodes and seals in one call; created on first use.
    private lazy var encoder = PayloadEncoder()

    /// A builder continuing after `tail` (nil: an empty journal).
    package init(tail: JournalTail?, segmentByteLimit: Int, clock: @escaping @Sendable () -> UInt64) {
        nextSeq = tail?.nextSeq ?? 1
        chain = tail?.chain ?? .zero
        lastTimestamp = tail?.lastTimestamp ?? 0
        segment = tail?.header
        segmentBytes = tail?.endOffset ?? 0
        segmentHasFrames = tail?.hasFrames ?? false
        self.segmentByteLimit = segmentByteLimit
        self.clock = clock
    }

    /// Encodes and seals one frame holding `batches` in order (see `seal`).
    package func build(_ batches: [[EventDraft]], continuesSyncGroup: Bool = false) -> PreparedFrame {
        seal(encoder.encode(batches), continuesSyncGroup: continuesSyncGroup)
    }

    /// Makes `payload` the next frame: its events get the next seqs and all the same timestamp
    /// (the clock now, or the last timestamp if the clock stepped back); starts a new segment
    /// first if the frame would not fit in the current one, or the current one has an older
    /// format version (a writer never appends to those).
    ///
    /// `continuesSyncGroup`: the frame will be written with no sync since the frame before it
    /// (flags bit 2); ignored for the first frame of a segment, which always begins a group.
    package func seal(_ payload: EncodedPayload, continuesSyncGroup: Bool) -> PreparedFrame {
        let timestamp = max(clock(), lastTimestamp)
        var newSegment: SegmentHeader? = nil
        let estimate = payload.stored.count + JournalFormat.maxFrameHeaderLength
        if segment == nil || segment!.formatVersion < JournalFormat.formatVersion
            || (segmentHasFrames && segmentBytes + estimate > segmentByteLimit) {
            let header = SegmentHeader(dictionaryId: CompressionDictionary.currentId, firstSeq: nextSeq, baseTimestamp: timestamp, previousChain: chain)
            segment = header
            newSegment = header
            segmentBytes = JournalFormat.segmentHeaderLength
        }
        let current = segment!
        let header = FrameHeader(
            codec: payload.codec, continuesSyncGroup: continuesSyncGroup && newSegment == nil, storedLength: payload.stored.count,
            uncompressedLength: payload.uncompressedLength, seqOffset: nextSeq - current.firstSeq, count: payload.count,
            firstTimestampDelta: timestamp - current.baseTimestamp, timestampSpan: 0, chainTag: 0
        )
        var frame: [UInt8] = []
        frame.reserveCapacity(header.storedLength + JournalFormat.maxFrameHeaderLength)
        chain = payload.stored.withUnsafeBytes { FrameEncoder.append(header, payload: $0, previousChain: chain, to: &frame) }
        let seqs = nextSeq...(nextSeq + UInt64(payload.count) - 1)
        nextSeq = seqs.upperBound + 1
        lastTimestamp = timestamp
        segmentBytes += frame.count
        segmentHasFrames = true
        return PreparedFrame(bytes: frame, newSegment: newSegment, seqs: seqs, timestamp: timestamp, chain: chain)
    }
}
