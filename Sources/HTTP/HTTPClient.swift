#if canImport(Glibc)
import Glibc
#endif
import POSIX

/// A small blocking HTTP/1.1 client on the POSIX funnel, for the service's own tools (`smoke`,
/// `monitor`): one connection to one endpoint, kept alive between requests, every request
/// bounded in time and size.
///
/// - **Timeouts**: connecting must finish within `connectTimeout`, and the whole request —
///   connecting, sending, and the last byte of the response — within `requestTimeout`. A
///   server that stalls, trickles or never answers costs at most that.
/// - **Size**: the response is read by `ResponseParser` under its `limits` (head 64 KiB, body
///   16 MiB by default); past them the request fails and the connection is dropped.
/// - **Keep-alive**: the connection is kept when the response allows it and reused by the next
///   request. When a reused connection turns out to have been closed by the server while idle
///   (no byte of a response came back, or the send was reset), the request is sent once more on
///   a new connection, as curl and browsers do: the server closes only connections with no
///   request under way, so nothing it acted on is repeated.
/// - **Errors** are `HTTPClientError`s saying which request failed and why: refused, timed out,
///   malformed, too large, closed early. A response with any status is a response, not an error.
///
/// Not `Sendable`: one thread uses a client at a time (each tool owns its own).
public final class HTTPClient {
    /// How long and how much.
    public struct Configuration: Sendable, Hashable {
        /// The longest connecting may take.
        public var connectTimeout: Duration = .seconds(5)
        /// The longest a whole request may take, connecting included.
        public var requestTimeout: Duration = .seconds(10)
        /// The bounds on a response.
        public var limits = ResponseParser.Limits()
        /// Whether to keep the connection between requests (false sends `Connection: close`).
        public var keepsAlive = true

        /// The defaults above.
        public init() {}
    }

    /// Where requests go.
    public let endpoint: HTTPEndpoint
    /// The timeouts and limits.
    public var configuration: Configuration
    private let kernel: Kernel
    private var socket: FileDescriptor?

    /// How many connections this client has opened (tests check reuse with it).
    public private(set) var connectionsOpened = 0

    /// A client for `endpoint`; nothing is connected until the first request.
    public init(endpoint: HTTPEndpoint, configuration: Configuration = Configuration()) {
        self.endpoint = endpoint
        self.configuration = configuration
        kernel = .live
    }

