import Journal
import POSIX

/// Why a backup could not be made, verified or restored.
///
/// `description` is one line: what is wrong, where (the file or member) and what to do.
/// `code` fixes the exit status the command line gives it.
public struct BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// The request cannot be carried out as given (an output that exists, a target folder
        /// that is not empty, a name the sidecar format cannot hold); nothing was written.
        case invalidRequest = "invalid request"
        /// An input cannot be read: no such file, no sidecar, not a backup at all.
        case unreadable = "unreadable input"
        /// A check failed: a sidecar or manifest hash that does not match, a damaged archive, a
        /// journal inside that does not verify; or, for `create`, a source journal damaged
        /// before its head.
        case mismatch = "check failed"
        /// Writing the output failed (a full disk, an I/O error); what was written is removed.
        case io = "I/O error"
    }

    /// What kind of failure.
    public var code: Code
    /// The specifics, with what to do.
    public var message: String

    /// An error of kind `code`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A journal failure: damage is a failed check, anything else a failure to read.
    init(_ error: JournalError, _ what: String) {
        self.init(error.code == .corrupt ? .mismatch : .unreadable, "\(what): \(error)")
    }

    /// A system call that failed while writing `what`.
    static func writing(_ what: String, _ error: SystemError) -> BackupError {
        BackupError(.io, "cannot write \(what): \(error)")
    }

    public var description: String { message }
}
