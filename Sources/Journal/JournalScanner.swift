#if canImport(Glibc)
import Glibc
#endif

/// One step of a journal-wide scan.
package enum JournalScanStep {
    /// A frame that passed CRC, seq, timestamp and chain checks (slices valid until `next()`).
    case frame(ScannedFrame, SegmentReader)
    /// Damage; the scan continues with the next segment, checking it from its own header
    /// (without a link check).
    case damage(JournalDamage)
    /// No more frames.
    case end
}

/// Walks every segment of a journal in seq order, checking each segment's frames and the links
/// between segments (first seq and previous chain). Shared by reader, verifier and stats.
package final class JournalScanner {
    private let directory: String
    private let io: FileIO
    private var names: [String]
    private var index: Int
    private var current: SegmentReader?
    /// The previous segment ended cleanly, so the next one's header can be checked against it.
    private var link: (nextSeq: UInt64, chain: FrameChain)?
    private var isCurrentFinished = false
    /// Re-reads allowed at a damaged tail while a writer holds the lock.
    private static let liveWriterRetries = 5
    private var retriesLeft = JournalScanner.liveWriterRetries
    /// Waiting at a last segment whose header is not written yet; cleared by `refresh`.
    private var isStalled = false

    /// The seq the scan was asked to start at; frames before it may be skipped via the index.
    private let startSeq: UInt64
    /// The scan wants events stamped at or after this (µs); frames before it may be skipped.
    private let startTimestamp: UInt64?

    /// A scan of `directory` starting with the segment that holds `firstSeq`, at the frame its
    /// index names for that seq (or its first frame): the chain is checked from there on. A scan
    /// from seq 1 also checks that the first segment begins the journal.
    ///
    /// With `timestamp`, the scan starts no earlier than it must for events stamped at or after
    /// it: at the last segment whose base timestamp is below it (found by binary search over the
    /// segment headers) and there at the last index entry stamped below it — or where `firstSeq`
    /// puts it, whichever is later. If a header the search needs cannot be read, the search is
    /// skipped and the scan starts where `firstSeq` puts it (earlier, never wrong).
    package init(directory: String, io: FileIO, startingAtSeq firstSeq: UInt64 = 1, timestamp: UInt64? = nil) throws(JournalError) {
        self.directory = directory
        self.io = io
        startSeq = firstSeq
        startTimestamp = timestamp
        names = try SegmentDirectory.segmentNames(in: directory, io: io)
        index = names.lastIndex { (JournalFormat.firstSeq(ofSegmentFileName: $0) ?? 0) <= firstSeq } ?? 0
        if let timestamp, timestamp > 0,
           let byTime = try? SegmentSeek.lastSegment(in: names, directory: directory, io: io, whereBase: { $0 < timestamp }) {
            index = max(index, byTime)
        }
    }

    /// Segment names found (as of the last refresh).
    package var segmentNames: [String] { names }

    /// The next frame, damage or the end.
    package func next() throws(JournalError) -> JournalScanStep {
        while true {
            if isStalled { return .end }
            if current == nil || isCurrentFinished {
                if current != nil { index += 1 }
                guard index < names.count else { return .end }
                current = nil
                isCurrentFinished = false
                let name = names[index]
                let reader: SegmentReader
                do {
                    reader = try SegmentReader(directory: directory, name: name, io: io)
                } catch where error.code == .corrupt {
                    let seq = JournalFormat.firstSeq(ofSegmentFileName: name) ?? 0
                    // A last segment whose header is not valid and that holds no frame is being
                    // created right now (live writer) or was when a crash hit: recoverable, and
                    // worth retrying after `refresh`. Anything else is skipped as corruption.
                    var torn = false
                    if index + 1 == names.count { torn = try !SegmentReader.fileHoldsValidFrame(directory: directory, name: name, io: io) }
                    if torn {
                        isStalled = true
                    } else {
                        index += 1
                        link = nil
                    }
                    return .damage(JournalDamage(segment: name, offset: error.offset ?? 0, seqRange: seq...seq, reason: error.message,
                                                 kind: torn ? .tornTail : .corruption))
                }
                current = reader
                // The journal's first segment must begin it; checked when the read wants its start.
                if link == nil, index == 0, reader.header.firstSeq == 1 || startSeq < reader.header.firstSeq,
                   let damage = OpenCheck.firstSegmentDamage(name, reader.header) {
                    return .damage(damage)
                }
                if link == nil, startSeq > reader.header.firstSeq || (startTimestamp ?? 0) > reader.header.baseTimestamp { try skipAhead(reader) }
                if let link, let damage = OpenCheck.linkDamage(next: name, reader.header, previousLastSeq: link.nextSeq - 1, previousChain: link.chain.value) {
                    self.link = nil
                    return .damage(damage)
                }
            }
            let reader = current!
            switch try reader.next() {
            case .frame(let frame):
                retriesLeft = JournalScanner.liveWriterRetries
                return .frame(frame, reader)
            case .end:
                isCurrentFinished = true
                link = (reader.nextSeq, reader.chain)
                if index + 1 >= names.count { return .end }
            case .damage(var damage):
                // A live writer may be halfway through the frame we just read (page cache copies
                // are not atomic for readers): look again before calling it damage.
                if index + 1 >= names.count, retriesLeft > 0, try WriterLock.isHeld(directory: directory, io: io) {
                    retriesLeft -= 1
                    usleep(1000)
                    try reader.refreshSize()
                    continue
                }
                retriesLeft = JournalScanner.liveWriterRetries
                isCurrentFinished = true
                link = nil
                if index + 1 >= names.count, try reader.isTornTail(damage) { damage.kind = .tornTail }
                return .damage(damage)
            }
        }
    }

    /// Starts `reader` at the later of the index entries for `startSeq` and `startTimestamp`
    /// rather than at its first frame, when the segment has an index for this header (a wrong
    /// entry fails the chain check there).
    private func skipAhead(_ reader: SegmentReader) throws(JournalError) {
        guard case .found(let found) = try SegmentIndexFile.lookup(directory: directory, segmentName: reader.name, io: io),
              found.belongs(to: reader.header) else { return }
        let bySeq = found.entry(forSeq: startSeq)
        let byTime = startTimestamp.flatMap { found.entry(beforeTimestamp: $0) }
        guard let entry = [bySeq, byTime].compactMap({ $0 }).max(by: { $0.offset < $1.offset }), entry.offset < reader.fileSize else { return }
        reader.resume(at: entry.offset, nextSeq: entry.firstSeq, chain: entry.chainBefore, lastTimestamp: entry.firstTimestamp)
    }

    /// For readers following a writer: looks again at the last segment's size and for new
    /// segments, so the scan can continue where it stopped at the end or at a partial frame.
    package func refresh() throws(JournalError) {
        let latest = try SegmentDirectory.segmentNames(in: directory, io: io)
        if latest.count > names.count { names = latest }
        isStalled = false
        if let current {
            try current.refreshSize()
            isCurrentFinished = false
        }
    }
}
