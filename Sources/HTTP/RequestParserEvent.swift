/// What `RequestParser.next()` found in the bytes given so far.
public enum RequestParserEvent: Sendable, Hashable {
    /// A request's head; its body (if any) follows as `.body` events, then `.end`.
    case head(HTTPRequestHead)
    /// Some body bytes, in order (how they are split depends on how the bytes arrived).
    case body([UInt8])
    /// The request is complete; `trailers` are those of a chunked body (empty otherwise).
    case end(trailers: HTTPFields)
    /// The request is refused; the parser accepts nothing more (answer, then close).
    case failure(HTTPParseError)
}
