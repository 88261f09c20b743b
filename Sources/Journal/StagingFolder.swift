#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A folder built under a temporary sibling name and renamed into place only when complete, so
/// a crash never leaves a half-built folder under the target's name.
///
/// The staging folder is `<parent>/.<name>.incomplete-<pid>-<n>`: hidden, and named for what it
/// is, should a crash leave one behind (it is safe to delete).
struct StagingFolder {
    /// Where the folder goes once complete.
    let target: String
    /// The staging folder, to fill.
    let path: String
    private let parent: String
    private let io: FileIO

    /// Checks that `target` is a new or empty folder, not directly inside the folder
    /// `protected` (which must stay untouched), and creates the staging folder beside it.
    ///
    /// Throws `.invalidArgument` when `target` is a file, a folder that holds anything, or in
    /// `protected`; `.io` when the parent folder cannot be written.
    static func create(for target: String, io: FileIO, outside protected: String) throws(JournalError) -> StagingFolder {
        var target = target
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        let slash = target.lastIndex(of: "/")
        let parent = slash.map { $0 == target.startIndex ? "/" : String(target[..<$0]) } ?? "."
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        guard !name.isEmpty, name != ".", name != ".." else {
            throw JournalError(.invalidArgument, "the target must name a new or empty folder, not '\(target)'", path: target)
        }
        if resolved(parent) == resolved(protected) {
            throw JournalError(.invalidArgument, "the target is inside the source journal folder \(protected), which is never written; choose a folder outside it", path: target)
        }
        do throws(JournalError) {
            let entries = try io.list(target)
            guard entries.isEmpty else {
                throw JournalError(.invalidArgument, "the target folder is not empty (\(entries.count) entries); choose a new or empty folder", path: target)
            }
        } catch where error.errno == ENOENT {
            // A new folder: what the rename creates.
        } catch where error.errno == ENOTDIR {
            throw JournalError(.invalidArgument, "the target is a file, not a folder; choose a new or empty folder", path: target)
        }
        for attempt in 0..<1000 {
            let path = parent + "/." + name + ".incomplete-\(getpid())-\(attempt)"
            if try io.makeDirectory(path) { return StagingFolder(target: target, path: path, parent: parent, io: io) }
        }
        throw JournalError(.io, "could not create a staging folder beside the target (1000 names taken); remove the .\(name).incomplete-* folders", path: parent)
    }

    /// `path` made absolute, without `.`, `..` or symbolic links, for comparing folders.
    private static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Makes the staging folder's names durable, renames it to the target (replacing the target
    /// if it is an empty folder) and syncs the parent, so the rename survives a crash too.
    func commit() throws(JournalError) {
        try io.syncDirectory(path)
        try io.rename(path, to: target)
        try io.syncDirectory(parent)
    }

    /// Removes the staging folder and what it holds, as far as it can (after a failure).
    func discard() {
        for name in (try? io.list(path)) ?? [] { _ = try? io.remove(path + "/" + name) }
        try? io.removeDirectory(path)
    }
}
