/// A complete response `HTTPClient` received: head, whole body and any trailers.
public struct HTTPClientResponse: Sendable, Hashable {
    /// The status line and fields.
    public var head: HTTPResponseHead
    /// The body, decoded from its framing (chunks joined).
    public var body: [UInt8]
    /// The trailers of a chunked body (empty otherwise).
    public var trailers: HTTPFields

    /// A response from its parts.
    public init(head: HTTPResponseHead, body: [UInt8] = [], trailers: HTTPFields = [:]) {
        self.head = head
        self.body = body
        self.trailers = trailers
    }

    /// The status.
    public var status: HTTPStatus { head.status }

    /// The header fields.
    public var fields: HTTPFields { head.fields }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }
}
