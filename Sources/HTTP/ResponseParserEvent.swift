/// What `ResponseParser.next()` found in the bytes given so far.
public enum ResponseParserEvent: Sendable, Hashable {
    /// The final response's head (informational 1xx heads are skipped); its body, if any,
    /// follows as `.body` events, then `.end`.
    case head(HTTPResponseHead)
    /// Some body bytes, in order (how they are split depends on how the bytes arrived).
    case body([UInt8])
    /// The response is complete; `trailers` are those of a chunked body (empty otherwise).
    case end(trailers: HTTPFields)
    /// The response cannot be read; the parser accepts nothing more (close the connection).
    case failure(ResponseParseError)
}
