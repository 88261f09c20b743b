import Integrity
import POSIX

/// What write-open would do with the journal as it is now (the verdict `verify` shows).
public enum WriteOpenOutcome: Sendable, Equatable, CustomStringConvertible {
    /// It opens and appends after the last event; nothing to repair.
    case opens
    /// It opens after repairs: quarantining torn bytes, rebuilding or removing index files.
    case repairs([String])
    /// It refuses to open because of this damage.
    case refuses(JournalDamage)

    public var description: String {
        switch self {
        case .opens: "write-open: opens"
        case .repairs(let steps): "write-open: opens after it will " + steps.joined(separator: "; ")
        case .refuses(let damage): "write-open: refuses (\(damage.segment) at byte \(damage.offset))"
        }
    }
}

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
    /// Every damaged place found, in journal order: at least one per damaged segment.
    public var damages: [JournalDamage] = []
    /// What write-open does: the same check the writer runs, so the two always agree.
    public var writeOpen: WriteOpenOutcome = .opens
    /// Sealed segments without an index (a journal from before indexes): not damage; the next
    /// write-open builds them.
    public var missingIndexCount = 0

    /// True when nothing is damaged (a torn tail and an invalid index count as damage).
    public var isIntact: Bool { damages.isEmpty }
}

/// Checks a whole journal without trusting any of it.
///
/// First the write-open check (`OpenCheck`: headers, links, indexes, the last segment), whose
/// verdict the report carries. Then every frame of every segment: bounds, CRC, seq continuity,
/// timestamp order, the full hash chain, zero padding after the last frame; each index file
/// against what its segment holds; with `deep`, every payload inflated and every record's
/// content checked (type, request id, data). After damage, checking resumes with the next
/// segment from its own header, so every damaged segment is reported.
public enum JournalVerifier {
    /// Verifies the journal in `directory`. Throws only when files cannot be read at all.
    public static func verify(directory: String, deep: Bool = false, kernel: Kernel = .live) throws(JournalError) -> VerificationReport {
        let io = kernel.io
        var report = VerificationReport()
        let verdict = try OpenCheck.verdict(directory: directory, io: io)
        var expected: [JournalDamage] = []
        switch verdict {
        case .refuses(let damage):
            report.writeOpen = .refuses(damage)
            expected = [damage]
        case .opens(_, let repairs, let findings):
            report.writeOpen = repairs.isEmpty ? .opens : .repairs(repairs.map(\.summary))
            expected = findings
            report.missingIndexCount = repairs.count { repair in
                guard case .writeIndex(let segment, _) = repair else { return false }
                return !findings.contains { $0.segment == JournalFormat.indexFileName(ofSegment: segment) }
            }
        }
        var found: [JournalDamage] = []
        try scan(directory: directory, deep: deep, io: io, into: &report, damages: &found)
        report.damages = classify(found, expected: expected, verdict: verdict)
        return report
    }

    /// Every frame of every segment, with index cross-checks and (deep) record checks.
    private static func scan(directory: String, deep: Bool, io: FileIO, into report: inout VerificationReport,
                             damages: inout [JournalDamage]) throws(JournalError) {
        let scanner = try JournalScanner(directory: directory, io: io)
        let payloads = deep ? PayloadDecoder() : nil
        report.segmentCount = scanner.segmentNames.count
        var checker = IndexCrossCheck(directory: directory, io: io)
        while true {
            switch try scanner.next() {
            case .frame(let scanned, let segment):
                if let damage = try checker.record(scanned, in: segment) { damages.append(damage) }
                if let payloads {
                    do {
                        try payloads.forEachRecord(in: scanned, dictionaryId: segment.header.dictionaryId) { _, _, _ in }
                    } catch {
                        damages.append(JournalDamage(segment: segment.name, offset: scanned.fileOffset, seqRange: scanned.firstSeq...scanned.lastSeq,
                                                     reason: error.message))
                        continue
                    }
                }
                report.frameCount += 1
                report.eventCount += UInt64(scanned.frame.header.count)
                report.headSeq = scanned.lastSeq
                report.chain = segment.chain.value
            case .damage(let damage):
                checker.abandonSegment()
                damages.append(damage)
            case .end:
                if let damage = try checker.finish() { damages.append(damage) }
                return
            }
        }
    }

