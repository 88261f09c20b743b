import Foundation
import Glibc
import POSIX
import Synchronization

/// A listening socket on an ephemeral loopback port whose connections are handled by a script
/// on a thread of its own: a server that misbehaves on purpose (garbage, early close, stalls,
/// trickles), for testing a client against it.
// @unchecked Sendable: `listener` and `port` are set once in init; the thread only reads them.
final class HostilePeer: @unchecked Sendable {
    let port: UInt16
    private let listener: FileDescriptor
    private let kernel = Kernel.live
    private let isStopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// Accepts up to `connections` connections, one after the other, and runs `script` on each
    /// (with its index); the connection is closed when the script returns.
    init(connections: Int = 1, _ script: @escaping @Sendable (PeerSocket, Int) -> Void) throws {
        listener = try kernel.makeSocket(.ipv4)
        try kernel.bind(listener, to: .loopbackIPv4(port: 0))
        try kernel.listen(listener)
        port = try kernel.localAddress(of: listener).port
        Thread { [self] in
            defer { done.signal() }
            for index in 0..<connections {
                guard let socket = accept() else { return }
                let peer = PeerSocket(socket: socket, isStopping: { self.isStopping.load(ordering: .relaxed) })
                script(peer, index)
                peer.close()
            }
        }.start()
    }

    /// `http://127.0.0.1:PORT`.
    var url: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting, waits for the script to return, closes the listener.
    func stop() {
        isStopping.store(true, ordering: .relaxed)
        done.wait()
        try? kernel.close(listener)
    }

    private func accept() -> FileDescriptor? {
        while !isStopping.load(ordering: .relaxed) {
            var descriptors = [pollfd(fd: listener.rawValue, events: Int16(POLLIN), revents: 0)]
            guard (try? kernel.poll(&descriptors, timeoutMilliseconds: 50)) ?? 0 > 0 else { continue }
            if case .accepted(let socket, _)? = try? kernel.accept(listener) { return socket }
        }
        return nil
    }
}

/// One accepted connection of a `HostilePeer`, with blocking helpers bounded by the peer's stop.
final class PeerSocket: @unchecked Sendable {
    // @unchecked Sendable: used only by the peer's one thread.
    let socket: FileDescriptor
    private let kernel = Kernel.live
    private let isStopping: @Sendable () -> Bool
    private var isClosed = false
    private var received: [UInt8] = []

    init(socket: FileDescriptor, isStopping: @escaping @Sendable () -> Bool) {
        self.socket = socket
        self.isStopping = isStopping
    }

    /// Reads until a request head (and a `Content-Length` body) has arrived; returns its text,
    /// or nil if the client closed first or `timeout` passed.
    @discardableResult
    func readRequest(timeout: Duration = .seconds(5)) -> String? {
        let deadline = kernel.now(.monotonic) + timeout
        while kernel.now(.monotonic) < deadline {
            if let end = find(Array("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end], as: UTF8.self)
                let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count >= end + 4 + length {
                    received.removeFirst(end + 4 + length)
                    return head
                }
            }
            guard readSome(waiting: .milliseconds(50)) else { return nil }
        }
        return nil
    }

    /// Reads and discards until the client closes or `duration` passes (a lingering close).
    func drain(for duration: Duration) {
        let deadline = kernel.now(.monotonic) + duration
        while kernel.now(.monotonic) < deadline, readSome(waiting: .milliseconds(50)) { received = [] }
    }

    /// Sends all of `text`; false when the client has gone.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends all of `bytes`; false when the client has gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count, !isStopping() {
            var descriptors = [pollfd(fd: socket.rawValue, events: Int16(POLLOUT), revents: 0)]
            guard (try? kernel.poll(&descriptors, timeoutMilliseconds: 50)) ?? 0 > 0 else { continue }
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(SystemError) in try kernel.send(UnsafeRawBufferPointer(rebasing: raw[offset...]), to: socket) }
            }
            switch result {
            case .success(.bytes(let count)): offset += count
            case .success(.wouldBlock): continue
            case .failure: return false
            }
        }
        return offset == bytes.count
    }

    /// Waits `duration` (or until the peer stops).
    func pause(_ duration: Duration) {
        let deadline = kernel.now(.monotonic) + duration
        while kernel.now(.monotonic) < deadline, !isStopping() { usleep(10_000) }
    }

    /// Ends the sending side; the client reads end of stream.
    func shutdownWriting() { try? kernel.shutdown(socket, .writing) }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        try? kernel.close(socket)
    }

    /// One read after waiting up to `waiting` for readability; false at end of stream, on error or when stopping.
    private func readSome(waiting: Duration) -> Bool {
        if isStopping() { return false }
        var descriptors = [pollfd(fd: socket.rawValue, events: Int16(POLLIN), revents: 0)]
        guard (try? kernel.poll(&descriptors, timeoutMilliseconds: Int32(waiting.components.attoseconds / 1_000_000_000_000_000))) ?? 0 > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let result = buffer.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try kernel.read(from: socket, into: raw) } }
        switch result {
        case .success(.bytes(let count)):
            received += buffer.prefix(count)
            return true
        case .success(.wouldBlock): return true
        case .success(.endOfStream), .failure: return false
        }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard received.count >= needle.count else { return nil }
        return (0...(received.count - needle.count)).first { received[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
