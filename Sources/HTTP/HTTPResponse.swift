/// What a handler answers: a status, fields, and a body given whole or streamed.
///
/// The server sets the framing itself: `Content-Length` for a whole body, chunked encoding for a
/// streamed one (or, to an HTTP/1.0 client, the body up to the close), and `Connection` and
/// `Date` (a handler's own `Date` is kept). A handler's `Content-Length`, `Transfer-Encoding` and
/// `Connection` fields are replaced — except that `Connection: close` from a handler closes the
/// connection after the response.
public struct HTTPResponse: Sendable {
    /// The status.
    public var status: HTTPStatus
    /// The fields (`Content-Type`, `X-Request-Id`…).
    public var fields: HTTPFields
    /// The body.
    public var body: HTTPResponseBody

    /// A response with `status`, `fields` and `body`.
    public init(status: HTTPStatus = .ok, fields: HTTPFields = [:], body: HTTPResponseBody = .bytes([])) {
        self.status = status
        self.fields = fields
        self.body = body
    }

    /// A response whose body is `text` in UTF-8, with `Content-Type: text/plain; charset=utf-8` unless `fields` name one.
    public init(status: HTTPStatus = .ok, fields: HTTPFields = [:], text: String) {
        var fields = fields
        if !fields.contains("Content-Type") { fields.append(name: "Content-Type", value: "text/plain; charset=utf-8") }
        self.init(status: status, fields: fields, body: .bytes(Array(text.utf8)))
    }
}

/// A response body: all its bytes at once, or written piece by piece while the response goes out.
public enum HTTPResponseBody: Sendable {
    /// The whole body (sent with `Content-Length`).
    case bytes([UInt8])
    /// A body the closure writes through the writer, sent chunked; the response ends when the
    /// closure returns. If it throws, the connection is closed without the last chunk, so the
    /// client sees a truncated body rather than a complete wrong one. Not run for HEAD.
    case stream(@Sendable (ResponseBodyWriter) async throws -> Void)
}
