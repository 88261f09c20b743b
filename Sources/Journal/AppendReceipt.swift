import Integrity

/// What an acknowledged append gets back: where its events are and what they committed as.
///
/// Every event of one frame has the frame's commit timestamp, so `timestamp` is every event's
/// `ts`; `chain` is the chain value after the frame that holds the events (concurrent appends
/// grouped into one frame share it), which is what a snapshot records as "the chain at seq N"
/// when N ends the frame.
public struct AppendReceipt: Sendable, Equatable {
    /// The events' seqs, in the order they were given.
    public let seqs: ClosedRange<UInt64>
    /// The commit timestamp of every event, µs since the Unix epoch (UTC).
    public let timestamp: UInt64
    /// The chain value after the frame that holds the events.
    public let chain: SHA256Digest
    /// The last seq of that frame (≥ `seqs.upperBound` when later appends shared it).
    public let frameLastSeq: UInt64

    /// A receipt with the given fields.
    public init(seqs: ClosedRange<UInt64>, timestamp: UInt64, chain: SHA256Digest, frameLastSeq: UInt64) {
        self.seqs = seqs
        self.timestamp = timestamp
        self.chain = chain
        self.frameLastSeq = frameLastSeq
    }
}
