import Foundation
import Glibc
import POSIX

/// A blocking client socket for tests, through the project's syscall funnel; reads wait with poll and a deadline.
// @unchecked Sendable: each test uses a client from one task at a time.
final class TestClient: @unchecked Sendable {
    let socket: FileDescriptor
    private let kernel = Kernel.live
    private var isClosed = false

    init(port: UInt16) throws {
        socket = try kernel.makeSocket(.ipv4, isNonBlocking: false)
        _ = try kernel.connect(socket, to: .loopbackIPv4(port: port))
    }

    deinit { close() }

    /// Sends all of `bytes`; false if the server has closed (EPIPE/ECONNRESET).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(SystemError) in try kernel.send(UnsafeRawBufferPointer(rebasing: raw[offset...]), to: socket) }
            }
            guard case .success(.bytes(let count)) = result else { return false }
            offset += count
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads what arrives until the server closes or `timeout` passes; `closed` says which.
    func readUntilClose(timeout: Duration = .seconds(5)) -> (bytes: [UInt8], closed: Bool) {
        var bytes: [UInt8] = []
        let closed = read(into: &bytes, timeout: timeout) { _ in false }
        return (bytes, closed)
    }

    /// Reads until `count` complete responses have arrived (or close, or `timeout`).
    func readResponses(_ count: Int, headRequests: Set<Int> = [], timeout: Duration = .seconds(5)) -> [ParsedResponse] {
        var bytes: [UInt8] = []
        _ = read(into: &bytes, timeout: timeout) { ParsedResponse.parseAll($0, headRequests: headRequests).count >= count }
        return ParsedResponse.parseAll(bytes, headRequests: headRequests)
    }

    /// Reads into `bytes` until `isDone` says so (false), the peer closes (true) or time runs out (false).
    private func read(into bytes: inout [UInt8], timeout: Duration, isDone: ([UInt8]) -> Bool) -> Bool {
        let deadline = kernel.now(.monotonic) + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !isDone(bytes) {
            let left = deadline - kernel.now(.monotonic)
            if left <= .zero { return false }
            var descriptors = [pollfd(fd: socket.rawValue, events: Int16(POLLIN), revents: 0)]
            let ready = (try? kernel.poll(&descriptors, timeoutMilliseconds: Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))) ?? 0
            if ready == 0 { continue }
            let result = buffer.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try kernel.read(from: socket, into: raw) } }
            switch result {
            case .success(.bytes(let count)): bytes += buffer.prefix(count)
            case .success(.endOfStream), .failure: return true
            case .success(.wouldBlock): continue
            }
        }
        return false
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        try? kernel.close(socket)
    }
}

/// Runs blocking test I/O on a thread of its own, off the cooperative pool.
enum OwnThread {
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
