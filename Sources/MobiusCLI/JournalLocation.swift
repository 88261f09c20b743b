import Foundation
import Journal

/// The `--data DIR` option shared by the journal commands: the journal lives in `DIR/journal`.
struct JournalLocation {
    /// The data folder (default: the current folder).
    let dataDirectory: String

    /// Takes `--data` from `arguments`.
    init(arguments: inout ArgumentList) throws(UsageError) {
        dataDirectory = try arguments.option("--data") ?? FileManager.default.currentDirectoryPath
    }

    /// The journal folder.
    var journalDirectory: String { dataDirectory + "/journal" }

    /// Fails with an unreadable-input message when there is no journal folder to read.
    func requireExistingJournal() throws(UsageError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: journalDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError("no journal at \(journalDirectory); pass --data DIR (the folder holding journal/)")
        }
    }
}

extension Durability {
    /// Parses `--durability always|batch|none` (default `always`).
    static func parse(_ arguments: inout ArgumentList) throws(UsageError) -> Durability {
        guard let text = try arguments.option("--durability") else { return .always }
        guard let value = Durability(rawValue: text) else {
            throw UsageError("--durability takes always, batch or none, not '\(text)'")
        }
        return value
    }
}
