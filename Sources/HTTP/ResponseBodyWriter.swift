/// Writes a streamed response body; given to the closure of `HTTPResponseBody.stream`.
///
/// Each `write` returns once the bytes are queued and the connection's backlog is small enough:
/// a producer can never run more than a few hundred KiB ahead of a slow client. When the client
/// has gone, `write` throws `ConnectionClosed`; the producer should stop.
public struct ResponseBodyWriter: Sendable {
    /// The client is gone (or the server closed the connection): nothing more can be sent.
    public struct ConnectionClosed: Error, Sendable, Hashable, CustomStringConvertible {
        /// A closed-connection error.
        public init() {}
        /// One line.
        public var description: String { "the connection closed before the response was complete" }
    }

    private let channel: ResponseChannel

    init(channel: ResponseChannel) { self.channel = channel }

    /// Sends `bytes` as the next piece of the body (an empty array sends nothing).
    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try channel.send(.body(bytes))
        try await channel.waitForRoom()
    }

    /// Sends `text` in UTF-8 as the next piece of the body.
    public func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }
}
