/// A frame's payload, encoded and compressed but not yet placed in the journal: it has no seqs,
/// timestamp, segment or chain value yet (`FrameBuilder.seal` adds those, in order).
package struct EncodedPayload: Sendable {
    /// The bytes the frame stores: deflated records, or the records themselves.
    package var stored: [UInt8]
    /// How `stored` encodes the records.
    package var codec: PayloadCodec
    /// Bytes of the records before compression.
    package var uncompressedLength: Int
    /// Events in the payload.
    package var count: Int
}

/// The expensive, order-free half of building a frame: encodes a batch's records and deflates
/// them. Nothing here depends on earlier frames (the records carry no seq and a 0 timestamp
/// delta, and every frame is primed with the same preset dictionary), so several encoders may
/// compress consecutive frames at the same time on different cores; only `FrameBuilder.seal`,
/// which hashes the chain over the stored bytes, has to run in seq order.
///
/// Not thread-safe: one thread uses an encoder at a time.
package final class PayloadEncoder {
    private let singleEventCompressor = Compressor(level: PayloadEncoder.singleEventLevel, memoryLevel: PayloadEncoder.singleEventMemoryLevel)
    private let smallFrameCompressor = Compressor(level: PayloadEncoder.smallFrameLevel)
    private let largeFrameCompressor = Compressor(level: PayloadEncoder.largeFrameLevel)
    private let hugeFrameCompressor = ParallelDeflate()
    private var records: [UInt8] = []

    /// zlib level for payloads under `singleEventThreshold` bytes (one or two events): they are
    /// fsync-bound, so spend CPU on ratio. (See the bench for the measurements behind these.)
    package static let singleEventLevel: Int32 = 4
    /// zlib memory level for those: a small hash table is cheap to reset for every frame.
    package static let singleEventMemoryLevel: Int32 = 4
    /// Record bytes below which a payload counts as a single event.
    package static let singleEventThreshold = 1 << 10
    /// zlib level for group-commit frames (many appenders, a few to a few dozen events). They
    /// are on the latency path of every appender in the group, so favour speed: level 1 with
    /// the default memory level deflates a 25-event frame about twice as fast as level 4 with
    /// the small hash table (which collides badly beyond one event), for ~7% more bytes.
    package static let smallFrameLevel: Int32 = 1
    /// zlib level for big batches, which are CPU-bound.
    package static let largeFrameLevel: Int32 = 5
    /// Record bytes at which the large-frame level takes over.
    package static let smallFrameThreshold = 16 << 10

    /// An encoder with its own zlib streams (about 1.2 MiB of zlib state in all).
    package init() {}

    /// Encodes `batches` in order as one payload (every event with timestamp delta 0) and
    /// deflates it, or keeps the records as they are if deflate does not make them smaller.
    package func encode(_ batches: [[EventDraft]]) -> EncodedPayload {
        records.removeAll(keepingCapacity: true)
        var count = 0
        for drafts in batches {
            for draft in drafts { RecordCodec.append(draft, timestampDelta: 0, to: &records) }
            count += drafts.count
        }
        return compressRecords(count: count)
    }

    /// The payload of `count` records already encoded back to back in `encodedRecords`
    /// (tests build forged records this way).
    package func encode(records encodedRecords: [UInt8], count: Int) -> EncodedPayload {
        records = encodedRecords
        return compressRecords(count: count)
    }

    private func compressRecords(count: Int) -> EncodedPayload {
        var stored: [UInt8] = []
        let compressed = records.withUnsafeBytes { raw in
            if raw.count >= ParallelDeflate.minimumInputLength { return hugeFrameCompressor.compress(raw, appendingTo: &stored) }
            let compressor = raw.count < PayloadEncoder.singleEventThreshold ? singleEventCompressor
                : raw.count < PayloadEncoder.smallFrameThreshold ? smallFrameCompressor : largeFrameCompressor
            return compressor.compress(raw, appendingTo: &stored)
        }
        guard compressed < records.count else {
            return EncodedPayload(stored: records, codec: .stored, uncompressedLength: records.count, count: count)
        }
        return EncodedPayload(stored: stored, codec: .deflate, uncompressedLength: records.count, count: count)
    }
}
