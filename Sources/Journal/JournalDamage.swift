/// One damaged place in a journal, as `verify`, readers and recovery report it.
public struct JournalDamage: Sendable, Equatable, CustomStringConvertible {
    /// What the damage means for the journal and what write-open does about it.
    public enum Kind: String, Sendable {
        /// The last segment ends in an unfinished write (a crash artefact): the next write-open
        /// moves the bytes to quarantine/ and cuts the segment after the last frame that verifies.
        case tornTail = "torn tail"
        /// Damage found by a reader: events after it are not read. (`verify` tells which of the
        /// kinds below it is.)
        case corruption
        /// Damage write-open sees (a broken segment link, an unreadable header, a sealed segment
        /// whose size or last frame disagrees with its index, damage before a later sync group in
        /// the last segment): the writer refuses to open.
        case blocksWriteOpen = "corruption that stops the writer"
        /// Damage inside frames write-open does not read (sealed segments, the indexed part of
        /// the last one): readers stop here, the writer still opens.
        case unreadFrames = "corruption in sealed frames"
        /// An index file that does not describe its segment: the next write-open rebuilds it.
        case invalidIndex = "invalid index"
        /// An index file whose end and last frame match its segment but whose entries do not:
        /// write-open checks no more than those, so it keeps the index.
        case unreadIndex = "index entries disagree with the segment"
    }

    /// The file name, e.g. `00000000000000000001.seg` (or its `.idx`).
    public var segment: String
    /// Byte offset in the file: the start of the frame (or header field) that fails its checks.
    public var offset: Int
    /// The seqs affected, when the damaged header still says (or the neighbours bound them).
    public var seqRange: ClosedRange<UInt64>?
    /// What is wrong.
    public var reason: String
    /// What it means; readers decide torn tail or corruption, `verify` refines it from what
    /// write-open would do.
    public var kind: Kind
    /// Where recovery would cut: the end of the last frame before the damage that verifies.
    package var cutOffset: Int
    /// Whether a torn write could have left these bytes: false for a frame whose CRC is valid
    /// but whose seq, timestamp or chain is wrong (a tear leaves zeros, never a valid CRC).
    package var canBeTear: Bool

    /// A damage record with the given fields.
    public init(segment: String, offset: Int, seqRange: ClosedRange<UInt64>?, reason: String, kind: Kind = .corruption) {
        self.segment = segment
        self.offset = offset
        self.seqRange = seqRange
        self.reason = reason
        self.kind = kind
        cutOffset = offset
        canBeTear = false
    }

    /// True for a torn tail: nothing before it is affected and the next write-open recovers it.
    public var isTornTail: Bool { kind == .tornTail }

    public var description: String {
        let seqs = seqRange.map { $0.lowerBound == $0.upperBound ? "seq \($0.lowerBound)" : "seq \($0.lowerBound)…\($0.upperBound)" } ?? "seq unknown"
        return "\(segment) at byte \(offset) (\(seqs)): \(reason) — \(advice)"
    }

    /// What the operator should do about it.
    public var advice: String {
        switch kind {
        case .tornTail:
            return "torn tail, recoverable: the next write-open moves the bytes from byte \(cutOffset) to quarantine/ and cuts the segment there"
        case .corruption:
            return "corruption: restore \(segment) from a backup ('verify' says whether the writer still opens)"
        case .blocksWriteOpen:
            return "corruption: the writer refuses to open; restore \(segment) from a backup"
        case .unreadFrames:
            return "corruption: readers stop here; write-open does not read these frames (its verdict is in the summary); restore \(segment) from a backup"
        case .invalidIndex:
            return "the next write-open rebuilds this index from its segment"
        case .unreadIndex:
            return "write-open checks only an index's end and last frame, so it keeps this one: delete the file and the next write-open rebuilds it"
        }
    }

    /// The error a read that cannot go past this damage throws (`chain(atSeq:)`, prefix copy):
    /// `what` says what was being done, the damage says where and what to do.
    func readError(directory: String, _ what: String) -> JournalError {
        JournalError(.corrupt, "\(what): \(self)", path: directory + "/" + segment, offset: offset, seqRange: seqRange)
    }

    /// The error a writer-open reports for this damage.
    func openError(directory: String) -> JournalError {
        let intact = (seqRange?.lowerBound ?? 1) > 1 ? "Events before seq \(seqRange!.lowerBound) are intact and readable (inspect, verify); " : ""
        return JournalError(
            .corrupt, "\(reason); refusing to open for writing. \(intact)restore \(segment) from a backup",
            path: directory + "/" + segment, offset: offset, seqRange: seqRange
        )
    }
}
