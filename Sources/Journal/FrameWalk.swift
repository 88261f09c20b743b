/// The frame loop behind every filtered read — events, frames and followers: it starts the
/// scan where the filter's `fromSeq` and `since` let it (index entries), skips frames before
/// the range by their headers alone, stops after the range, and turns damage into the read's
/// summary.
///
/// Not thread-safe: one walk runs on one thread.
final class FrameWalk {
    /// The filter being read.
    let filter: EventFilter
    /// How the walk has gone so far.
    private(set) var summary = ReadSummary(deliveredCount: 0, lastSeq: 0, damage: nil)
    private let scanner: JournalScanner
    private let payloads = PayloadDecoder()

    /// A walk of the journal in `directory` over what `filter` selects.
    init(directory: String, io: FileIO, filter: EventFilter) throws(JournalError) {
        self.filter = filter
        scanner = try JournalScanner(directory: directory, io: io, startingAtSeq: filter.fromSeq, timestamp: filter.since)
    }

    /// Calls `visit` with each verified frame that overlaps the filter's seq and time range, in
    /// seq order, until `visit` returns false, the range or the journal ends, or damage stops
    /// the walk (recorded in the summary, not thrown).
    ///
    /// `waitForMore`, when given, is asked at the end of the journal and at a torn tail (a frame
    /// a writer may still be writing): it waits for the writer and returns true to look again
    /// (the walk then re-reads the folder), or false to end the walk there.
    func run(waitingForMore waitForMore: (() throws -> Bool)? = nil,
             _ visit: (ScannedFrame, SegmentReader) throws -> Bool) throws -> ReadSummary {
        while true {
            switch try scanner.next() {
            case .frame(let scanned, let segment):
                summary.lastSeq = scanned.lastSeq
                switch filter.placement(of: scanned) {
                case .before: continue
                case .after: return summary
                case .overlapping: if try !visit(scanned, segment) { return summary }
                }
                // The range is complete: do not wait for frames it cannot want.
                if let toSeq = filter.toSeq, scanned.lastSeq >= toSeq { return summary }
            case .damage(let damage):
                guard damage.isTornTail, let waitForMore else {
                    summary.damage = damage
                    return summary
                }
                guard try waitForMore() else { return summary }
                try scanner.refresh()
            case .end:
                guard let waitForMore, try waitForMore() else { return summary }
                try scanner.refresh()
            }
        }
    }

    /// Calls `deliver` with each event of `scanned` that the filter accepts, after checking
    /// every record of the frame. Returns false when the walk should stop: `deliver` said so,
    /// or the frame's payload is invalid — that damage goes into the summary and none of the
    /// frame's events is delivered. Rethrows what `deliver` throws.
    func forEachAcceptedEvent(in scanned: ScannedFrame, of segment: SegmentReader, _ deliver: (JournalEvent) throws -> Bool) throws -> Bool {
        try forEachAcceptedRecord(in: scanned, of: segment) { seq, timestamp, record in
            try deliver(payloads.event(seq: seq, timestamp: timestamp, record: record))
        }
    }

    /// `forEachAcceptedEvent(in:of:_:)` with the events borrowed: their data points into the
    /// inflate buffer, valid until the walk moves to the next frame.
    func forEachAcceptedBorrowedEvent(in scanned: ScannedFrame, of segment: SegmentReader, _ deliver: (BorrowedJournalEvent) throws -> Bool) throws -> Bool {
        try forEachAcceptedRecord(in: scanned, of: segment) { seq, timestamp, record in
            try deliver(payloads.borrowedEvent(seq: seq, timestamp: timestamp, record: record))
        }
    }

    private func forEachAcceptedRecord(in scanned: ScannedFrame, of segment: SegmentReader,
                                       _ deliver: (UInt64, UInt64, RecordView) throws -> Bool) throws -> Bool {
        var goesOn = true
        var failure: (any Error)? = nil
        let decoded = Result { () throws(JournalError) in
            try payloads.forEachRecord(in: scanned, dictionaryId: segment.header.dictionaryId) { seq, timestamp, record in
                guard goesOn, failure == nil, filter.accepts(seq: seq, timestamp: timestamp, record: record, payloads: payloads) else { return }
                summary.deliveredCount += 1
                do { goesOn = try deliver(seq, timestamp, record) } catch { failure = error }
            }
        }
        if case .failure(let error) = decoded {
            guard error.code == .corrupt else { throw error }
            // A frame whose CRC and chain hold but whose payload or records do not: damage,
            // reported like any other, and none of its events was delivered.
            summary.damage = JournalDamage(segment: segment.name, offset: scanned.fileOffset,
                                           seqRange: scanned.firstSeq...scanned.lastSeq, reason: error.message)
            return false
        }
        if let failure { throw failure }
        return goesOn
    }
}
