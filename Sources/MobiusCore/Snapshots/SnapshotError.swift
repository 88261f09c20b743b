/// Why a snapshot cannot be written, read or trusted.
///
/// `description` is one line: what is wrong with which snapshot, and what to do.
public struct SnapshotError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem.
    public enum Code: String, Sendable {
        /// The file or its sidecar could not be read or written (see the message).
        case io = "I/O error"
        /// No snapshot with that id.
        case notFound = "no such snapshot"
        /// The sidecar is missing: the snapshot was never completed.
        case incomplete = "incomplete snapshot"
        /// The file's SHA-256 differs from its sidecar, or the state's from the header.
        case checksumMismatch = "checksum mismatch"
        /// The file does not start with the magic line, or its header is not readable.
        case malformedHeader = "malformed snapshot"
        /// Written by a format or projection versions this code does not use.
        case versionMismatch = "version mismatch"
        /// The header's chain value is not the journal's at that seq (another journal, or an
        /// edited one).
        case chainMismatch = "chain mismatch"
        /// Replaying the journal to the snapshot's seq gave another state.
        case stateMismatch = "state mismatch"
    }

    /// What kind of problem.
    public var code: Code
    /// The specifics and what to do.
    public var message: String
    /// The snapshot concerned (its id), if known.
    public var snapshot: String?

    /// An error of kind `code`.
    public init(_ code: Code, _ message: String, snapshot: String? = nil) {
        self.code = code
        self.message = message
        self.snapshot = snapshot
    }

    public var description: String {
        "\(code.rawValue)\(snapshot.map { " [\($0)]" } ?? ""): \(message)"
    }
}
