import Integrity

/// A frame ready to be written, with what it acknowledges.
package struct PreparedFrame: Sendable {
    /// The frame's bytes (header + payload).
    package var bytes: [UInt8]
    /// Set when this frame starts a new segment: its header.
    package var newSegment: SegmentHeader?
    /// Seqs in the frame, in order of the batch's requests.
    package var seqs: ClosedRange<UInt64>
    /// Chain value after this frame.
    package var chain: SHA256Digest
}

/// Turns batches of drafts into frames: assigns seqs and timestamps, encodes records, deflates,
/// decides segment rolls and extends the chain. Owned by whichever thread holds the encoder role.
package final class FrameBuilder {
    private var nextSeq: UInt64
    private var chain: SHA256Digest
    private var lastTimestamp: UInt64
    private var segment: SegmentHeader?
    /// Bytes the current segment will hold once every built frame is written.
    private var segmentBytes: Int
    private var segmentHasFrames: Bool
    private let segmentByteLimit: Int
    private let clock: @Sendable () -> UInt64
    private let smallFrameCompressor = Compressor(level: FrameBuilder.smallFrameLevel, memoryLevel: FrameBuilder.smallFrameMemoryLevel)
    private let largeFrameCompressor = Compressor(level: FrameBuilder.largeFrameLevel)
    private let hugeFrameCompressor = ParallelDeflate()
    private var records: [UInt8] = []
    private var stored: [UInt8] = []

    /// zlib level for frames under `smallFrameThreshold` record bytes: they are fsync-bound, so
    /// spend CPU on ratio. (See the bench for the measurements behind these three numbers.)
    package static let smallFrameLevel: Int32 = 4
    /// zlib memory level for small frames: resetting the hash table is most of a one-event
    /// frame's compression cost at the default (8, a 64 KiB table).
    package static let smallFrameMemoryLevel: Int32 = 4
    /// zlib level for big batches, which are CPU-bound.
    package static let largeFrameLevel: Int32 = 5
    /// Record bytes at which the large-frame level takes over.
    package static let smallFrameThreshold = 16 << 10

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

    /// Builds one frame holding `batches` in order; every event gets the same timestamp (the
    /// clock now, or the last timestamp if the clock stepped back).
    package func build(_ batches: [[EventDraft]]) -> PreparedFrame {
        let timestamp = max(clock(), lastTimestamp)
        records.removeAll(keepingCapacity: true)
        var count = 0
        for drafts in batches {
            for draft in drafts { RecordCodec.append(draft, timestampDelta: 0, to: &records) }
            count += drafts.count
        }
        stored.removeAll(keepingCapacity: true)
        let compressed = records.withUnsafeBytes { raw in
            if raw.count >= ParallelDeflate.minimumInputLength { return hugeFrameCompressor.compress(raw, appendingTo: &stored) }
            let compressor = raw.count < FrameBuilder.smallFrameThreshold ? smallFrameCompressor : largeFrameCompressor
            return compressor.compress(raw, appendingTo: &stored)
        }
        let codec: PayloadCodec = compressed < records.count ? .deflate : .stored

        var newSegment: SegmentHeader? = nil
        let estimate = (codec == .deflate ? compressed : records.count) + JournalFormat.maxFrameHeaderLength
        if segment == nil || (segmentHasFrames && segmentBytes + estimate > segmentByteLimit) {
            let header = SegmentHeader(dictionaryId: CompressionDictionary.currentId, firstSeq: nextSeq, baseTimestamp: timestamp, previousChain: chain)
            segment = header
            newSegment = header
            segmentBytes = JournalFormat.segmentHeaderLength
        }
        let current = segment!
        let header = FrameHeader(
            codec: codec, storedLength: codec == .deflate ? compressed : records.count,
            uncompressedLength: records.count, seqOffset: nextSeq - current.firstSeq, count: count,
            firstTimestampDelta: timestamp - current.baseTimestamp, timestampSpan: 0, chainTag: 0
        )
        var frame: [UInt8] = []
        frame.reserveCapacity(header.storedLength + JournalFormat.maxFrameHeaderLength)
        let payload = codec == .deflate ? stored : records
        chain = payload.withUnsafeBytes { FrameEncoder.append(header, payload: $0, previousChain: chain, to: &frame) }
        let seqs = nextSeq...(nextSeq + UInt64(count) - 1)
        nextSeq = seqs.upperBound + 1
        lastTimestamp = timestamp
        segmentBytes += frame.count
        segmentHasFrames = true
        return PreparedFrame(bytes: frame, newSegment: newSegment, seqs: seqs, chain: chain)
    }
}
