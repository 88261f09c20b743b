/// How long the server waits for a client before giving up on it.
public struct HTTPTimeouts: Sendable, Hashable {
    /// From the first byte of a request to the end of its header section; past it, 408 and close.
    public var header: Duration = .seconds(10)
    /// How long a kept-alive connection may sit with no request begun; past it, closed silently.
    public var idle: Duration = .seconds(60)
    /// The longest gap between two reads of a request body; past it, 408 and close.
    public var bodyProgress: Duration = .seconds(10)
    /// The longest a response may wait for the client to take any of its bytes; past it, closed.
    public var writeProgress: Duration = .seconds(30)
    /// After an error response, how long the server keeps reading (and discarding) before closing,
    /// so that the client reads the response instead of a reset.
    public var linger: Duration = .seconds(2)

    /// The defaults above.
    public init() {}
}
