#if canImport(Glibc)
import Glibc
#endif

/// Finds segments by time from their headers' base timestamps, by binary search: about
/// log2(segments) 64-byte header reads, however long the journal.
///
/// A segment's base timestamp is its first frame's first timestamp and timestamps never
/// decrease, so "base ≤ T" (or "base < T") holds for a prefix of the segments.
enum SegmentSeek {
    /// The position in `names` (segment names in seq order) of the last segment whose base
    /// timestamp satisfies `holds`, a condition true for a prefix; nil when none does.
    ///
    /// A last segment whose header does not decode is one a writer is creating (or a crash
    /// left half-created): it holds no event yet, so it counts as after any time. Throws
    /// `.corrupt` naming any other segment whose header the search needed and could not decode,
    /// `.io` when one cannot be read.
    static func lastSegment(in names: [String], directory: String, io: FileIO,
                            whereBase holds: (UInt64) -> Bool) throws(JournalError) -> Int? {
        var low = 0, high = names.count
        while low < high {
            let middle = (low + high) / 2
            let base: UInt64?
            do {
                base = try header(directory: directory, name: names[middle], io: io).baseTimestamp
            } catch where error.code == .corrupt && middle == names.count - 1 {
                base = nil
            }
            if let base, holds(base) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low == 0 ? nil : low - 1
    }

    /// The decoded header of segment `name` (64 bytes read).
    static func header(directory: String, name: String, io: FileIO) throws(JournalError) -> SegmentHeader {
        let path = directory + "/" + name
        let fd = try io.open(path, O_RDONLY)
        defer { io.close(fd) }
        return try SegmentReader.readHeader(fd: fd, name: name, path: path, io: io)
    }
}
