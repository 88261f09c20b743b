/// The start line and header fields of a request, as the parser read them, with the framing it
/// worked out from them.
public struct HTTPRequestHead: Sendable, Hashable {
    /// How the request's body is delimited (RFC 9112 §6.3).
    public enum BodyFraming: Sendable, Hashable {
        /// No body: neither Content-Length nor Transfer-Encoding.
        case none
        /// Exactly this many bytes follow the head (Content-Length).
        case length(Int)
        /// Chunks follow, ended by a zero-size chunk and trailers (Transfer-Encoding: chunked).
        case chunked
    }

    /// The method (`GET`).
    public var method: HTTPMethod
    /// The request target as sent (`/api/library?at=…`); origin form for everything but `OPTIONS *` and proxies.
    public var target: String
    /// HTTP/1.0 or HTTP/1.1.
    public var version: HTTPVersion
    /// The header fields.
    public var fields: HTTPFields
    /// How the body is delimited.
    public var framing: BodyFraming

    /// A head from its parts (tests and in-process callers; the parser fills `framing` itself).
    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
                fields: HTTPFields = [:], framing: BodyFraming = .none) {
        self.method = method
        self.target = target
        self.version = version
        self.fields = fields
        self.framing = framing
    }

    /// The target before any `?`; of an absolute-form target (`http://host/health`, which a
    /// server must accept, RFC 9112 §3.2.2), the path after the authority (`/` when it has none).
    public var path: Substring {
        let beforeQuery = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        for scheme in ["http://", "https://"] where beforeQuery.lowercased().hasPrefix(scheme) {
            let authorityAndPath = beforeQuery.dropFirst(scheme.count)
            guard let slash = authorityAndPath.firstIndex(of: "/") else { return "/" }
            return authorityAndPath[slash...]
        }
        return beforeQuery
    }

    /// The target after the first `?`, or nil when there is none.
    public var query: Substring? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return target[target.index(after: mark)...]
    }

    /// Whether the client wants the connection kept after this request: HTTP/1.1 unless it says
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var wantsKeepAlive: Bool {
        let tokens = fields.tokens(for: "Connection")
        if tokens.contains("close") { return false }
        return version == .http1_1 || tokens.contains("keep-alive")
    }

    /// What the `Expect` field asks for: nothing, `100-continue`, or something this server does not
    /// know (answered 417). HTTP/1.0 expectations are ignored, as RFC 9110 §10.1.1 requires.
    public var expectation: Expectation {
        guard version == .http1_1, fields.contains("Expect") else { return .none }
        let tokens = fields.tokens(for: "Expect")
        return tokens == ["100-continue"] ? .continue : .unknown
    }

    /// The expectations a request can carry.
    public enum Expectation: Sendable, Hashable {
        /// No `Expect` field.
        case none
        /// `Expect: 100-continue`: the client waits for a 100 before sending the body.
        case `continue`
        /// Anything else: the server cannot meet it (417).
        case unknown
    }

    /// Whether a body follows the head.
    public var hasBody: Bool {
        switch framing {
        case .none, .length(0): return false
        case .length, .chunked: return true
        }
    }
}
