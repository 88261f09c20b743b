import Integrity

/// What `verify` found.
public struct VerificationReport: Sendable {
    /// Segment files examined.
    public var segmentCount = 0
    /// Frames that passed every check.
    public var frameCount = 0
    /// Events in those frames.
    public var eventCount: UInt64 = 0
    /// Seq of the last event in a valid frame.
    public var headSeq: UInt64 = 0
    /// The chain value after the last valid frame (meaningful when intact).
    public var chain: SHA256Digest = .zero
    /// Every damaged place found, in journal order.
    public var damages: [JournalDamage] = []

    /// True when nothing is damaged (a torn tail counts as damage).
    public var isIntact: Bool { damages.isEmpty }
}

/// Checks a whole journal without trusting any of it.
///
/// Always: every segment header (magic, version, CRC, name), the link between segments (first
/// seq, previous chain), every frame's bounds and CRC, seq continuity, timestamp order and the
/// full hash chain, and that padding after the last frame is all zero. With `deep`, also
/// inflates every payload and decodes every record. After damage, checking resumes with the
/// next segment, so several damaged places are all reported.
public enum JournalVerifier {
    /// Verifies the journal in `directory`. Throws only when files cannot be read at all.
    public static func verify(directory: String, deep: Bool = false, calls: SystemCalls = .live) throws(JournalError) -> VerificationReport {
        let scanner = try JournalScanner(directory: directory, io: calls.io)
        let payloads = deep ? PayloadDecoder() : nil
        var report = VerificationReport()
        report.segmentCount = scanner.segmentNames.count
        while true {
            switch try scanner.next() {
            case .frame(let scanned, let segment):
                if let payloads {
                    do {
                        try payloads.forEachRecord(in: scanned, dictionaryId: segment.header.dictionaryId) { _, _, _ in }
                    } catch {
                        report.damages.append(JournalDamage(segment: segment.name, offset: scanned.fileOffset, seqRange: scanned.firstSeq...scanned.lastSeq,
                                                            reason: error.message, isTornTail: false))
                        continue
                    }
                }
                report.frameCount += 1
                report.eventCount += UInt64(scanned.frame.header.count)
                report.headSeq = scanned.lastSeq
                report.chain = segment.chain.value
            case .damage(let damage):
                report.damages.append(damage)
            case .end:
                return report
            }
        }
    }
}
