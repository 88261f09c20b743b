/// The segment files of a journal folder.
package enum SegmentDirectory {
    /// Segment file names in `directory`, in seq order; other files (LOCK, quarantine/) are ignored.
    /// A missing folder is an empty journal.
    package static func segmentNames(in directory: String, io: FileIO) throws(JournalError) -> [String] {
        let names: [String]
        do {
            names = try io.list(directory)
        } catch where error.errno == ENOENT {
            return []
        }
        return names
            .compactMap { name in JournalFormat.firstSeq(ofSegmentFileName: name).map { (name, $0) } }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }
}

#if canImport(Glibc)
import Glibc
#endif
