import Foundation
import POSIX

/// An HTTP/1.1 server: one epoll loop thread for all sockets, handlers on a worker pool.
///
/// ```swift
/// var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
/// let server = try HTTPServer.start(configuration) { request in
///     HTTPResponse(text: "hello \(request.path)")
/// }
/// print("listening on \(server.localAddress)")
/// await server.shutdown(gracePeriod: .seconds(5))
/// ```
///
/// Knows nothing of routes or the domain: every complete request goes to the one handler, and
/// the server does the rest — keep-alive, pipelining in order, 100-continue, HEAD, limits and
/// timeouts with the right status and a closed connection, the connection cap (503), graceful
/// shutdown. Sockets are written with `MSG_NOSIGNAL`, so a vanished client never raises SIGPIPE.
/// Signals (SIGTERM, SIGINT) are the caller's: catch them and call `shutdown`.
public final class HTTPServer: Sendable {
    /// What answers requests: called on a worker thread, once per request, in order per connection.
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    /// Where the server listens (with the real port when port 0 was asked for).
    public let localAddress: SocketAddress
    private let loop: ServerLoop

    private init(localAddress: SocketAddress, loop: ServerLoop) {
        self.localAddress = localAddress
        self.loop = loop
    }

    /// Binds, listens and starts serving on a new loop thread.
    ///
    /// Throws when the host is not a numeric address (`EINVAL`), the port is taken
    /// (`EADDRINUSE`), or a descriptor cannot be made.
    public static func start(_ configuration: HTTPServerConfiguration, kernel: Kernel = .live,
                             handler: @escaping Handler) throws(SystemError) -> HTTPServer {
        let host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host
        guard let address = SocketAddress(host: host, port: configuration.port) else {
            throw SystemError(code: .invalidArgument, operation: "listen on \(configuration.host) (a numeric IPv4 or IPv6 address is needed)")
        }
        var opened: [FileDescriptor] = []
        do {
            let listener = try kernel.makeSocket(address.family)
            opened.append(listener)
            try kernel.setOption(.reuseAddress, to: 1, on: listener)
            try kernel.bind(listener, to: address)
            try kernel.listen(listener, backlog: configuration.backlog)
            let local = try kernel.localAddress(of: listener)
            let epoll = try kernel.makeEpoll()
            opened.append(epoll)
            let wakeCounter = try kernel.makeEventCounter()
            opened.append(wakeCounter)
            try kernel.register(listener, with: epoll, for: .readable, data: 0)
            try kernel.register(wakeCounter, with: epoll, for: .readable, data: 1)
            let loop = ServerLoop(kernel: kernel, configuration: configuration, handler: handler,
                                  listener: listener, epoll: epoll, wakeCounter: wakeCounter)
            let thread = Thread { loop.run() }
            thread.name = "http-loop \(local)"
            thread.start()
            return HTTPServer(localAddress: local, loop: loop)
        } catch {
            for descriptor in opened.reversed() { try? kernel.close(descriptor) }
            throw error
        }
    }

    /// How many client connections are open (refused ones not counted).
    public var openConnectionCount: Int { loop.openConnections.load(ordering: .relaxed) }

    /// Stops accepting at once, lets requests under way finish for up to `gracePeriod`, then
    /// closes every connection; returns when the loop has ended. Idle connections close at once.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        loop.requestShutdown(grace: gracePeriod)
        await loop.waitUntilStopped()
    }

    /// Returns when the server has stopped (after `shutdown`).
    public func waitUntilStopped() async {
        await loop.waitUntilStopped()
    }
}
