import Foundation
import Integrity
@testable import Journal
import Synchronization
@testable import POSIX
import Testing
import TestSupport

/// A fake wall clock that moves on by `step` µs each time it is read, so every frame a writer
/// builds gets a timestamp of its own.
final class SteppingClock: Sendable {
    private let now: Atomic<UInt64>
    private let step: UInt64

    init(start: UInt64 = 1_795_000_000_000_000, step: UInt64 = 1_000) {
        now = Atomic(start)
        self.step = step
    }

    /// The clock as a `JournalConfiguration.clock`.
    var read: @Sendable () -> UInt64 { { self.now.add(self.step, ordering: .relaxed).newValue } }
}

/// Counts the bytes read through `pread`, to show a lookup reads a bounded part of a journal.
final class ReadCounter: Sendable {
    let bytes = Atomic<Int>(0)

    var calls: SyscallTable {
        var calls = SyscallTable.live
        let live = SyscallTable.live.pread
        calls.pread = { [self] fd, buffer, offset in
            let result = live(fd, buffer, offset)
            if case .success(let count) = result, count > 0 { bytes.add(count, ordering: .relaxed) }
            return result
        }
        return calls
    }
}

/// A frame boundary computed straight from the segment files, without the reader or scanner.
struct FrameEnd: Equatable {
    var segment: String
    var offset: Int
    var length: Int
    var firstSeq: UInt64
    var lastSeq: UInt64
    var chain: SHA256Digest
}

extension TestJournal {
    /// A configuration whose clock steps 1 ms per frame.
    func steppingConfiguration(_ clock: SteppingClock, segmentByteLimit: Int, preallocation: Int = 0,
                               durability: Durability = .none) -> JournalConfiguration {
        var configuration = configuration(durability: durability, segmentByteLimit: segmentByteLimit, preallocation: preallocation)
        configuration.clock = clock.read
        return configuration
    }

    /// A small journal of every shape a reader meets: one-event frames and frames of several
    /// events, several segments, a sync group of frames written together whose records carry
    /// non-zero timestamp deltas (two events of one frame share a timestamp), and a writer
    /// that continued it. Returns its events as read back.
    @discardableResult
    func buildMixedJournal() throws -> [JournalEvent] {
        let clock = SteppingClock()
        var index = 0
        func batch(_ count: Int) -> [EventDraft] {
            defer { index += count }
            return (index..<(index + count)).map(draft)
        }
        var writer = try JournalWriter.open(steppingConfiguration(clock, segmentByteLimit: 500))
        for count in [1, 3, 1, 1, 4, 1, 2, 1, 1, 3] { _ = try writer.append(batch(count)) }
        try writer.close()
        try appendFramesWithDeltas([[0, 5, 5], [0, 7]], drafts: batch(5))
        writer = try JournalWriter.open(steppingConfiguration(clock, segmentByteLimit: 500))
        for count in [1, 3, 1] { _ = try writer.append(batch(count)) }
        try writer.close()
        let (events, summary) = try readAll()
        #expect(summary.damage == nil)
        #expect(try segmentPaths().count >= 3)
        return events
    }

    /// Writes frames whose records have the given timestamp deltas (µs after each frame's first
    /// event) after the last frame, in one write, as one sync group: the first frame begins
    /// it, the others continue it. Each frame starts 300 µs after the one before ends.
    func appendFramesWithDeltas(_ deltas: [[UInt64]], drafts: [EventDraft]) throws {
        let tail = try tail()
        var chain = tail.chain, nextSeq = tail.nextSeq, timestamp = tail.lastTimestamp
        var bytes: [UInt8] = []
        var drafts = drafts[...]
        for (position, frameDeltas) in deltas.enumerated() {
            var records: [UInt8] = []
            for delta in frameDeltas { RecordCodec.append(drafts.removeFirst(), timestampDelta: delta, to: &records) }
            let payload = PayloadEncoder().encode(records: records, count: frameDeltas.count)
            timestamp += 300
            let header = FrameHeader(codec: payload.codec, continuesSyncGroup: position > 0, storedLength: payload.stored.count,
                                     uncompressedLength: payload.uncompressedLength, seqOffset: nextSeq - tail.header.firstSeq,
                                     count: frameDeltas.count, firstTimestampDelta: timestamp - tail.header.baseTimestamp,
                                     timestampSpan: frameDeltas.last!, chainTag: 0)
            chain = payload.stored.withUnsafeBytes { FrameEncoder.append(header, payload: $0, previousChain: chain, to: &bytes) }
            nextSeq += UInt64(frameDeltas.count)
            timestamp += frameDeltas.last!
        }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: directory + "/" + tail.segmentName))
        try handle.seek(toOffset: UInt64(tail.endOffset))
        try handle.write(contentsOf: bytes)
        try handle.close()
        dropIndex(of: tail.segmentName)
    }

    /// Every frame's boundaries and chain value, decoded straight from the segment files in
    /// name order with the frame codec and the chain formula — what a full scan computes.
    func independentFrameEnds() throws -> [FrameEnd] {
        var chain = SHA256Digest.zero
        var ends: [FrameEnd] = []
        for path in try segmentPaths() {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let name = (path as NSString).lastPathComponent
            try bytes.withUnsafeBytes { raw in
                var cursor = ByteCursor(raw)
                let header = try #require(try SegmentHeader.decode(&cursor))
                var decoder = FrameDecoder(formatVersion: header.formatVersion)
                while cursor.remaining > 0, raw[cursor.offset] != 0 {
                    let start = cursor.offset
                    let frame = try #require(try decoder.decode(&cursor))
                    chain = FrameChain.next(chain, hashedHeader: frame.hashedHeader, payload: frame.payload)
                    let first = header.firstSeq + frame.header.seqOffset
                    ends.append(FrameEnd(segment: name, offset: start, length: frame.length, firstSeq: first,
                                         lastSeq: first + UInt64(frame.header.count) - 1, chain: chain))
                }
            }
        }
        return ends
    }

    /// Flips `mask` in the byte `fromEnd` bytes before the end of the frame `end` describes
    /// (inside its payload, so its CRC fails); returns the segment's path.
    @discardableResult
    func damage(_ end: FrameEnd, byteFromEnd fromEnd: Int = 1, mask: UInt8 = 0x04) throws -> String {
        let path = directory + "/" + end.segment
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[end.offset + end.length - fromEnd] ^= mask
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every file in the journal folder with its bytes (quarantine and other folders skipped).
    func fileContents() throws -> [String: [UInt8]] {
        var contents: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            contents[name] = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
        }
        return contents
    }
}
