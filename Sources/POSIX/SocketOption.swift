#if canImport(Glibc)
import Glibc
#endif

/// A socket option set with an integer value (`setsockopt` level and name).
public struct SocketOption: Sendable, Hashable, CustomStringConvertible {
    /// The protocol level (`SOL_SOCKET`, `IPPROTO_TCP`).
    public let level: Int32
    /// The option (`SO_REUSEADDR`, `TCP_NODELAY`).
    public let name: Int32
    /// The C name, for errors.
    public let description: String

    /// An option not named below.
    public init(level: Int32, name: Int32, description: String) {
        self.level = level
        self.name = name
        self.description = description
    }

    /// `SO_REUSEADDR`: a restarted server may bind its port while old connections linger in TIME_WAIT.
    public static let reuseAddress = SocketOption(level: SOL_SOCKET, name: SO_REUSEADDR, description: "SO_REUSEADDR")
    /// `SO_REUSEPORT`: several sockets may bind the same port and share its connections.
    public static let reusePort = SocketOption(level: SOL_SOCKET, name: SO_REUSEPORT, description: "SO_REUSEPORT")
    /// `SO_KEEPALIVE`: probe idle connections so dead peers are noticed.
    public static let keepAlive = SocketOption(level: SOL_SOCKET, name: SO_KEEPALIVE, description: "SO_KEEPALIVE")
    /// `SO_RCVBUF`: the receive buffer size in bytes.
    public static let receiveBufferSize = SocketOption(level: SOL_SOCKET, name: SO_RCVBUF, description: "SO_RCVBUF")
    /// `SO_SNDBUF`: the send buffer size in bytes.
    public static let sendBufferSize = SocketOption(level: SOL_SOCKET, name: SO_SNDBUF, description: "SO_SNDBUF")
    /// `TCP_NODELAY`: send small writes at once instead of waiting to coalesce them (Nagle off).
    public static let noDelay = SocketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY, description: "TCP_NODELAY")
}
