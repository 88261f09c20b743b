/// Why a response could not be read: what kind of problem, and a one-line reason.
public struct ResponseParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of problem, which callers act on differently.
    public enum Code: Sendable, Hashable {
        /// The bytes are not an HTTP/1.1 response (garbage, a bare LF, a bad field, bad framing).
        case malformed
        /// The head or the body is larger than the limits allow.
        case tooLarge
        /// The connection ended before any byte of a response came (a kept-alive connection the
        /// server closed while idle: the request may be sent again on a new one).
        case noResponse
        /// The connection ended in the middle of the response.
        case truncated
    }

    /// What kind of problem.
    public var code: Code
    /// What was wrong, in one line ("chunk data not followed by CRLF").
    public var reason: String

    /// A problem of kind `code` because of `reason`.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The reason, with what kind of problem it is when that is not plain from it.
    public var description: String {
        switch code {
        case .malformed: "malformed response: \(reason)"
        case .tooLarge, .noResponse, .truncated: reason
        }
    }
}
