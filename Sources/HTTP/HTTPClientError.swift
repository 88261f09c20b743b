/// Why `HTTPClient` got no usable response: what kind of failure, for which request, and why,
/// in one line a person can act on.
public struct HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of failure; callers (the monitor) treat them all as a failed check, and say which.
    public enum Code: Sendable, Hashable {
        /// The URL is not one the client can use.
        case invalidURL
        /// Nothing listens at the address (ECONNREFUSED).
        case connectionRefused
        /// The connection was not established within the connect timeout.
        case connectTimedOut
        /// The response was not complete within the request timeout.
        case timedOut
        /// The bytes that came back are not an HTTP/1.1 response.
        case malformedResponse
        /// The response is larger than the client's limits.
        case responseTooLarge
        /// The server closed or reset the connection before its response was complete.
        case connectionClosed
        /// Another network failure (no route, unreachable host, …).
        case network
    }

    /// What kind of failure.
    public var code: Code
    /// The URL given (for `.invalidURL`) or the endpoint.
    public var url: String
    /// The request, as `GET /health`, when one was under way.
    public var request: String?
    /// What happened and, where it helps, what to do.
    public var reason: String

    /// A failure of kind `code` for `request` to `url`.
    public init(_ code: Code, url: String, request: String? = nil, _ reason: String) {
        self.code = code
        self.url = url
        self.request = request
        self.reason = reason
    }

    /// `GET http://127.0.0.1:5001/health: connection refused: nothing listens at …`.
    public var description: String {
        let subject = request.map { request in
            let parts = request.split(separator: " ", maxSplits: 1)
            return parts.count == 2 ? "\(parts[0]) \(url)\(parts[1])" : request
        } ?? url
        return "\(subject): \(summary): \(reason)"
    }

    /// A few words naming the kind.
    public var summary: String {
        switch code {
        case .invalidURL: "invalid URL"
        case .connectionRefused: "connection refused"
        case .connectTimedOut: "connect timed out"
        case .timedOut: "timed out"
        case .malformedResponse: "malformed response"
        case .responseTooLarge: "response too large"
        case .connectionClosed: "connection closed early"
        case .network: "network error"
        }
    }
}
