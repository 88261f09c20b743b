import Integrity
import Journal

/// A state rebuilt from the journal, with where the replay started and what it passed over.
public struct RebuiltState: Sendable {
    /// The projections at the target.
    public var projections: ProjectionSet
    /// The verified snapshot the replay started from; nil: the start of the journal.
    public var base: SnapshotHeader?
    /// Events folded after the base.
    public var replayedEventCount = 0
    /// Snapshots at or before the target that were not used, newest first, with why.
    public var skippedSnapshots: [SnapshotError] = []
    /// Events of a known type whose data did not decode: folded as unknown (every replay does
    /// the same, so states still agree), counted here.
    public var undecodableEventCount = 0
    /// The first of them.
    public var firstUndecodable: (seq: UInt64, error: EventDecodingError)?
    /// The chain value after the last frame folded, when the state ends where a frame ends —
    /// the only points a snapshot can be taken at (nil: inside a frame, or nothing folded).
    public var frameEndChain: SHA256Digest?
    /// Time spent finding, checking and decoding the snapshot the replay started from (listing
    /// and checking the snapshots that were skipped included).
    public var baseLoadTime: Duration = .zero
    /// Time spent replaying the journal after it.
    public var replayTime: Duration = .zero

    /// One line about what was skipped, or nil when nothing was.
    public var warning: String? {
        var parts: [String] = []
        if let newest = skippedSnapshots.first {
            let started = base.map { "started from snapshot \($0.id)" } ?? "replayed from the start of the journal"
            let more = skippedSnapshots.count > 1 ? " and \(skippedSnapshots.count - 1) more" : ""
            parts.append("skipped snapshot \(newest)\(more); \(started)")
        }
        if let first = firstUndecodable {
            parts.append("\(undecodableEventCount) event(s) of known types did not decode and were skipped by the folds (first: seq \(first.seq), \(first.error)); 'inspect --seq \(first.seq)' shows it")
        }
        return parts.isEmpty ? nil : "warning: " + parts.joined(separator: "; ")
    }
}

extension RecordedEvent {
    /// `event` as folds see it: decoded, or — for a known type whose data does not decode —
    /// kept as unknown, with the error. A fold never stops on one bad event.
    static func folding(_ event: JournalEvent) -> (RecordedEvent, EventDecodingError?) {
        do {
            return (try RecordedEvent(event), nil)
        } catch {
            return (RecordedEvent(seq: event.seq, timestamp: event.timestamp, requestId: event.requestId,
                                  event: .unknown(type: event.type, version: event.version)), error)
        }
    }

    /// `event` as folds see it (as `folding(_:)`), decoded straight from the reader's buffer,
    /// its type's kind looked up in `kinds`.
    static func folding(_ event: BorrowedJournalEvent, kinds: inout EventKindCache) -> (RecordedEvent, EventDecodingError?) {
        do {
            return (try RecordedEvent(event, kinds: &kinds), nil)
        } catch {
            return (RecordedEvent(seq: event.seq, timestamp: event.timestamp, requestId: event.requestId,
                                  event: .unknown(type: event.type, version: event.version)), error)
        }
    }
}
