import Integrity

extension JournalReader {
    /// The chain value after the frame that ends at `seq` — what a snapshot taken at `seq`
    /// records — or nil when no frame ends there (`seq` is inside a frame, or past the last
    /// readable event). `chain(atSeq: 0)` is the zero chain that precedes the first frame.
    ///
    /// Found without reading the journal before it: the scan starts at the segment holding
    /// `seq`, at its index entry for `seq`, and checks the chain frame by frame from there (a
    /// wrong index entry fails that check). Throws `.corrupt` when damage comes before the
    /// frame (a torn tail only ends the journal: nil), `.io` when files cannot be read.
    public func chain(atSeq seq: UInt64) throws(JournalError) -> SHA256Digest? {
        guard seq > 0 else { return .zero }
        let scanner = try JournalScanner(directory: directory, io: io, startingAtSeq: seq)
        while true {
            switch try scanner.next() {
            case .frame(let scanned, _):
                if scanned.lastSeq < seq { continue }
                return scanned.lastSeq == seq ? scanned.chainAfter : nil
            case .end:
                return nil
            case .damage(let damage):
                if damage.isTornTail { return nil }
                throw damage.readError(directory: directory, "cannot check the chain at seq \(seq)")
            }
        }
    }

    /// The seq of the last event stamped at or before `timestamp` (µs), or 0 when there is none
    /// — what "the state at time T" replays up to.
    ///
    /// Found by binary search over the segments' base timestamps (a header read per step),
    /// then over that segment's index entries, and a scan of at most one sparse step of frames
    /// (the whole segment when it has no index yet, as the active one may not). Only a frame
    /// whose events straddle `timestamp` is inflated. Throws `.corrupt` when a header the
    /// search needs, or a frame it scans, is damaged (a torn tail only ends the journal), `.io`
    /// when files cannot be read.
    public func lastSeq(atOrBefore timestamp: UInt64) throws(JournalError) -> UInt64 {
        let names = try SegmentDirectory.segmentNames(in: directory, io: io)
        guard let position = try SegmentSeek.lastSegment(in: names, directory: directory, io: io, whereBase: { $0 <= timestamp }) else { return 0 }
        let reader = try SegmentReader(directory: directory, name: names[position], io: io)
        // Every event before the segment is at or before its base, so at or before `timestamp`.
        var answer = reader.header.firstSeq - 1
        if case .found(let index) = try SegmentIndexFile.lookup(directory: directory, segmentName: reader.name, io: io),
           index.belongs(to: reader.header), let entry = index.entry(atOrBeforeTimestamp: timestamp), entry.offset < reader.fileSize {
            reader.resume(at: entry.offset, nextSeq: entry.firstSeq, chain: entry.chainBefore, lastTimestamp: entry.firstTimestamp)
            answer = entry.firstSeq - 1
        }
        func what() -> String { "cannot find the last event at or before \(Timestamp.iso8601(microseconds: timestamp))" }
        while true {
            switch try reader.next() {
            case .frame(let scanned):
                if scanned.firstTimestamp > timestamp { return answer }
                if scanned.lastTimestamp <= timestamp {
                    answer = scanned.lastSeq
                    continue
                }
                // The frame straddles `timestamp`: its records say which of its events are at or before it.
                do throws(JournalError) {
                    try PayloadDecoder().forEachRecord(in: scanned, dictionaryId: reader.header.dictionaryId) { seq, eventTimestamp, _ in
                        if eventTimestamp <= timestamp { answer = seq }
                    }
                } catch {
                    throw JournalError(error.code, "\(what()): \(error.message)", path: reader.path, offset: error.offset, seqRange: error.seqRange)
                }
                return answer
            case .end:
                return answer
            case .damage(let damage):
                if position == names.count - 1, try reader.isTornTail(damage) { return answer }
                throw damage.readError(directory: directory, what())
            }
        }
    }
}
