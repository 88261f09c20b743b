/// One step of a journal-wide scan.
package enum JournalScanStep {
    /// A frame that passed CRC, seq, timestamp and chain checks (slices valid until `next()`).
    case frame(ScannedFrame, SegmentReader)
    /// Damage; the scan continues with the next segment (without a link check).
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

    /// A scan of `directory` starting with the segment that holds `firstSeq` (frames before it
    /// in that segment are still scanned, because the chain runs through them).
    package init(directory: String, io: FileIO, startingAtSeq firstSeq: UInt64 = 1) throws(JournalError) {
        self.directory = directory
        self.io = io
        names = try SegmentDirectory.segmentNames(in: directory, io: io)
        index = names.lastIndex { (JournalFormat.firstSeq(ofSegmentFileName: $0) ?? 0) <= firstSeq } ?? 0
    }

    /// Segment names found (as of the last refresh).
    package var segmentNames: [String] { names }

    /// The next frame, damage or the end.
    package func next() throws(JournalError) -> JournalScanStep {
        while true {
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
                    isCurrentFinished = true
                    link = nil
                    current = nil
                    index += 1
                    let seq = JournalFormat.firstSeq(ofSegmentFileName: name) ?? 0
                    // A last segment whose header never became valid and that holds no frame
                    // is a crash during segment creation: recoverable.
                    var torn = false
                    if index == names.count { torn = try !SegmentReader.fileHoldsValidFrame(directory: directory, name: name, io: io) }
                    return .damage(JournalDamage(segment: name, offset: error.offset ?? 0, seqRange: seq...seq, reason: error.message, isTornTail: torn))
                }
                current = reader
                if let link {
                    guard reader.header.firstSeq == link.nextSeq, reader.header.previousChain == link.chain.value else {
                        self.link = nil
                        let reason = reader.header.firstSeq != link.nextSeq
                            ? "segment starts at seq \(reader.header.firstSeq) but the previous one ends before seq \(link.nextSeq) (segment missing or out of place)"
                            : "segment header's previous chain value does not match the end of the previous segment (segments edited or swapped)"
                        return .damage(JournalDamage(segment: name, offset: 28, seqRange: reader.header.firstSeq...reader.header.firstSeq, reason: reason, isTornTail: false))
                    }
                }
            }
            let reader = current!
            switch try reader.next() {
            case .frame(let frame):
                return .frame(frame, reader)
            case .end:
                isCurrentFinished = true
                link = (reader.nextSeq, reader.chain)
                if index + 1 >= names.count { return .end }
            case .damage(var damage):
                isCurrentFinished = true
                link = nil
                if index + 1 >= names.count { damage.isTornTail = try reader.hasNoValidFrame(after: damage.offset) }
                return .damage(damage)
            }
        }
    }

    /// For readers following a writer: looks again at the last segment's size and for new
    /// segments, so the scan can continue where it stopped at the end or at a partial frame.
    package func refresh() throws(JournalError) {
        let latest = try SegmentDirectory.segmentNames(in: directory, io: io)
        if latest.count > names.count { names = latest }
        if let current {
            try current.refreshSize()
            isCurrentFinished = false
        }
    }
}
