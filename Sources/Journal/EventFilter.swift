/// Which events a read returns. Seq and time bounds are inclusive; empty `types` means all.
public struct EventFilter: Sendable {
    /// Only these types (empty: every type).
    public var types: Set<String> = []
    /// Only events with `ts ≥ since` (µs).
    public var since: UInt64?
    /// Only events with `ts ≤ until` (µs).
    public var until: UInt64?
    /// Only events with `seq ≥ fromSeq`.
    public var fromSeq: UInt64 = 1
    /// Only events with `seq ≤ toSeq`.
    public var toSeq: UInt64?
    /// Only events with this request id.
    public var requestId: String?

    /// A filter that accepts every event.
    public init() {}
}

/// Where a frame lies relative to a filter's seq and time range, judged from its header alone.
enum FramePlacement {
    /// Every event of the frame is before the range: skip it without inflating it.
    case before
    /// Some event of the frame may be in the range: read it.
    case overlapping
    /// Every event of this frame, and so of every later one, is after the range: stop.
    case after
}

extension EventFilter {
    /// Where `scanned` lies relative to the seq and time range (timestamps never decrease, so a
    /// frame after the range means everything after it is too).
    func placement(of scanned: ScannedFrame) -> FramePlacement {
        if let toSeq, scanned.firstSeq > toSeq { return .after }
        if let until, scanned.firstTimestamp > until { return .after }
        if scanned.lastSeq < fromSeq { return .before }
        if let since, scanned.lastTimestamp < since { return .before }
        return .overlapping
    }

    /// Whether the event at `seq`, stamped `timestamp`, with `record`'s type and request id,
    /// passes every condition.
    func accepts(seq: UInt64, timestamp: UInt64, record: RecordView, payloads: PayloadDecoder) -> Bool {
        guard seq >= fromSeq else { return false }
        if let toSeq, seq > toSeq { return false }
        if let since, timestamp < since { return false }
        if let until, timestamp > until { return false }
        if !types.isEmpty, !types.contains(payloads.typeName(of: record)) { return false }
        if let requestId {
            guard let bytes = record.requestId, bytes.elementsEqual(requestId.utf8) else { return false }
        }
        return true
    }
}
