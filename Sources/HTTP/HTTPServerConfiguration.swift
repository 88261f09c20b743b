import POSIX
/// Where a server listens and how it treats clients.
public struct HTTPServerConfiguration: Sendable {
    /// The numeric address to listen on ("127.0.0.1", "::1", "0.0.0.0"; "localhost" means 127.0.0.1).
    public var host = "127.0.0.1"
    /// The port; 0 lets the kernel pick a free one (read it from `HTTPServer.localAddress`).
    public var port: UInt16 = 5001
    /// Request size limits.
    public var limits = HTTPLimits()
    /// Client timeouts.
    public var timeouts = HTTPTimeouts()
    /// Most connections served at once; beyond it a new connection gets 503 and is closed.
    public var maxConnections = 1024
    /// The listen queue length.
    public var backlog: Int32 = 511
    /// The threads that run handlers.
    public var workers: WorkerPool = .shared
    /// How the server answers what it refuses itself, before any handler sees it (a malformed
    /// request, a limit or timeout, the connection cap): plain text unless set.
    public var refusalFormat: ResponseSerializer.RefusalFormat = ResponseSerializer.plainTextRefusal

    /// The defaults: 127.0.0.1:5001, the limits and timeouts of the issue, 1024 connections.
    public init() {}

    /// The defaults, listening on `host`:`port`.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }
}
