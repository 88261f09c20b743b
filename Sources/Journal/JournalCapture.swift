#if canImport(Glibc)
import Glibc
#endif
import Integrity
import POSIX

/// Where a capture of a journal ends: its head as read when the capture starts.
public struct CapturePoint: Sendable, Equatable {
    /// The last seq captured; 0 when the journal holds no event.
    public var headSeq: UInt64
    /// The chain value after the frame that ends at `headSeq` (zero for an empty journal).
    public var chain: SHA256Digest
    /// The segment holding that frame: the capture's last segment. Nil for an empty journal.
    public var segmentName: String?
    /// The byte just past that frame, where the captured copy of `segmentName` ends.
    public var endOffset: Int
    /// Damage at the end of the last segment after the head — a torn tail a crash left, which
    /// the next write-open quarantines — that the capture leaves out.
    public var tornTail: JournalDamage?
}

/// One step of a capture, for the caller to write wherever the copy goes.
package enum CaptureStep {
    /// A segment file begins; exactly `byteCount` bytes of it follow in `.bytes` steps.
    case segment(name: String, byteCount: Int)
    /// The next bytes of the current segment (about a MiB at a time).
    case bytes([UInt8])
    /// The current segment is complete; `bytes` is its index file `name`, built from the frames
    /// captured (marked SEALED unless it is the capture's last segment).
    case index(name: String, bytes: [UInt8])
}

