#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address and port, as given to `bind` and `connect` and returned by `accept`.
///
/// Only numeric hosts: name resolution (DNS) is not a system call and has no place in the funnel.
/// IPv6 flow labels and scope ids are not kept, so a link-local address with a zone cannot be
/// expressed; the service binds loopback or wildcard addresses.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable {
        /// `AF_INET`.
        case ipv4
        /// `AF_INET6`.
        case ipv6

        /// The `AF_…` constant.
        var domain: Int32 { self == .ipv4 ? AF_INET : AF_INET6 }
    }

    /// IPv4 or IPv6.
    public let family: Family
    /// The host address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public let hostBytes: [UInt8]
    /// The port (host byte order); 0 in `bind` asks the kernel for a free one.
    public let port: UInt16

    /// The IPv4 address `host` in dotted form ("127.0.0.1"); nil if it is not one.
    public init?(ipv4 host: String, port: UInt16) {
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else { return nil }
        self.init(family: .ipv4, hostBytes: withUnsafeBytes(of: address) { Array($0) }, port: port)
    }

    /// The IPv6 address `host` in text form ("::1"); nil if it is not one.
    public init?(ipv6 host: String, port: UInt16) {
        var address = in6_addr()
        guard inet_pton(AF_INET6, host, &address) == 1 else { return nil }
        self.init(family: .ipv6, hostBytes: withUnsafeBytes(of: address) { Array($0) }, port: port)
    }

    /// `host` as an IPv4 address, else as an IPv6 address; nil if it is neither (names are not looked up).
    public init?(host: String, port: UInt16) {
        guard let address = SocketAddress(ipv4: host, port: port) ?? SocketAddress(ipv6: host, port: port) else { return nil }
        self = address
    }

    /// `127.0.0.1:port`.
    public static func loopbackIPv4(port: UInt16) -> SocketAddress {
        SocketAddress(family: .ipv4, hostBytes: [127, 0, 0, 1], port: port)
    }

    /// `0.0.0.0:port`: every IPv4 address of the machine.
    public static func anyIPv4(port: UInt16) -> SocketAddress {
        SocketAddress(family: .ipv4, hostBytes: [0, 0, 0, 0], port: port)
    }

    /// "127.0.0.1:5001", "[::1]:5001".
    public var description: String {
        switch family {
        case .ipv4:
            return hostBytes.map(String.init).joined(separator: ".") + ":\(port)"
        case .ipv6:
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: hostBytes) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return "[?]:\(port)" }
            return "[" + String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) + "]:\(port)"
        }
    }

    private init(family: Family, hostBytes: [UInt8], port: UInt16) {
        self.family = family
        self.hostBytes = hostBytes
        self.port = port
    }

    /// The address in `storage` as filled in by `accept` or `getsockname`; nil unless IPv4 or IPv6.
    init?(storage: sockaddr_storage) {
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: storage) { $0.loadUnaligned(as: sockaddr_in.self) }
            self.init(family: .ipv4, hostBytes: withUnsafeBytes(of: address.sin_addr) { Array($0) }, port: UInt16(bigEndian: address.sin_port))
        case AF_INET6:
            let address = withUnsafeBytes(of: storage) { $0.loadUnaligned(as: sockaddr_in6.self) }
            self.init(family: .ipv6, hostBytes: withUnsafeBytes(of: address.sin6_addr) { Array($0) }, port: UInt16(bigEndian: address.sin6_port))
        default:
            return nil
        }
    }

    /// Runs `body` with the C form of the address and its length.
    func withSockaddr<Value>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Value) -> Value {
        switch family {
        case .ipv4:
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: hostBytes) }
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .ipv6:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: hostBytes) }
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }
}