    /// A client whose system calls go through `kernel` (tests inject faults).
    package init(endpoint: HTTPEndpoint, configuration: Configuration = Configuration(), kernel: Kernel) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.kernel = kernel
    }

    deinit { close() }

    /// `GET path` (which starts with `/`, under the endpoint's base path).
    public func get(_ path: String, fields: HTTPFields = [:]) throws(HTTPClientError) -> HTTPClientResponse {
        try send(.get, path, fields: fields)
    }

    /// `POST path` with `body`, as `contentType`.
    public func post(_ path: String, body: [UInt8], contentType: String = "application/json",
                     fields: HTTPFields = [:]) throws(HTTPClientError) -> HTTPClientResponse {
        var fields = fields
        fields.set("Content-Type", to: contentType)
        return try send(.post, path, fields: fields, body: body)
    }

    /// Sends one request and reads its whole response. `Host`, `Content-Length` (for a body, and
    /// for POST and PUT always) and `Connection: close` (when not keeping alive) are added;
    /// CR and LF in field values are replaced by spaces.
    public func send(_ method: HTTPMethod, _ path: String, fields: HTTPFields = [:], body: [UInt8] = []) throws(HTTPClientError) -> HTTPClientResponse {
        let start = kernel.now(.monotonic)
        let deadline = start + configuration.requestTimeout
        let request = requestBytes(method, path, fields: fields, body: body)
        // The error's description puts the endpoint (base path included) before the path.
        let label = "\(method.rawValue) \(path)"
        let isReused = socket != nil
        do {
            return try exchange(request, method: method, label: label, deadline: deadline)
        } catch where error.isRetryable && isReused {
            do {
                return try exchange(request, method: method, label: label, deadline: deadline)
            } catch {
                throw error.error
            }
        } catch {
            throw error.error
        }
    }

    /// Closes the connection, if one is open.
    public func close() {
        guard let socket else { return }
        self.socket = nil
        try? kernel.close(socket)
    }

    // MARK: One exchange

    /// Why an exchange failed, and whether it failed before any byte of a response came (worth
    /// one retry on a new connection when the old one was reused).
    private struct ExchangeFailure: Error {
        var error: HTTPClientError
        var isRetryable = false
    }

    /// Connects if needed, sends `request`, reads the response. On any failure the connection is closed.
    private func exchange(_ request: [UInt8], method: HTTPMethod, label: String, deadline: Duration) throws(ExchangeFailure) -> HTTPClientResponse {
        let socket: FileDescriptor
        if let open = self.socket {
            socket = open
        } else {
            do throws(HTTPClientError) {
                socket = try connect(label: label, deadline: deadline)
            } catch {
                throw ExchangeFailure(error: error)
            }
            self.socket = socket
        }
        var parser = ResponseParser(requestMethod: method, limits: configuration.limits)
        var response: HTTPClientResponse?
        var body: [UInt8] = []
        var sent = 0
        var canSend = true
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        func fail(_ code: HTTPClientError.Code, _ reason: String, isRetryable: Bool = false) -> ExchangeFailure {
            close()
            return ExchangeFailure(error: HTTPClientError(code, url: endpoint.description, request: label, reason), isRetryable: isRetryable)
        }
        while true {
            // Drain what the parser can give.
            while let event = parser.next() {
                switch event {
                case .head(let head): response = HTTPClientResponse(head: head)
                case .body(let bytes): body += bytes
                case .end(let trailers):
                    guard var complete = response else { preconditionFailure("a response ended before its head") }
                    complete.body = body
                    complete.trailers = trailers
                    // A response that came before the request was all sent, or with bytes after
                    // it, leaves the connection in an unknown state: it is not reused.
                    if !complete.head.keepsAlive || !configuration.keepsAlive || parser.bufferedByteCount > 0 || sent < request.count {
                        close()
                    }
                    return complete
                case .failure(let error):
                    switch error.code {
                    case .noResponse: throw fail(.connectionClosed, error.reason, isRetryable: true)
                    case .truncated: throw fail(.connectionClosed, error.reason)
                    case .tooLarge: throw fail(.responseTooLarge, error.reason)
                    case .malformed: throw fail(.malformedResponse, error.reason)
                    }
                }
            }
            let left = deadline - kernel.now(.monotonic)
            guard left > .zero else {
                throw fail(.timedOut, "no complete response within \(configuration.requestTimeout) (\(response == nil ? "no head yet" : "\(body.count) body bytes so far"))")
            }
            let wantsToSend = canSend && sent < request.count
            var descriptors = [pollfd(fd: socket.rawValue, events: Int16(POLLIN) | (wantsToSend ? Int16(POLLOUT) : 0), revents: 0)]
            do {
                _ = try kernel.poll(&descriptors, timeoutMilliseconds: Kernel.milliseconds(roundingUp: left))
            } catch {
                throw fail(.network, "\(error)")
            }
            let ready = descriptors[0].revents
            if ready == 0 { continue }
            if wantsToSend, ready & Int16(POLLOUT) != 0 {
                let outcome = request.withUnsafeBytes { raw in
                    Result { () throws(SystemError) in try kernel.send(UnsafeRawBufferPointer(rebasing: raw[sent...]), to: socket) }
                }
                switch outcome {
                case .success(.bytes(let count)): sent += count
                case .success(.wouldBlock): break
                case .failure(let error) where error.code == .brokenPipe || error.code == .connectionReset:
                    // The server stopped reading; it may still have answered (a 413 before the body).
                    canSend = false
                    if sent == 0 { throw fail(.connectionClosed, "the server closed the connection before the request was sent", isRetryable: true) }
                case .failure(let error):
                    throw fail(.network, "\(error)")
                }
            }
            if ready & (Int16(POLLIN) | Int16(POLLHUP) | Int16(POLLERR)) != 0 {
                let outcome = buffer.withUnsafeMutableBytes { raw in
                    Result { () throws(SystemError) in try kernel.read(from: socket, into: raw) }
                }
                switch outcome {
                case .success(.bytes(let count)): parser.append(buffer[..<count])
                case .success(.endOfStream): parser.receivedEndOfStream()
                case .success(.wouldBlock): break
                case .failure(let error) where error.code == .connectionReset:
                    if response == nil && parser.bufferedByteCount == 0 {
                        throw fail(.connectionClosed, "the server reset the connection without answering", isRetryable: true)
                    }
                    throw fail(.connectionClosed, "the server reset the connection in the middle of its response")
                case .failure(let error):
                    throw fail(.network, "\(error)")
                }
            }
        }
    }

    /// A new non-blocking connection to the endpoint, established within the connect timeout
    /// (and the request's deadline).
    private func connect(label: String, deadline: Duration) throws(HTTPClientError) -> FileDescriptor {
        let connectDeadline = min(deadline, kernel.now(.monotonic) + configuration.connectTimeout)
        let address = endpoint.address
        func failure(_ error: SystemError) -> HTTPClientError {
            switch error.code {
            case .connectionRefused:
                return HTTPClientError(.connectionRefused, url: endpoint.description, request: label,
                                       "nothing listens at \(address); check that the server runs and the host and port are right")
            case .timedOut:
                return HTTPClientError(.connectTimedOut, url: endpoint.description, request: label, "no answer from \(address): \(error.advice)")
            default:
                return HTTPClientError(.network, url: endpoint.description, request: label, "\(error)")
            }
        }
        let socket: FileDescriptor
        do {
            socket = try kernel.makeSocket(address.family, isNonBlocking: true)
        } catch {
            throw failure(error)
        }
        let isConnected: Bool
        do throws(SystemError) {
            let isImmediate = try kernel.connect(socket, to: address)
            isConnected = try isImmediate ? true : waitUntilConnected(socket, deadline: connectDeadline)
        } catch {
            try? kernel.close(socket)
            throw failure(error)
        }
        guard isConnected else {
            try? kernel.close(socket)
            throw HTTPClientError(.connectTimedOut, url: endpoint.description, request: label,
                                  "not connected to \(address) within \(configuration.connectTimeout); check that the host is up and reachable")
        }
        try? kernel.setOption(.noDelay, to: 1, on: socket)
        connectionsOpened += 1
        return socket
    }

    /// Waits until a connect under way finishes (true) or `deadline` passes (false); the
    /// connect's failure is thrown as the `SystemError` a read of the socket reports (the
    /// funnel has no `getsockopt`).
    private func waitUntilConnected(_ socket: FileDescriptor, deadline: Duration) throws(SystemError) -> Bool {
        while true {
            let left = deadline - kernel.now(.monotonic)
            guard left > .zero else { return false }
            var descriptors = [pollfd(fd: socket.rawValue, events: Int16(POLLOUT), revents: 0)]
            guard try kernel.poll(&descriptors, timeoutMilliseconds: Kernel.milliseconds(roundingUp: left)) > 0 else { continue }
            if descriptors[0].revents & (Int16(POLLERR) | Int16(POLLHUP)) == 0 { return true }
            var probe = [UInt8](repeating: 0, count: 1)
            let outcome = probe.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try kernel.read(from: socket, into: raw) } }
            if case .failure(let error) = outcome { throw error }
            throw SystemError(code: .connectionRefused, operation: "connect", address: endpoint.address)
        }
    }

    /// The request's bytes: request line, fields, framing, body.
    private func requestBytes(_ method: HTTPMethod, _ path: String, fields: HTTPFields, body: [UInt8]) -> [UInt8] {
        var text = "\(method.rawValue) \(endpoint.target(path)) HTTP/1.1\r\nHost: \(endpoint.hostField)\r\n"
        for field in fields where !["host", "content-length", "transfer-encoding", "connection"].contains(field.name.lowercased()) {
            text += "\(field.name): \(ResponseSerializer.sanitized(field.value))\r\n"
        }
        if !fields.contains("User-Agent") { text += "User-Agent: mobius-dhash\r\n" }
        if !body.isEmpty || method == .post || method == .put { text += "Content-Length: \(body.count)\r\n" }
        if !configuration.keepsAlive { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }
}
