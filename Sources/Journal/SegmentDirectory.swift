#if canImport(Glibc)
import Glibc
#endif

/// The segment files of a journal folder.
package enum SegmentDirectory {
    /// Segment file names in `directory`, in seq order; other files (LOCK, indexes, quarantine/)
    /// are ignored. A missing folder is an empty journal.
    package static func segmentNames(in directory: String, io: FileIO) throws(JournalError) -> [String] {
        try names(in: directory, io: io)
            .compactMap { name in JournalFormat.firstSeq(ofSegmentFileName: name).map { (name, $0) } }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }

    /// Index files (`<first seq>.idx`) in `directory` whose segment file is not there.
    package static func orphanIndexNames(in directory: String, io: FileIO) throws(JournalError) -> [String] {
        let names = try names(in: directory, io: io)
        let present = Set(names)
        return names.filter { name in
            let segment = String(name.dropLast(4)) + ".seg"
            return name.hasSuffix(".idx") && JournalFormat.firstSeq(ofSegmentFileName: segment) != nil && !present.contains(segment)
        }.sorted()
    }

    /// Everything in `directory`; nothing when it does not exist.
    private static func names(in directory: String, io: FileIO) throws(JournalError) -> [String] {
        do {
            return try io.list(directory)
        } catch where error.errno == ENOENT {
            return []
        }
    }
}
