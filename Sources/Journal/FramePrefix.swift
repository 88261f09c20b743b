import Integrity

/// The frame that holds the first events of a verified frame: what a prefix copy ending inside
/// a frame writes in its place (see JournalPrefixCopy).
///
/// It keeps the original's seqs, its offsets from the segment header (first seq, first
/// timestamp) and its records byte for byte, timestamp deltas included, so every event keeps
/// its seq and timestamp; the header's span ends at the last kept event. The payload is encoded
/// anew and the chain continues from the chain before the original, so from this frame on the
/// copy has a chain of its own. Pure: no I/O.
package struct FramePrefix {
    private var records: [UInt8] = []
    private var count = 0
    private var lastDelta: UInt64 = 0

    /// An empty prefix.
    package init() {}

    /// Events added so far.
    package var eventCount: Int { count }

    /// Adds the next record of the original frame (in order; its checks already passed).
    package mutating func add(_ record: RecordView) {
        RecordCodec.append(type: record.type, version: record.version, requestId: record.requestId, data: record.data,
                           timestampDelta: record.timestampDelta, to: &records)
        count += 1
        lastDelta = record.timestampDelta
    }

    /// The new frame's bytes and chain, standing where `original` stood in a segment with
    /// `segment` as its header; `lastTimestamp` is its last event's. The frame begins a sync
    /// group: nothing is left unsynced before it in a finished copy.
    package func frame(replacing original: ScannedFrame, in segment: SegmentHeader) -> (bytes: [UInt8], chain: SHA256Digest, lastTimestamp: UInt64) {
        precondition(count >= 1 && count < original.frame.header.count, "a prefix holds some, not all, of a frame's events")
        // The encoder primes deflate with the current dictionary; a segment of another one gets
        // its records stored as they are, which every reader reads without a dictionary.
        let payload = segment.dictionaryId == CompressionDictionary.currentId
            ? PayloadEncoder().encode(records: records, count: count)
            : EncodedPayload(stored: records, codec: .stored, uncompressedLength: records.count, count: count)
        let source = original.frame.header
        let header = FrameHeader(
            codec: payload.codec, continuesSyncGroup: false, storedLength: payload.stored.count, uncompressedLength: payload.uncompressedLength,
            seqOffset: source.seqOffset, count: count, firstTimestampDelta: source.firstTimestampDelta, timestampSpan: lastDelta, chainTag: 0
        )
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payload.stored.count + JournalFormat.maxFrameHeaderLength)
        let chain = payload.stored.withUnsafeBytes { FrameEncoder.append(header, payload: $0, previousChain: original.chainBefore, to: &bytes) }
        return (bytes, chain, original.firstTimestamp + lastDelta)
    }
}