    /// Labels what the scan found with what write-open does about it, and adds what only the
    /// write-open check sees (invalid indexes, a sealed segment's size).
    private static func classify(_ found: [JournalDamage], expected: [JournalDamage], verdict: OpenVerdict) -> [JournalDamage] {
        var result: [JournalDamage] = []
        for var damage in found {
            if let match = expected.first(where: { $0.segment == damage.segment && $0.offset == damage.offset }) {
                damage.kind = match.kind
                damage.cutOffset = match.cutOffset
            } else {
                // Neither the refusal nor a repair: what write-open does not read.
                damage.kind = damage.kind == .invalidIndex ? .unreadIndex : .unreadFrames
            }
            result.append(damage)
        }
        for damage in expected where !result.contains(where: { $0.segment == damage.segment && $0.offset == damage.offset }) {
            result.append(damage)
        }
        return result
    }
}

extension Repair {
    /// One line saying what the repair does.
    var summary: String {
        switch self {
        case .quarantineTail(let damage): "quarantine the torn tail of \(damage.segment) from byte \(damage.cutOffset)"
        case .quarantineSegment(let name, _): "quarantine the half-created segment \(name)"
        case .writeIndex(let segment, _): "build the index of \(segment)"
        case .removeIndex(let segment): "remove the invalid index of \(segment)"
        }
    }
}

/// Compares each segment's index file with what the scan of the segment found.
private struct IndexCrossCheck {
    let directory: String
    let io: FileIO
    private var segment: String?
    private var fileIndex: SegmentIndex?
    private var scanned: SegmentIndex?
    private var hasMatched = false

    init(directory: String, io: FileIO) {
        self.directory = directory
        self.io = io
    }

    /// Records a verified frame; returns damage if the segment's index disagrees with it.
    mutating func record(_ frame: ScannedFrame, in reader: SegmentReader) throws(JournalError) -> JournalDamage? {
        var damage: JournalDamage? = nil
        if segment != reader.name {
            damage = try finish()
            segment = reader.name
            scanned = SegmentIndex(emptySegmentWith: reader.header)
            hasMatched = false
            if case .found(let index) = try SegmentIndexFile.lookup(directory: directory, segmentName: reader.name, io: io),
               index.belongs(to: reader.header) {
                fileIndex = index
            } else {
                fileIndex = nil
            }
        }
        scanned?.record(frame)
        if let fileIndex, var prefix = scanned, prefix.endOffset == fileIndex.endOffset {
            // The index covers exactly the frames scanned so far (an active segment's index may
            // cover a prefix): its entries are those of the scan up to here.
            prefix.entries = prefix.entries.filter { $0.offset <= fileIndex.lastFrameOffset }
            prefix.isSealed = fileIndex.isSealed
            hasMatched = true
            if prefix != fileIndex { return damage ?? mismatch(fileIndex) }
        }
        return damage
    }

    /// Stops comparing the current segment (damage ended its scan).
    mutating func abandonSegment() {
        segment = nil
        fileIndex = nil
    }

    /// Damage if the current segment's index covers bytes the scan never ended a frame at.
    mutating func finish() throws(JournalError) -> JournalDamage? {
        defer { abandonSegment() }
        guard let fileIndex, !hasMatched else { return nil }
        return mismatch(fileIndex)
    }

    private func mismatch(_ index: SegmentIndex) -> JournalDamage {
        JournalDamage(segment: JournalFormat.indexFileName(ofSegment: segment ?? ""), offset: 0, seqRange: index.firstSeq...max(index.firstSeq, index.lastSeq),
                      reason: "the index does not describe its segment (it covers \(index.endOffset) bytes, seq \(index.firstSeq)…\(index.lastSeq))",
                      kind: .invalidIndex)
    }
}
