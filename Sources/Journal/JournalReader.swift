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

/// How a read ended.
public struct ReadSummary: Sendable {
    /// Events passed to the caller.
    public var deliveredCount: Int
    /// The last seq of the last valid frame reached (0 if none).
    public var lastSeq: UInt64
    /// Damage that stopped the read: corruption (events after it were not read) or a torn tail
    /// (`isTornTail`; everything before it was read).
    public var damage: JournalDamage?
}

/// Streams events out of a journal folder in constant memory, safe while a writer appends.
///
/// Every frame is checked (CRC, seq continuity, chain from the start of its segment) before any
/// of its events is delivered. Frames outside the filter's seq or time range are skipped using
/// their headers alone (no inflate); reading starts at the segment holding `fromSeq`.
public final class JournalReader {
    private let directory: String
    private let io: FileIO

    /// A reader of the journal folder `directory` (e.g. `<data>/journal`).
    public init(directory: String, calls: SystemCalls = .live) {
        self.directory = directory
        self.io = calls.io
    }

    /// Calls `body` with each event matching `filter`, in seq order, until `body` returns false,
    /// the journal ends, or damage stops the read (reported in the summary, not thrown).
    ///
    /// With `follow`, the end is not the end: the reader polls every `pollInterval` for frames
    /// and segments the writer adds, and returns only when `body` returns false or `isCancelled`
    /// (asked before each poll) returns true. A partial frame at the tail is "not yet written" then.
    public func read(
        _ filter: EventFilter = EventFilter(), follow: Bool = false, pollInterval: Duration = .milliseconds(100),
        isCancelled: () -> Bool = { false }, _ body: (JournalEvent) throws -> Bool
    ) throws -> ReadSummary {
        let scanner = try JournalScanner(directory: directory, io: io, startingAtSeq: filter.fromSeq)
        let payloads = PayloadDecoder()
        var summary = ReadSummary(deliveredCount: 0, lastSeq: 0, damage: nil)
        var stop = false
        while !stop {
            switch try scanner.next() {
            case .frame(let scanned, let segment):
                summary.lastSeq = scanned.lastSeq
                if scanned.lastSeq < filter.fromSeq { continue }
                if let since = filter.since, scanned.lastTimestamp < since { continue }
                if let toSeq = filter.toSeq, scanned.firstSeq > toSeq { return summary }
                if let until = filter.until, scanned.firstTimestamp > until { return summary }
                var failure: (any Error)? = nil
                let decoded = Result { () throws(JournalError) in
                    try payloads.forEachRecord(in: scanned, dictionaryId: segment.header.dictionaryId) { seq, timestamp, record in
                        guard !stop, failure == nil, matches(filter, seq: seq, timestamp: timestamp, record: record, payloads: payloads) else { return }
                        let event = payloads.event(seq: seq, timestamp: timestamp, record: record)
                        summary.deliveredCount += 1
                        do { stop = try !body(event) } catch { failure = error }
                    }
                }
                if case .failure(let error) = decoded {
                    guard error.code == .corrupt else { throw error }
                    // A frame whose CRC and chain hold but whose payload or records do not: damage,
                    // reported like any other, and none of its events was delivered.
                    summary.damage = JournalDamage(segment: segment.name, offset: scanned.fileOffset,
                                                   seqRange: scanned.firstSeq...scanned.lastSeq, reason: error.message)
                    return summary
                }
                if let failure { throw failure }
            case .damage(let damage):
                if damage.isTornTail && follow {
                    if isCancelled() { return summary }
                    try wait(pollInterval, scanner)
                    continue
                }
                summary.damage = damage
                return summary
            case .end:
                guard follow, !isCancelled() else { return summary }
                try wait(pollInterval, scanner)
            }
        }
        return summary
    }

    private func wait(_ interval: Duration, _ scanner: JournalScanner) throws(JournalError) {
        let micros = interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000
        usleep(useconds_t(max(1000, micros)))
        try scanner.refresh()
    }

    private func matches(_ filter: EventFilter, seq: UInt64, timestamp: UInt64, record: RecordView, payloads: PayloadDecoder) -> Bool {
        guard seq >= filter.fromSeq else { return false }
        if let toSeq = filter.toSeq, seq > toSeq { return false }
        if let since = filter.since, timestamp < since { return false }
        if let until = filter.until, timestamp > until { return false }
        if !filter.types.isEmpty, !filter.types.contains(payloads.typeName(of: record)) { return false }
        if let requestId = filter.requestId {
            guard let bytes = record.requestId, bytes.elementsEqual(requestId.utf8) else { return false }
        }
        return true
    }
}

#if canImport(Glibc)
import Glibc
#endif
