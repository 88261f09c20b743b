import Integrity
import POSIX

/// Size and content figures of a journal, as `stats` prints them.
public struct JournalStats: Sendable {
    /// Events per type.
    public var eventsByType: [String: UInt64] = [:]
    /// Segment files.
    public var segmentCount = 0
    /// Frames.
    public var frameCount = 0
    /// Bytes of segment headers and frames (what the journal occupies, padding excluded).
    public var bytesOnDisk = 0
    /// Bytes of the segment files including preallocated zero padding.
    public var fileBytes = 0
    /// Bytes of the records before compression.
    public var uncompressedBytes = 0
    /// Seq of the last event.
    public var headSeq: UInt64 = 0
    /// The chain value after the last frame.
    public var chain: SHA256Digest = .zero
    /// Damage that stopped the count early, if any.
    public var damage: JournalDamage?

    /// Uncompressed record bytes per byte on disk.
    public var compressionRatio: Double { bytesOnDisk == 0 ? 0 : Double(uncompressedBytes) / Double(bytesOnDisk) }

    /// Reads the whole journal in `directory` (inflating every frame to count types).
    public static func collect(directory: String, kernel: Kernel = .live) throws(JournalError) -> JournalStats {
        let scanner = try JournalScanner(directory: directory, io: kernel.io)
        let payloads = PayloadDecoder()
        var stats = JournalStats()
        stats.segmentCount = scanner.segmentNames.count
        var segmentsSeen: Set<String> = []
        while true {
            switch try scanner.next() {
            case .frame(let scanned, let segment):
                if segmentsSeen.insert(segment.name).inserted {
                    stats.fileBytes += segment.fileSize
                    stats.bytesOnDisk += JournalFormat.segmentHeaderLength
                }
                stats.frameCount += 1
                stats.bytesOnDisk += scanned.frame.length
                stats.uncompressedBytes += scanned.frame.header.uncompressedLength
                stats.headSeq = scanned.lastSeq
                stats.chain = segment.chain.value
                do {
                    try payloads.forEachRecord(in: scanned, dictionaryId: segment.header.dictionaryId) { _, _, record in
                        stats.eventsByType[payloads.typeName(of: record), default: 0] += 1
                    }
                } catch where error.code == .corrupt {
                    stats.damage = stats.damage ?? JournalDamage(segment: segment.name, offset: scanned.fileOffset,
                                                                 seqRange: scanned.firstSeq...scanned.lastSeq, reason: error.message)
                }
            case .damage(let damage):
                stats.damage = stats.damage ?? damage
            case .end:
                return stats
            }
        }
    }
}
