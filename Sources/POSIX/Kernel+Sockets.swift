#if canImport(Glibc)
import Glibc
#endif

/// Sockets: create, configure, bind, listen, accept, connect, send, shut down.
///
/// Reading a socket is `read(from:into:)` (Kernel+Streams). Sockets are made non-blocking by
/// default, because the service drives them from an epoll loop; every one is close-on-exec.
extension Kernel {
    /// The kind of socket.
    public enum SocketKind: Sendable, Hashable {
        /// `SOCK_STREAM` (TCP).
        case stream
        /// `SOCK_DGRAM` (UDP).
        case datagram
    }

    /// Which side of a connection `shutdown` ends.
    public enum ShutdownDirection: Sendable, Hashable {
        /// `SHUT_RD`: no more reading.
        case reading
        /// `SHUT_WR`: no more writing; the peer reads end of stream.
        case writing
        /// `SHUT_RDWR`: both.
        case both
    }

    /// Creates a socket (close-on-exec; non-blocking unless asked otherwise).
    public func makeSocket(_ family: SocketAddress.Family, _ kind: SocketKind = .stream,
                           isNonBlocking: Bool = true) throws(SystemError) -> FileDescriptor {
        var type = kind == .stream ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        type |= Int32(SOCK_CLOEXEC.rawValue) | (isNonBlocking ? Int32(SOCK_NONBLOCK.rawValue) : 0)
        let fd = try invoke("socket") { calls.socket(family.domain, type, 0) }
            .orThrow { SystemError(code: $0, operation: "socket") }
        return FileDescriptor(rawValue: fd)
    }

    /// Sets an integer socket option (`setsockopt`), e.g. `.reuseAddress` to 1.
    public func setOption(_ option: SocketOption, to value: Int32, on socket: FileDescriptor) throws(SystemError) {
        var value = value
        let result = withUnsafeBytes(of: &value) { raw in
            invoke("setsockopt", on: socket) { calls.setsockopt(socket.rawValue, option.level, option.name, raw) }
        }
        try result.orThrow { SystemError(code: $0, operation: "setsockopt \(option)", descriptor: socket) }
    }

    /// Binds `socket` to `address`; port 0 lets the kernel choose (read it with `localAddress(of:)`).
    ///
    /// EADDRINUSE (the port is taken) is thrown with advice saying so.
    public func bind(_ socket: FileDescriptor, to address: SocketAddress) throws(SystemError) {
        try address.withSockaddr { pointer, length in invoke("bind", on: socket) { calls.bind(socket.rawValue, pointer, length) } }
            .orThrow { SystemError(code: $0, operation: "bind", address: address, descriptor: socket) }
    }

    /// Starts accepting connections on a bound stream socket, queueing up to `backlog` of them.
    public func listen(_ socket: FileDescriptor, backlog: Int32 = SOMAXCONN) throws(SystemError) {
        try invoke("listen", on: socket) { calls.listen(socket.rawValue, backlog) }
            .orThrow { SystemError(code: $0, operation: "listen", descriptor: socket) }
    }

    /// Takes one waiting connection (`accept4`), its socket non-blocking and close-on-exec.
    ///
    /// `.wouldBlock` when none is waiting (on a non-blocking listener). A connection reset before
    /// it was taken (ECONNABORTED) is skipped and the next one taken. EMFILE/ENFILE are thrown:
    /// the caller should stop accepting for a moment rather than spin.
    public func accept(_ listener: FileDescriptor) throws(SystemError) -> AcceptOutcome {
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let result = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    withUnsafeMutablePointer(to: &length) { length in
                        invoke("accept4", on: listener) { calls.accept4(listener.rawValue, address, length, flags) }
                    }
                }
            }
            switch result {
            case .success(let fd): return .accepted(FileDescriptor(rawValue: fd), peer: SocketAddress(storage: storage))
            case .failure(.wouldBlock): return .wouldBlock
            case .failure(.connectionAborted): continue
            case .failure(let code): throw SystemError(code: code, operation: "accept4", descriptor: listener)
            }
        }
    }

    /// Connects `socket` to `address`; returns true when connected, false when a non-blocking
    /// connect is under way (EINPROGRESS) — wait for writability, then the socket's first
    /// read or send reports any failure.
    ///
    /// EINTR is not retried: the connection proceeds in the background (a retry would fail with
    /// EALREADY), so it is reported as under way, like EINPROGRESS.
    public func connect(_ socket: FileDescriptor, to address: SocketAddress) throws(SystemError) -> Bool {
        let result = address.withSockaddr { pointer, length in
            invoke("connect", on: socket, retriesInterrupts: false) { calls.connect(socket.rawValue, pointer, length) }
        }
        switch result {
        case .success: return true
        case .failure(.inProgress), .failure(.interrupted): return false
        case .failure(let code): throw SystemError(code: code, operation: "connect", address: address, descriptor: socket)
        }
    }

    /// The address `socket` is bound to (`getsockname`): how to learn the port the kernel chose for port 0.
    public func localAddress(of socket: FileDescriptor) throws(SystemError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                withUnsafeMutablePointer(to: &length) { length in
                    invoke("getsockname", on: socket) { calls.getsockname(socket.rawValue, address, length) }
                }
            }
        }
        try result.orThrow { SystemError(code: $0, operation: "getsockname", descriptor: socket) }
        guard let address = SocketAddress(storage: storage) else {
            throw SystemError(code: .notSupported, operation: "getsockname", descriptor: socket)
        }
        return address
    }

    /// Sends what fits of `bytes` (one `send` with `MSG_NOSIGNAL`).
    ///
    /// A peer that has gone is thrown as EPIPE or ECONNRESET — never SIGPIPE, which would kill the process.
    public func send(_ bytes: UnsafeRawBufferPointer, to socket: FileDescriptor) throws(SystemError) -> WriteOutcome {
        let flags = Int32(MSG_NOSIGNAL)
        return try written("send", socket, invoke("send", on: socket) { calls.send(socket.rawValue, bytes, flags) }, limit: bytes.count)
    }

    /// Sends what fits of `buffers`, in order, in one `sendmsg` with `MSG_NOSIGNAL` (a `writev` that cannot raise SIGPIPE).
    ///
    /// At most 1024 buffers (`IOV_MAX`) go in one call; the count says how far it got.
    public func send(gathering buffers: [UnsafeRawBufferPointer], to socket: FileDescriptor) throws(SystemError) -> WriteOutcome {
        let flags = Int32(MSG_NOSIGNAL)
        let limit = buffers.prefix(Kernel.vectorLimit).reduce(0) { $0 + $1.count }
        let result = Kernel.withVectors(buffers) { vectors in
            invoke("sendmsg", on: socket) { calls.sendmsg(socket.rawValue, vectors, flags) }
        }
        return try written("sendmsg", socket, result, limit: limit)
    }

    /// Ends reading, writing or both on a connected socket (the descriptor stays open; close it after).
    public func shutdown(_ socket: FileDescriptor, _ direction: ShutdownDirection) throws(SystemError) {
        let how: Int32
        switch direction {
        case .reading: how = Int32(SHUT_RD)
        case .writing: how = Int32(SHUT_WR)
        case .both: how = Int32(SHUT_RDWR)
        }
        try invoke("shutdown", on: socket) { calls.shutdown(socket.rawValue, how) }
            .orThrow { SystemError(code: $0, operation: "shutdown", descriptor: socket) }
    }
}
