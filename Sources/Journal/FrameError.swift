/// Why bytes could not be decoded as a segment header, frame or record.
///
/// Codecs throw this with the offset (relative to the bytes they were given) where the problem
/// starts; the reader and verifier turn it into a `JournalError` naming the segment file.
public struct FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem.
    public enum Code: String, Sendable {
        /// The magic bytes are wrong: not a segment or frame start.
        case badMagic = "bad magic"
        /// A format version or dictionary this code does not know.
        case unsupportedVersion = "unsupported format version"
        /// Reserved bits set or an unknown codec.
        case badFlags = "bad flags"
        /// A varint that is overlong, overflowing or not minimal.
        case malformedVarint = "malformed varint"
        /// A header field outside its documented bounds.
        case fieldOutOfBounds = "field out of bounds"
        /// The CRC-32 does not match the bytes.
        case checksumMismatch = "CRC-32 mismatch"
        /// The payload does not inflate to the declared bytes.
        case badPayload = "payload does not decode"
        /// A record inside the payload is malformed.
        case badRecord = "malformed record"
    }

    /// What kind of problem.
    public var code: Code
    /// Byte offset, relative to the decoded input, where the problem starts.
    public var offset: Int
    /// The specifics (which field, which value).
    public var detail: String

    /// A problem of kind `code` at `offset`.
    public init(_ code: Code, at offset: Int, _ detail: String) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
