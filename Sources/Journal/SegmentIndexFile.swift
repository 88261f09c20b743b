#if canImport(Glibc)
import Glibc
#endif

/// Reads and atomically replaces segment index files (`<first seq>.idx`, see SEGMENT INDEX).
package enum SegmentIndexFile {
    /// What a look for an index found.
    package enum Lookup {
        /// No index file: nothing is wrong (the active segment, or a journal from before indexes).
        case missing
        /// An index file that cannot be used, and why; write-open rebuilds or removes it.
        case invalid(reason: String)
        /// A well-formed index (whether it matches its segment is for the caller to check).
        case found(SegmentIndex)
    }

    /// Largest index file read: far beyond the ~230 KiB a 1 GiB segment needs.
    static let maxFileBytes = 16 << 20

    /// Reads the index of segment `segmentName` in `directory`.
    package static func lookup(directory: String, segmentName: String, io: FileIO) throws(JournalError) -> Lookup {
        let path = directory + "/" + JournalFormat.indexFileName(ofSegment: segmentName)
        let fd: Int32
        do {
            fd = try io.open(path, O_RDONLY)
        } catch where error.errno == ENOENT {
            return .missing
        }
        defer { io.close(fd) }
        let size = try io.size(fd, path: path)
        guard size <= maxFileBytes else { return .invalid(reason: "index file is \(size) bytes, more than an index can be") }
        var bytes = [UInt8](repeating: 0, count: size)
        let read = try io.read(fd, into: &bytes, at: 0, path: path)
        let outcome = bytes[..<read].withUnsafeBytes { raw in Result { () throws(FrameError) in try SegmentIndex.decode(raw) } }
        switch outcome {
        case .success(let index): return .found(index)
        case .failure(let error): return .invalid(reason: "\(error) at byte \(error.offset)")
        }
    }

    /// Replaces the index of `segmentName` with `index`: writes `<name>.idx.tmp`, syncs it
    /// (when `isDurable`), renames it over the index and syncs the folder, so a crash leaves the
    /// old index or the new one, never a mix.
    package static func write(_ index: SegmentIndex, directory: String, segmentName: String, isDurable: Bool, io: FileIO) throws(JournalError) {
        let name = JournalFormat.indexFileName(ofSegment: segmentName)
        let temporary = directory + "/" + name + ".tmp"
        let fd = try io.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
        do throws(JournalError) {
            try io.write(fd, index.encoded(), at: 0, path: temporary)
            if isDurable { try io.sync(fd, path: temporary) }
        } catch {
            io.close(fd)
            _ = try? io.remove(temporary)
            throw error
        }
        io.close(fd)
        try io.rename(temporary, to: directory + "/" + name)
        if isDurable { try io.syncDirectory(directory) }
    }

    /// Removes the index of `segmentName` if there is one.
    package static func remove(directory: String, segmentName: String, io: FileIO) throws(JournalError) {
        if try io.remove(directory + "/" + JournalFormat.indexFileName(ofSegment: segmentName)) { try io.syncDirectory(directory) }
    }
}
