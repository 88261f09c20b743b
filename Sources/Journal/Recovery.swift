#if canImport(Glibc)
import Glibc
#endif
import Integrity

/// What recovery removed from a torn tail; becomes the data of a `journal.recovered` event.
public struct RecoveryReport: Sendable, Equatable {
    /// Segment file the bytes were cut from.
    public var segment: String
    /// Offset where the segment now ends.
    public var offset: Int
    /// Number of bytes moved to quarantine.
    public var bytes: Int
    /// Path of the quarantine file, relative to the journal folder.
    public var quarantinedTo: String
    /// Why the bytes were not a valid frame.
    public var reason: String

    /// The `journal.recovered` event data: `{"segment","offset","bytes","quarantinedTo","reason"}`.
    public var eventData: [UInt8] {
        func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        return Array(#"{"segment":\#(quoted(segment)),"offset":\#(offset),"bytes":\#(bytes),"quarantinedTo":\#(quoted(quarantinedTo)),"reason":\#(quoted(reason))}"#.utf8)
    }
}

/// Where a writer continues after recovery.
package struct JournalTail {
    /// The last segment's name and header.
    package var segmentName: String
    /// The last segment's header.
    package var header: SegmentHeader
    /// Offset after the last valid frame.
    package var endOffset: Int
    /// Current size of the segment file (preallocated zeros included).
    package var fileSize: Int
    /// Seq the next event gets.
    package var nextSeq: UInt64
    /// Chain value after the last frame.
    package var chain: SHA256Digest
    /// Timestamp of the last event.
    package var lastTimestamp: UInt64
    /// Whether the segment holds any frame.
    package var hasFrames: Bool
}

/// Write-open recovery (DESIGN.md "Recovery on open"), run by `JournalWriter.open` under the lock.
///
/// Checks every segment header, scans the last segment completely (CRC, chain, seqs), and:
/// a torn tail → bytes moved to `quarantine/<segment>-<offset>.torn` (synced), segment truncated;
/// damage anywhere else → `.corrupt` error naming segment, offset and seqs. Earlier segments'
/// frames are not rescanned here (that is `verify`'s job; it would make every open read the
/// whole journal), so corruption inside an older segment is found by `verify`, not by open.
package enum Recovery {
    /// Recovers the journal in `directory`; returns where to continue (nil: no segments yet)
    /// and what was quarantined, if anything.
    package static func run(directory: String, io: FileIO) throws(JournalError) -> (tail: JournalTail?, report: RecoveryReport?) {
        var names = try SegmentDirectory.segmentNames(in: directory, io: io)
        var report: RecoveryReport? = nil
        for name in names.dropLast() {
            do {
                _ = try SegmentReader(directory: directory, name: name, io: io)
            } catch where error.code == .corrupt {
                let seq = JournalFormat.firstSeq(ofSegmentFileName: name) ?? 0
                throw JournalDamage(segment: name, offset: error.offset ?? 0, seqRange: seq...seq, reason: error.message, isTornTail: false)
                    .openError(directory: directory)
            }
        }
        while let last = names.last {
            let reader: SegmentReader
            do {
                reader = try SegmentReader(directory: directory, name: last, io: io)
            } catch where error.code == .corrupt {
                // A crash while creating a segment leaves a short or zero header and no frames.
                guard try !SegmentReader.fileHoldsValidFrame(directory: directory, name: last, io: io) else {
                    let seq = JournalFormat.firstSeq(ofSegmentFileName: last) ?? 0
                    throw JournalDamage(segment: last, offset: 0, seqRange: seq...seq, reason: error.message, isTornTail: false)
                        .openError(directory: directory)
                }
                report = try quarantineWholeFile(directory: directory, name: last, reason: error.message, io: io)
                names.removeLast()
                continue
            }
            while true {
                switch try reader.next() {
                case .frame:
                    continue
                case .end(let offset):
                    return (tail(reader, endOffset: offset), report)
                case .damage(let damage):
                    guard try reader.hasNoValidFrame(after: damage.offset) else {
                        throw damage.openError(directory: directory)
                    }
                    report = try quarantineTail(directory: directory, reader: reader, damage: damage, io: io)
                    try reader.refreshSize()
                    return (tail(reader, endOffset: damage.offset), report)
                }
            }
        }
        return (nil, report)
    }

    private static func tail(_ reader: SegmentReader, endOffset: Int) -> JournalTail {
        JournalTail(
            segmentName: reader.name, header: reader.header, endOffset: endOffset, fileSize: reader.fileSize,
            nextSeq: reader.nextSeq, chain: reader.chain.value, lastTimestamp: reader.lastTimestamp,
            hasFrames: reader.nextSeq > reader.header.firstSeq
        )
    }

    /// Copies the segment's bytes from the damage to the last non-zero byte into quarantine,
    /// syncs that, then truncates the segment at the damage and syncs it.
    private static func quarantineTail(directory: String, reader: SegmentReader, damage: JournalDamage, io: FileIO) throws(JournalError) -> RecoveryReport {
        let fd = try io.open(reader.path, O_RDWR)
        defer { io.close(fd) }
        var bytes = [UInt8](repeating: 0, count: reader.fileSize - damage.offset)
        let read = try io.read(fd, into: &bytes, at: damage.offset, path: reader.path)
        let used = bytes[..<read].lastIndex(where: { $0 != 0 }).map { $0 + 1 } ?? 0
        let relative = try writeQuarantine(directory: directory, name: "\(reader.name)-\(damage.offset).torn", bytes: Array(bytes[..<used]), io: io)
        try io.truncate(fd, to: damage.offset, path: reader.path)
        try io.syncData(fd, path: reader.path)
        return RecoveryReport(segment: reader.name, offset: damage.offset, bytes: used, quarantinedTo: relative, reason: damage.reason)
    }

    /// Moves a segment whose header never became valid into quarantine.
    private static func quarantineWholeFile(directory: String, name: String, reason: String, io: FileIO) throws(JournalError) -> RecoveryReport {
        let path = directory + "/" + name
        let fd = try io.open(path, O_RDONLY)
        let size = try io.size(fd, path: path)
        io.close(fd)
        let quarantine = directory + "/" + JournalFormat.quarantineFolder
        _ = try io.makeDirectory(quarantine)
        let relative = JournalFormat.quarantineFolder + "/" + uniqueName("\(name)-0.torn", in: quarantine, io: io)
        try io.rename(path, to: directory + "/" + relative)
        try io.syncDirectory(quarantine)
        try io.syncDirectory(directory)
        return RecoveryReport(segment: name, offset: 0, bytes: size, quarantinedTo: relative, reason: "segment header: " + reason)
    }

    /// Writes `bytes` to a new file in quarantine/ and syncs file and folder; returns its relative path.
    private static func writeQuarantine(directory: String, name: String, bytes: [UInt8], io: FileIO) throws(JournalError) -> String {
        let quarantine = directory + "/" + JournalFormat.quarantineFolder
        if try io.makeDirectory(quarantine) { try io.syncDirectory(directory) }
        let fileName = uniqueName(name, in: quarantine, io: io)
        let path = quarantine + "/" + fileName
        let fd = try io.open(path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
        defer { io.close(fd) }
        try io.write(fd, bytes, at: 0, path: path)
        try io.sync(fd, path: path)
        try io.syncDirectory(quarantine)
        return JournalFormat.quarantineFolder + "/" + fileName
    }

    /// `name`, or `name.1`, `name.2`… if a quarantine file of that name exists already.
    private static func uniqueName(_ name: String, in folder: String, io: FileIO) -> String {
        let existing = Set((try? io.list(folder)) ?? [])
        var candidate = name
        var counter = 1
        while existing.contains(candidate) {
            candidate = "\(name).\(counter)"
            counter += 1
        }
        return candidate
    }
}
