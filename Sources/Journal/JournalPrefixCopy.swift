import Integrity
import POSIX

/// What a prefix copy made.
public struct PrefixCopyReport: Sendable, Equatable {
    /// The copy's last seq: the `throughSeq` asked for.
    public var headSeq: UInt64
    /// The copy's chain value after its last frame (equal to the source's at `headSeq` unless
    /// the last frame was rewritten).
    public var chain: SHA256Digest
    /// Segment files in the copy.
    public var segmentCount: Int
    /// The seqs of the copy's last frame when it was written anew because `throughSeq` fell
    /// inside a frame of the source; nil when the copy ends where a source frame ends.
    public var rewrittenFrame: ClosedRange<UInt64>?
}

/// Copies the first events of a journal into a new journal folder — what `restore` builds on.
///
/// The copy holds events 1…N. Its segment files are byte-identical to the source's up to the
/// last whole frame at or before N: segments before the one holding N are copied whole (with
/// indexes marked SEALED), the one holding N up to the end of the last frame ending at or
/// before N. When N falls inside a frame, that frame's events up to N are written as a new
/// final frame (same seqs and timestamps, records unchanged, see `FramePrefix`), so the copy's
/// chain differs from the source's from that frame on. Every frame copied is checked first as
/// `verify --deep` would (CRC, seqs, timestamps, chain from seq 1, every record), so the copy
/// verifies on its own, and a writer can open and continue it.
///
/// The source is only read (files opened read-only, its lock never taken), so this works while
/// a writer appends to it: frames are copied up to N once verified. The copy is built in a
/// hidden staging folder beside the target, synced (files and folders) and renamed into place
/// when complete, so a crash never leaves a half copy under the target's name.
public enum JournalPrefixCopy {
    /// Copies events 1…`throughSeq` of the journal in `source` into the new or empty folder
    /// `target`; `throughSeq` 0 makes an empty journal folder.
    ///
    /// Throws `.invalidArgument` when `target` is a file, a folder that is not empty, or inside
    /// `source` (the copy would write into the source folder),
    /// `.beyondHead` (naming the head) when the source holds fewer events, `.corrupt` naming the
    /// damage when damage comes before seq `throughSeq`, `.io` for system failures. Nothing is
    /// left under `target` when it throws.
    @discardableResult
    public static func copy(from source: String, to target: String, throughSeq: UInt64,
                            kernel: Kernel = .live) throws(JournalError) -> PrefixCopyReport {
        let io = kernel.io
        let staging = try StagingFolder.create(for: target, io: io, outside: source)
        do {
            let report = try copyFrames(from: source, into: staging.path, throughSeq: throughSeq, io: io)
            try staging.commit()
            return report
        } catch {
            staging.discard()
            throw error
        }
    }

    /// Scans the source from seq 1 and writes the copy's segments into `directory`.
    private static func copyFrames(from source: String, into directory: String, throughSeq last: UInt64,
                                   io: FileIO) throws(JournalError) -> PrefixCopyReport {
        var report = PrefixCopyReport(headSeq: 0, chain: .zero, segmentCount: 0, rewrittenFrame: nil)
        guard last > 0 else { return report }
        let scanner = try JournalScanner(directory: source, io: io)
        let payloads = PayloadDecoder()
        var current: SegmentCopy? = nil
        while true {
            switch try scanner.next() {
            case .frame(let scanned, let segment):
                if current?.name != segment.name {
                    try current?.finish(isSealed: true)
                    current = try SegmentCopy(directory: directory, name: segment.name, header: segment.header, io: io)
                    report.segmentCount += 1
                }
                var prefix = FramePrefix()
                do throws(JournalError) {
                    try payloads.forEachRecord(in: scanned, dictionaryId: segment.header.dictionaryId) { seq, _, record in
                        if seq <= last && scanned.lastSeq > last { prefix.add(record) }
                    }
                } catch {
                    throw JournalError(error.code, "cannot copy through seq \(last): \(error.message)", path: segment.path,
                                       offset: error.offset, seqRange: error.seqRange)
                }
                if scanned.lastSeq <= last {
                    try current!.append(scanned)
                    report.chain = scanned.chainAfter
                    report.headSeq = scanned.lastSeq
                } else {
                    let rewritten = prefix.frame(replacing: scanned, in: segment.header)
                    current!.append(prefix: rewritten.bytes, events: prefix.eventCount, lastTimestamp: rewritten.lastTimestamp,
                                    chain: rewritten.chain, replacing: scanned)
                    report.chain = rewritten.chain
                    report.headSeq = last
                    report.rewrittenFrame = scanned.firstSeq...last
                }
                if report.headSeq == last {
                    try current!.finish(isSealed: false)
                    return report
                }
            case .damage(let damage):
                guard damage.isTornTail else { throw damage.readError(directory: source, "cannot copy through seq \(last)") }
                throw beyondHead(last, head: report.headSeq, source: source, note: " (it ends in a torn tail: \(damage))")
            case .end:
                throw beyondHead(last, head: report.headSeq, source: source, note: "")
            }
        }
    }

    private static func beyondHead(_ seq: UInt64, head: UInt64, source: String, note: String) -> JournalError {
        JournalError(.beyondHead, "seq \(seq) is past the journal's head, seq \(head)\(note); copy through seq \(head) or less", path: source,
                     seqRange: seq...seq)
    }
}
