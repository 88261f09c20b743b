/// The status line and header fields of a response, as `ResponseParser` read them, with the
/// framing it worked out from them and the request they answer.
public struct HTTPResponseHead: Sendable, Hashable {
    /// How the response's body is delimited (RFC 9112 §6.3).
    public enum BodyFraming: Sendable, Hashable {
        /// No body: a HEAD request, a 204 or 304, or `Content-Length: 0`.
        case none
        /// Exactly this many bytes follow the head.
        case length(Int)
        /// Chunks follow, ended by a zero-size chunk and trailers.
        case chunked
        /// The body runs until the server closes the connection.
        case untilClose
    }

    /// HTTP/1.0 or HTTP/1.1.
    public var version: HTTPVersion
    /// The status code and reason phrase as sent.
    public var status: HTTPStatus
    /// The header fields.
    public var fields: HTTPFields
    /// How the body is delimited.
    public var framing: BodyFraming

    /// A head from its parts (tests; the parser fills `framing` itself).
    public init(version: HTTPVersion = .http1_1, status: HTTPStatus, fields: HTTPFields = [:], framing: BodyFraming = .none) {
        self.version = version
        self.status = status
        self.fields = fields
        self.framing = framing
    }

    /// Whether the connection may carry another request after this response: HTTP/1.1 unless
    /// the server says `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`, and
    /// never when the body runs until close.
    public var keepsAlive: Bool {
        if framing == .untilClose { return false }
        let tokens = fields.tokens(for: "Connection")
        if tokens.contains("close") { return false }
        return version == .http1_1 || tokens.contains("keep-alive")
    }
}
