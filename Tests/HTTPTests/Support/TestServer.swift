import HTTP
import POSIX

/// Starts a server on an ephemeral loopback port with small timeouts, runs `body`, shuts it down.
func withServer(limits: HTTPLimits = HTTPLimits(), maxConnections: Int = 64, kernel: Kernel = .live,
                configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                handler: @escaping HTTPServer.Handler = echoHandler,
                _ body: (HTTPServer) async throws -> Void) async throws {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configuration.limits = limits
    configuration.maxConnections = maxConnections
    configuration.timeouts.header = .seconds(3)
    configuration.timeouts.bodyProgress = .seconds(3)
    configuration.timeouts.idle = .seconds(5)
    configuration.timeouts.linger = .milliseconds(300)
    configure(&configuration)
    let server = try HTTPServer.start(configuration, kernel: kernel, handler: handler)
    do {
        try await body(server)
    } catch {
        await server.shutdown(gracePeriod: .milliseconds(200))
        throw error
    }
    await server.shutdown(gracePeriod: .milliseconds(500))
}

/// Answers "METHOD TARGET body-bytes" with the body echoed after a newline.
let echoHandler: HTTPServer.Handler = { request in
    HTTPResponse(text: "\(request.method) \(request.target) \(request.body.count)\n" + String(decoding: request.body, as: UTF8.self))
}

extension HTTPServer {
    var port: UInt16 { localAddress.port }
}

import Synchronization

/// A flag set from a handler and read by the test.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

/// A count bumped from any thread (syscall wrappers, handlers) and read by the test.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}
