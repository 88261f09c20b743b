import Foundation
import Glibc
import POSIX

/// Bytes sent to a loopback port as they are, and what came back, for tests that speak wrong
/// HTTP on purpose (curl would refuse to send it). Blocking: call it through `onOwnThread`.
public enum RawExchange {
    /// What the server sent before it closed the connection (`isClosed`) or `timeout` passed.
    public struct Answer: Sendable {
        /// Every byte received.
        public var bytes: [UInt8]
        /// Whether the server closed the connection (rather than the wait running out).
        public var isClosed: Bool

        /// The bytes as text.
        public var text: String { String(decoding: bytes, as: UTF8.self) }
        /// The body after the first blank line.
        public var body: String { text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? "" }
        /// The status code of the first status line, or 0.
        public var status: Int { text.hasPrefix("HTTP/1.1 ") ? Int(text.dropFirst(9).prefix(3)) ?? 0 : 0 }
        /// The value of field `name` in the first head (case-insensitive name), or nil.
        public func field(_ name: String) -> String? {
            let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
            for line in head.components(separatedBy: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name.lowercased() else { continue }
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return nil
        }
    }

    /// Connects to 127.0.0.1:`port`, sends `bytes` (a refused request may be answered before
    /// they all go: what is left is dropped), and reads until the server closes or `timeout` passes.
    public static func send(_ bytes: [UInt8], toPort port: UInt16, timeout: Duration = .seconds(5)) throws -> Answer {
        let kernel = Kernel.live
        let socket = try kernel.makeSocket(.ipv4, isNonBlocking: false)
        defer { try? kernel.close(socket) }
        _ = try kernel.connect(socket, to: .loopbackIPv4(port: port))
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                Result { () throws(SystemError) in try kernel.send(UnsafeRawBufferPointer(rebasing: raw[offset...]), to: socket) }
            }
            guard case .success(.bytes(let count)) = sent else { break }
            offset += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = kernel.now(.monotonic) + timeout
        while true {
            let left = deadline - kernel.now(.monotonic)
            if left <= .zero { return Answer(bytes: received, isClosed: false) }
            var descriptors = [pollfd(fd: socket.rawValue, events: Int16(POLLIN), revents: 0)]
            let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            if (try? kernel.poll(&descriptors, timeoutMilliseconds: milliseconds)) ?? 0 == 0 { continue }
            let result = buffer.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try kernel.read(from: socket, into: raw) } }
            switch result {
            case .success(.bytes(let count)): received += buffer.prefix(count)
            case .success(.endOfStream), .failure: return Answer(bytes: received, isClosed: true)
            case .success(.wouldBlock): continue
            }
        }
    }

    /// `send` of `text` in UTF-8.
    public static func send(_ text: String, toPort port: UInt16, timeout: Duration = .seconds(5)) throws -> Answer {
        try send(Array(text.utf8), toPort: port, timeout: timeout)
    }
}
