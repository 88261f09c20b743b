/// One damaged place in a journal, as `verify`, readers and recovery report it.
public struct JournalDamage: Sendable, Equatable, CustomStringConvertible {
    /// The segment file name, e.g. `00000000000000000001.seg`.
    public var segment: String
    /// Byte offset in the segment: the start of the frame (or header) that fails its checks.
    public var offset: Int
    /// The seqs affected, when the damaged header still says (or the neighbours bound them).
    public var seqRange: ClosedRange<UInt64>?
    /// What is wrong.
    public var reason: String
    /// True for a torn tail: the last segment ends in a partial or failing frame with no valid
    /// frame after it. The next write-open quarantines it; nothing before it is affected.
    public var isTornTail: Bool

    /// A damage record with the given fields.
    public init(segment: String, offset: Int, seqRange: ClosedRange<UInt64>?, reason: String, isTornTail: Bool) {
        self.segment = segment
        self.offset = offset
        self.seqRange = seqRange
        self.reason = reason
        self.isTornTail = isTornTail
    }

    public var description: String {
        let seqs = seqRange.map { $0.lowerBound == $0.upperBound ? "seq \($0.lowerBound)" : "seq \($0.lowerBound)…\($0.upperBound)" } ?? "seq unknown"
        let advice = isTornTail
            ? "torn tail, recoverable: the next write-open moves these bytes to quarantine/ and truncates"
            : "corruption: restore this segment from a backup; the writer refuses to open"
        return "\(segment) at byte \(offset) (\(seqs)): \(reason) — \(advice)"
    }

    /// The error a writer-open reports for this damage.
    func openError(directory: String) -> JournalError {
        JournalError(
            .corrupt,
            "\(reason); refusing to open for writing. Events before seq \(seqRange?.lowerBound ?? 0) are intact and readable (inspect, verify); restore \(segment) from a backup",
            path: directory + "/" + segment, offset: offset, seqRange: seqRange
        )
    }
}
