/// The segment files of a journal folder.
package enum SegmentDirectory {
    /// Index files (`<first seq>.idx`) in `directory` whose segment file is not there.
    package static func orphanIndexNames(in directory: String, io: FileIO) throws(JournalError) -> [String] {
        let names: [String]
        do {
            names = try io.list(directory)
        } catch where error.errno == ENOENT {
            return []
        }
        let segments = Set(names)
        return names.filter { name in
            name.hasSuffix(".idx") && JournalFormat.firstSeq(ofSegmentFileName: String(name.dropLast(4)) + ".seg") != nil
                && !segments.contains(String(name.dropLast(4)) + ".seg")
        }.sorted()
    }

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
