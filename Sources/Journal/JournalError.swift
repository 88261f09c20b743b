/// Anything that goes wrong opening, writing or reading a journal.
///
/// `description` is one line a person can act on: what happened, where (segment file, byte
/// offset, seq range) and what to do.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// An `EventDraft` field is invalid; nothing was written.
        case invalidEvent = "invalid event"
        /// Another process holds the writer lock.
        case locked = "journal locked"
        /// A system call failed (see `errno`).
        case io = "I/O error"
        /// The journal is damaged before its tail; it cannot be opened for writing.
        case corrupt = "journal damaged"
        /// A write or sync failed earlier; this writer accepts nothing more.
        case writerFailed = "writer stopped"
        /// The writer was closed.
        case closed = "writer closed"
        /// An async append's task was cancelled before its events were queued; nothing was written.
        case cancelled = "append cancelled"
        /// The folder holds no journal, or files that are not segments.
        case notAJournal = "not a journal"
        /// A seq past the last event the journal holds; the message names the head.
        case beyondHead = "seq beyond the head"
        /// A value the caller passed cannot be used (a target folder that is not empty, an
        /// admin URL that is not http(s)); nothing was changed.
        case invalidArgument = "invalid argument"
    }

    /// What kind of failure.
    public var code: Code
    /// The specifics, with what to do.
    public var message: String
    /// The file concerned, if any.
    public var path: String?
    /// Byte offset in `path`, if known.
    public var offset: Int?
    /// Seqs concerned, if known.
    public var seqRange: ClosedRange<UInt64>?
    /// The errno of a failed system call.
    public var errno: Int32?

    /// An error of kind `code` with context.
    public init(_ code: Code, _ message: String, path: String? = nil, offset: Int? = nil,
                seqRange: ClosedRange<UInt64>? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.seqRange = seqRange
        self.errno = errno
    }

    public var description: String {
        var where_ = ""
        if let path { where_ += " [\(path)" + (offset.map { " at byte \($0)" } ?? "") + "]" }
        if let seqRange { where_ += " [seq \(seqRange.lowerBound)…\(seqRange.upperBound)]" }
        return "\(code.rawValue)\(where_): \(message)"
    }
}
