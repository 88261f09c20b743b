import MobiusCore
import Foundation

/// The option group of every command that reads or writes the data folder: `--data DIR`
/// (default: the current folder), which holds `journal/` (and, later, `snapshots/`).
///
/// Commands that touch no data (`hash`, `help`, `bench index`) do not declare it, and refuse it
/// as an unknown option: accepting and ignoring it would suggest it did something.
package struct DataFolder: Sendable {
    /// `--data DIR`.
    package static let option = Option<String>(
        "--data", value: "DIR", help: "the data folder, which holds journal/", default: ".", shownAs: "the current folder",
        invalidUTF8Advice: "rename the folder, or run from inside it and leave --data out")

    /// The group's arguments, for a command's `CommandSpec`.
    package static let arguments: [any CommandArgument] = [option]

    /// The folder as given (`.` by default).
    package let path: String

    /// Reads `--data` from `arguments`.
    package init(_ arguments: ParsedArguments) { path = arguments[DataFolder.option] }

    /// The folder at `path` (tests, and callers that already know it).
    package init(path: String) { self.path = path }

    /// The journal folder, `DIR/journal`.
    package var journalDirectory: String { path + "/journal" }

    /// For commands that read: fails unless `DIR/journal` is an existing folder.
    package func requireJournal() throws(CommandFailure) {
        try refuseFilesInPlaceOfFolders()
        guard FileManager.default.fileExists(atPath: journalDirectory) else {
            throw CommandFailure(.unreadableInput, "no journal at \(Echoed(journalDirectory)); pass --data DIR (the folder holding journal/)")
        }
    }

    /// For commands that write the journal (its folder is created when missing): fails unless
    /// `DIR` is an existing folder, and when `DIR/journal` is a file.
    package func requireFolderForWriting() throws(CommandFailure) {
        try refuseFilesInPlaceOfFolders()
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(.unreadableInput, "there is no folder \(Echoed(path)); create it, or pass --data DIR, the folder holding journal/")
        }
    }

    /// Fails when `DIR` or `DIR/journal` exists but is a file, which the journal would report
    /// only as `ENOTDIR`.
    package func refuseFilesInPlaceOfFolders() throws(CommandFailure) {
        for folder in [path, journalDirectory] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw CommandFailure(.unreadableInput, "\(Echoed(folder)) is a file, not a folder; pass --data DIR, the folder holding journal/")
            }
        }
    }
}
