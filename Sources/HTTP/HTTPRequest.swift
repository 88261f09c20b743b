import POSIX

/// A whole request as a handler sees it: the head, the body read in full, and any trailers.
///
/// The body is bounded by `HTTPLimits.bodyBytes` (413 beyond it), so holding it in memory is
/// bounded too: at most that limit per connection.
public struct HTTPRequest: Sendable, Hashable {
    /// The start line, header fields and framing.
    public var head: HTTPRequestHead
    /// The body bytes (empty when there was none).
    public var body: [UInt8]
    /// The trailer fields of a chunked body (empty otherwise).
    public var trailers: HTTPFields
    /// Who sent it, when known (nil for in-process requests).
    public var peer: SocketAddress?

    /// A request from its parts.
    public init(head: HTTPRequestHead, body: [UInt8] = [], trailers: HTTPFields = [:], peer: SocketAddress? = nil) {
        self.head = head
        self.body = body
        self.trailers = trailers
        self.peer = peer
    }

    /// The method.
    public var method: HTTPMethod { head.method }
    /// The target as sent.
    public var target: String { head.target }
    /// The target before any `?`.
    public var path: Substring { head.path }
    /// The target after the first `?`, or nil.
    public var query: Substring? { head.query }
    /// The header fields.
    public var fields: HTTPFields { head.fields }
}
