#if canImport(Glibc)
import Glibc
#endif

/// Streams: one read or write at a time on sockets, pipes, eventfds and inotify descriptors.
///
/// These make one transfer and report what happened, short or not: on a non-blocking descriptor
/// the caller (an event loop) keeps what is left and waits for readiness. Sockets are written
/// with `send(_:to:)`, not `write(to:_:)`: see there.
extension Kernel {
    /// Reads what is available into `buffer` (one `read`).
    ///
    /// EAGAIN is `.wouldBlock`; 0 bytes is `.endOfStream` (`buffer` must not be empty); a reset
    /// connection (ECONNRESET) is thrown.
    public func read(from fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> ReadOutcome {
        precondition(!buffer.isEmpty, "read into an empty buffer cannot tell data from the end of the stream")
        switch invoke("read", on: fd, { calls.read(fd.rawValue, buffer) }) {
        case .success(0): return .endOfStream
        case .success(let count):
            precondition(count <= buffer.count, "read reported \(count) bytes into \(buffer.count)")
            return .bytes(count)
        case .failure(.wouldBlock): return .wouldBlock
        case .failure(let code): throw SystemError(code: code, operation: "read", descriptor: fd)
        }
    }

    /// Writes what fits of `bytes` (one `write`) to a pipe, eventfd or file opened for appending.
    ///
    /// Not for sockets: `write` to a socket whose peer has gone raises SIGPIPE, which kills the
    /// process; `send(_:to:)` asks for EPIPE instead.
    public func write(to fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> WriteOutcome {
        try written("write", fd, invoke("write", on: fd) { calls.write(fd.rawValue, bytes) }, limit: bytes.count)
    }

    /// Writes what fits of `buffers`, in order, in one `writev` (pipes; for sockets see `send(gathering:to:)`).
    ///
    /// At most `IOV_MAX` (1024) buffers go in one call; the count says how far it got.
    public func write(to fd: FileDescriptor, gathering buffers: [UnsafeRawBufferPointer]) throws(SystemError) -> WriteOutcome {
        let limit = buffers.prefix(Kernel.vectorLimit).reduce(0) { $0 + $1.count }
        let result = Kernel.withVectors(buffers) { vectors in invoke("writev", on: fd) { calls.writev(fd.rawValue, vectors) } }
        return try written("writev", fd, result, limit: limit)
    }

    /// Creates a pipe (close-on-exec; non-blocking unless asked otherwise): bytes written to
    /// `writing` come out of `reading`.
    public func makePipe(isNonBlocking: Bool = true) throws(SystemError) -> (reading: FileDescriptor, writing: FileDescriptor) {
        let ends = try invoke("pipe2") { calls.pipe2(O_CLOEXEC | (isNonBlocking ? O_NONBLOCK : 0)) }
            .orThrow { SystemError(code: $0, operation: "pipe2") }
        return (FileDescriptor(rawValue: ends.0), FileDescriptor(rawValue: ends.1))
    }

    /// Most buffers one `writev`/`sendmsg` takes (`IOV_MAX` on Linux).
    static let vectorLimit = 1024

    /// Runs `body` with `iovec`s for the first `vectorLimit` of `buffers`.
    static func withVectors<Value>(_ buffers: [UnsafeRawBufferPointer], _ body: (UnsafeBufferPointer<iovec>) -> Value) -> Value {
        let vectors = buffers.prefix(vectorLimit).map { buffer in
            iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress), iov_len: buffer.count)
        }
        return vectors.withUnsafeBufferPointer(body)
    }

    /// The outcome of a write-like call that could take at most `limit` bytes.
    func written(_ operation: String, _ fd: FileDescriptor, _ result: Result<Int, Errno>, limit: Int) throws(SystemError) -> WriteOutcome {
        switch result {
        case .success(let count):
            precondition(count <= limit, "\(operation) reported \(count) bytes written of \(limit)")
            return .bytes(count)
        case .failure(.wouldBlock): return .wouldBlock
        case .failure(let code): throw SystemError(code: code, operation: operation, descriptor: fd)
        }
    }
}