/// Reads a consistent copy of a journal — possibly one a writer is appending to — up to a
/// frame boundary fixed at the start, as a series of steps: each segment's bytes, then an
/// index for it. What `backup create` archives.
///
/// `head` fixes the end: the last CRC-valid frame of the last segment that holds one, read
/// from that segment's index onwards (so its cost does not grow with the journal). The capture
/// then scans from seq 1 and checks every frame as `verify` does (bounds, CRC, seqs,
/// timestamps, the full chain from the first frame, the segment links) — with `deep`, every
/// record too — and hands out the bytes it checked. Sealed segments are copied whole (a
/// sealed segment ends at its last frame); the last one up to the head's frame. The copy is
/// the journal a writer had when it wrote that frame, so a writer can open and continue it.
///
/// The source is only read (files opened read-only, its lock never taken). Frames appended
/// after `head`, segments rolled since, a tail being written: none of it is read.
package final class JournalCapture {
    /// Where the capture ends.
    package let point: CapturePoint
    /// The chain value after every frame ending at a seq asked for in `init` (snapshot seqs),
    /// once the capture has passed it.
    package private(set) var chains: [UInt64: SHA256Digest] = [:]

    private let directory: String
    private let scanner: JournalScanner?
    private let payloads: PayloadDecoder?
    private let noted: Set<UInt64>
    private var current: (name: String, byteCount: Int, handedOut: Int, index: SegmentIndex)?
    private var chunk: [UInt8] = []
    private var ready: [CaptureStep] = []
    private var isFinished = false

    /// Bytes gathered before a `.bytes` step.
    private static let chunkBytes = 1 << 20

    /// The head of the journal in `directory` as it is now: the capture's end.
    ///
    /// Throws `.corrupt` naming the damage when the last frames are damaged in a way that is
    /// not a torn tail, `.io` when files cannot be read.
    package static func head(directory: String, io: FileIO) throws(JournalError) -> CapturePoint {
        let names = try SegmentDirectory.segmentNames(in: directory, io: io)
        var tornTail: JournalDamage? = nil
        // The newest segment may hold no frame yet (just rolled, or its header is being written):
        // then the head is the end of the one before.
        for position in names.indices.reversed() {
            let name = names[position]
            let nextFirst = position + 1 < names.count ? JournalFormat.firstSeq(ofSegmentFileName: names[position + 1]) : nil
            let scanner = try JournalScanner(directory: directory, io: io, startingAtSeq: nextFirst.map { $0 - 1 } ?? .max)
            var point: CapturePoint? = nil
            scan: while true {
                switch try scanner.next() {
                case .frame(let scanned, let segment):
                    guard segment.name == name else { break scan }
                    point = CapturePoint(headSeq: scanned.lastSeq, chain: scanned.chainAfter, segmentName: name,
                                         endOffset: scanned.fileOffset + scanned.frame.length, tornTail: nil)
                case .damage(let damage):
                    guard damage.segment == name else { break scan }
                    guard damage.isTornTail else { throw damage.readError(directory: directory, "cannot capture the journal") }
                    tornTail = damage
                    break scan
                case .end:
                    break scan
                }
            }
            if var point {
                point.tornTail = tornTail
                return point
            }
        }
        return CapturePoint(headSeq: 0, chain: .zero, segmentName: nil, endOffset: 0, tornTail: tornTail)
    }

    /// A capture of the journal in `directory` through `point` (from `head`), noting the chain
    /// at each of `seqs` that ends a frame.
    package init(directory: String, through point: CapturePoint, deep: Bool = false, notingChainsAt seqs: Set<UInt64> = [],
                 io: FileIO) throws(JournalError) {
        self.directory = directory
        self.point = point
        noted = seqs
        payloads = deep ? PayloadDecoder() : nil
        scanner = point.headSeq == 0 ? nil : try JournalScanner(directory: directory, io: io)
        isFinished = scanner == nil
        chunk.reserveCapacity(JournalCapture.chunkBytes + JournalFormat.maxFrameHeaderLength + JournalFormat.maxStoredLength)
    }

    /// The next step; nil once the segment holding the head and its index have been handed out.
    ///
    /// Throws `.corrupt` naming segment, offset and seqs when a frame before the head fails a
    /// check or a sealed segment holds bytes after its last frame, and when the journal no
    /// longer reaches the head (files removed or replaced under the capture).
    package func next() throws(JournalError) -> CaptureStep? {
        while ready.isEmpty {
            guard !isFinished, let scanner else { return nil }
            try advance(scanner)
        }
        return ready.removeFirst()
    }

    private func advance(_ scanner: JournalScanner) throws(JournalError) {
        switch try scanner.next() {
        case .frame(let scanned, let segment):
            if current?.name != segment.name {
                try finishSegment()
                let isLast = segment.name == point.segmentName
                current = (segment.name, isLast ? point.endOffset : segment.fileSize, 0, SegmentIndex(emptySegmentWith: segment.header))
                ready.append(.segment(name: segment.name, byteCount: current!.byteCount))
                chunk.append(contentsOf: segment.header.encoded())
            }
            if let payloads {
                do throws(JournalError) {
                    try payloads.forEachRecord(in: scanned, dictionaryId: segment.header.dictionaryId) { _, _, _ in }
                } catch {
                    throw JournalError(.corrupt, "cannot capture the journal: \(error.message)", path: segment.path, offset: scanned.fileOffset,
                                       seqRange: scanned.firstSeq...scanned.lastSeq)
                }
            }
            guard scanned.lastSeq <= point.headSeq else {
                throw changed("a frame holds seqs \(scanned.firstSeq)…\(scanned.lastSeq), across the head \(point.headSeq) read at the start")
            }
            chunk.append(contentsOf: scanned.frame.bytes)
            current!.index.record(scanned)
            if noted.contains(scanned.lastSeq) { chains[scanned.lastSeq] = scanned.chainAfter }
            if chunk.count >= JournalCapture.chunkBytes { handOutChunk() }
            if scanned.lastSeq == point.headSeq {
                guard scanned.chainAfter == point.chain, segment.name == point.segmentName else {
                    throw changed("the frame ending at seq \(point.headSeq) is not the one read at the start")
                }
                try finishSegment()
                isFinished = true
            }
        case .damage(let damage):
            throw damage.readError(directory: directory, "cannot capture the journal through seq \(point.headSeq)")
        case .end:
            throw changed("the journal ends before seq \(point.headSeq)")
        }
    }

    private func handOutChunk() {
        guard !chunk.isEmpty else { return }
        current!.handedOut += chunk.count
        ready.append(.bytes(chunk))
        chunk.removeAll(keepingCapacity: true)
    }

    /// Hands out the rest of the current segment and its index, after checking that the frames
    /// filled exactly the bytes announced.
    private func finishSegment() throws(JournalError) {
        guard current != nil else { return }
        handOutChunk()
        var (name, byteCount, handedOut, index) = current!
        current = nil
        guard handedOut == byteCount else {
            throw JournalError(.corrupt, "the segment's frames end at byte \(handedOut) but it holds \(byteCount) bytes (a sealed segment ends at its last frame); 'mobius-dhash verify' says more",
                               path: directory + "/" + name, offset: handedOut)
        }
        index.isSealed = name != point.segmentName
        ready.append(.index(name: JournalFormat.indexFileName(ofSegment: name), bytes: index.encoded()))
    }

    private func changed(_ what: String) -> JournalError {
        JournalError(.corrupt, "\(what): the journal was changed under the capture (segments removed or replaced?); run 'mobius-dhash verify', then try again",
                     path: directory, seqRange: point.headSeq...point.headSeq)
    }
}
