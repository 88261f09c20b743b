/// How much of a request the server accepts before refusing it; every buffer a client can
/// fill is bounded by one of these.
public struct HTTPLimits: Sendable, Hashable {
    /// Longest request line, CRLF included; longer gets 414.
    public var requestLineBytes = 8 * 1024
    /// Largest header section (the field lines and the empty line that ends them); larger gets 431.
    public var headerSectionBytes = 32 * 1024
    /// Most header fields, and most trailer fields; more gets 431.
    public var headerFieldCount = 100
    /// Largest trailer section of a chunked body; larger gets 431.
    public var trailerSectionBytes = 8 * 1024
    /// Longest chunk-size line (size and ignored extensions); longer gets 400.
    public var chunkLineBytes = 4 * 1024
    /// Largest request body (declared by Content-Length, or the sum of the chunks); larger gets 413.
    public var bodyBytes = 64 * 1024 * 1024
    /// Most bytes of pipelined requests kept while a response is being produced; past it the
    /// connection stops reading until the response is done.
    public var pipelineBufferBytes = 64 * 1024

    /// The defaults above (the limits; body 64 MiB).
    public init() {}
}
