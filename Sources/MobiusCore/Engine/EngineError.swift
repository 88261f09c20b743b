import Journal

/// Anything the engine refuses or cannot do.
///
/// `description` is one line: what went wrong, where, and what to do. `code` decides the exit
/// status and HTTP status callers map it to.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// A request the engine cannot carry out as given (an unknown id, a seq past the head,
        /// an option that does not apply); nothing was changed.
        case invalidRequest = "invalid request"
        /// No such library image, review item or snapshot.
        case notFound = "not found"
        /// The request conflicts with the current state (an image id already in the library, an
        /// item already resolved); nothing was changed.
        case conflict = "conflict"
        /// The bytes are not an image the decoder accepts (`library add` of a file that is no
        /// PNG or PNM, or a damaged one); nothing was changed.
        case undecodable = "undecodable image"
        /// The image file is larger than the configured limit; nothing was changed.
        case tooLarge = "image too large"
        /// A guard refused the operation (rollback while health is OK without --force).
        case refused = "refused"
        /// An integrity check failed: a snapshot that does not verify, a journal damaged
        /// before its tail, a replay that does not reproduce a state.
        case integrity = "integrity check failed"
        /// The journal could not be read or written.
        case journal = "journal error"
        /// A snapshot could not be read or written.
        case snapshot = "snapshot error"
        /// The engine is closed.
        case closed = "engine closed"
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

    /// A journal failure, keeping its one-line description.
    public init(_ error: JournalError) {
        self.init(error.code == .corrupt ? .integrity : .journal, "\(error)")
    }

    /// A snapshot failure, keeping its one-line description.
    public init(_ error: SnapshotError) {
        switch error.code {
        case .notFound: self.init(.notFound, "\(error)")
        case .io: self.init(.snapshot, "\(error)")
        default: self.init(.integrity, "\(error)")
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
