#if canImport(Glibc)
import Glibc
#endif
import Integrity
import JSON

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
        var json = JSONWriter()
        json.writeObject { json in
            json.write(segment, forKey: "segment")
            json.write(offset, forKey: "offset")
            json.write(bytes, forKey: "bytes")
            json.write(quarantinedTo, forKey: "quarantinedTo")
            json.write(reason, forKey: "reason")
        }
        do {
            return try json.finish()
        } catch {
            preconditionFailure("journal.recovered data refused by the JSON writer: \(error)")
        }
    }
}

/// Write-open recovery (DESIGN.md "Recovery on open"), run by `JournalWriter.open` under the lock:
/// carries out the repairs of `OpenCheck`'s verdict, or refuses with the damage it names.
///
/// Every repair is made durable before the writer appends anything: quarantined bytes are
/// synced before the segment is cut, the cut is synced, rebuilt indexes are replaced atomically.
package enum Recovery {
    /// Recovers the journal in `directory`; returns where to continue (nil: no segments yet)
    /// and what was quarantined, if anything (one report per quarantined piece).
    package static func run(directory: String, io: FileIO) throws(JournalError) -> (tail: JournalTail?, reports: [RecoveryReport]) {
        switch try OpenCheck.verdict(directory: directory, io: io) {
        case .refuses(let damage):
            throw damage.openError(directory: directory)
        case .opens(let tail, let repairs, _):
            var reports: [RecoveryReport] = []
            for repair in repairs {
                switch repair {
                case .quarantineTail(let damage):
                    reports.append(try quarantineTail(directory: directory, damage: damage, io: io))
                case .quarantineSegment(let name, let reason):
                    reports.append(try quarantineWholeFile(directory: directory, name: name, reason: reason, io: io))
                case .writeIndex(let segment, let index):
                    try SegmentIndexFile.write(index, directory: directory, segmentName: segment, isDurable: true, io: io)
                case .removeIndex(let segment):
                    try SegmentIndexFile.remove(directory: directory, segmentName: segment, io: io)
                }
            }
            return (tail, reports)
        }
    }

    /// Copies the segment's bytes from the cut (the end of the last frame that verifies) to the
    /// last non-zero byte into quarantine, syncs that, then truncates the segment at the cut and
    /// syncs it.
    private static func quarantineTail(directory: String, damage: JournalDamage, io: FileIO) throws(JournalError) -> RecoveryReport {
        let path = directory + "/" + damage.segment
        let fd = try io.open(path, O_RDWR)
        defer { io.close(fd) }
        let cut = damage.cutOffset
        var bytes = [UInt8](repeating: 0, count: max(0, try io.size(fd, path: path) - cut))
        let read = try io.read(fd, into: &bytes, at: cut, path: path)
        let used = bytes[..<read].lastIndex(where: { $0 != 0 }).map { $0 + 1 } ?? 0
        let relative = try writeQuarantine(directory: directory, name: "\(damage.segment)-\(cut).torn", bytes: Array(bytes[..<used]), io: io)
        try io.truncate(fd, to: cut, path: path)
        try io.syncData(fd, path: path)
        let reason = damage.offset == cut ? damage.reason : "\(damage.reason) at byte \(damage.offset)"
        return RecoveryReport(segment: damage.segment, offset: cut, bytes: used, quarantinedTo: relative, reason: reason)
    }

    /// Moves a segment whose header never became valid into quarantine.
    private static func quarantineWholeFile(directory: String, name: String, reason: String, io: FileIO) throws(JournalError) -> RecoveryReport {
        let path = directory + "/" + name
        let fd = try io.open(path, O_RDONLY)
        defer { io.close(fd) }
        let size = try io.size(fd, path: path)
        let quarantine = directory + "/" + JournalFormat.quarantineFolder
        _ = try io.makeDirectory(quarantine)
        let relative = JournalFormat.quarantineFolder + "/" + uniqueName("\(name)-0.torn", in: quarantine, io: io)
        try io.rename(path, to: directory + "/" + relative)
        try io.syncDirectory(quarantine)
        try io.syncDirectory(directory)
        try SegmentIndexFile.remove(directory: directory, segmentName: name, io: io)
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
