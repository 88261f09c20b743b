import POSIX

/// Where `HTTPClient` sends requests: `http://HOST:PORT[/BASE]`, with HOST a numeric IPv4 or
/// IPv6 address (`[::1]`) or `localhost`.
///
/// Names are not looked up: DNS is not a system call and has no place in the funnel, and the
/// tools that use the client (smoke, monitor) talk to a service on this machine or a known
/// address. `https` is refused rather than spoken in the clear.
public struct HTTPEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The socket address to connect to.
    public let address: SocketAddress
    /// The host as written (`localhost`, `127.0.0.1`, `[::1]`), for the `Host` field.
    public let host: String
    /// The path every request target is put under: empty, or `/base` without a final slash.
    public let basePath: String

    /// Parses `url`; the error says what is wrong with it and what is accepted.
    public init(parsing url: String) throws(HTTPClientError) {
        func refuse(_ reason: String) -> HTTPClientError {
            HTTPClientError(.invalidURL, url: url, "\(reason); give http://HOST:PORT with a numeric address or localhost, e.g. http://127.0.0.1:5001")
        }
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") { throw refuse("https is not supported (this client speaks no TLS)") }
        guard lowered.hasPrefix("http://") else { throw refuse("not an http:// URL") }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let path = rest[authority.endIndex...]
        if path.contains("?") || path.contains("#") { throw refuse("the URL may not carry a query or fragment") }
        if authority.contains("@") { throw refuse("the URL may not carry a user name or password") }
        let hostText: Substring, portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw refuse("an IPv6 address in brackets lacks its ]") }
            hostText = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw refuse("unexpected text after the IPv6 address") }
            portText = after.isEmpty ? nil : after.dropFirst()
        } else {
            let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            hostText = parts[0]
            portText = parts.count > 1 ? parts[1] : nil
        }
        var port: UInt16 = 80
        if let portText {
            guard let number = UInt16(portText), number > 0, portText.allSatisfy(\.isASCII) else { throw refuse("the port must be a number from 1 to 65535") }
            port = number
        }
        let name = String(hostText)
        let resolved = name.lowercased() == "localhost" ? SocketAddress.loopbackIPv4(port: port) : SocketAddress(host: name, port: port)
        guard let resolved else { throw refuse("the host \(name.isEmpty ? "is missing" : "'\(name)' is not a numeric address") (names are not looked up)") }
        address = resolved
        host = authority.hasPrefix("[") ? "[\(name)]" : name
        basePath = String(path.reversed().drop { $0 == "/" }.reversed())
    }

    /// The `Host` field: the host as written, with the port unless it is 80.
    public var hostField: String { address.port == 80 ? host : "\(host):\(address.port)" }

    /// `path` (which starts with `/`) under the base path: the request target.
    public func target(_ path: String) -> String { basePath + path }

    /// `http://HOST:PORT/BASE`.
    public var description: String { "http://\(host):\(address.port)\(basePath)" }
}
