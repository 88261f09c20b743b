import HTTP
import POSIX
import Testing

@Suite struct HTTPEndpointTests {
    @Test func parsesNumericHostsPortsAndBasePaths() throws {
        let plain = try HTTPEndpoint(parsing: "http://127.0.0.1:5001")
        #expect(plain.address == .loopbackIPv4(port: 5001))
        #expect(plain.hostField == "127.0.0.1:5001" && plain.basePath == "" && plain.target("/health") == "/health")
        #expect(plain.description == "http://127.0.0.1:5001")

        let based = try HTTPEndpoint(parsing: "HTTP://localhost:8080/mobius/")
        #expect(based.address == .loopbackIPv4(port: 8080) && based.host == "localhost")
        #expect(based.target("/health") == "/mobius/health")

        let six = try HTTPEndpoint(parsing: "http://[::1]:5001/")
        #expect(six.address == SocketAddress(ipv6: "::1", port: 5001) && six.hostField == "[::1]:5001")

        let defaultPort = try HTTPEndpoint(parsing: "http://10.0.0.7")
        #expect(defaultPort.address.port == 80 && defaultPort.hostField == "10.0.0.7")
    }

    @Test("refused URLs say why", arguments: [
        ("https://127.0.0.1:5001", "https is not supported"),
        ("ftp://127.0.0.1", "not an http:// URL"),
        ("127.0.0.1:5001", "not an http:// URL"),
        ("http://example.com:5001", "not a numeric address"),
        ("http://:5001", "is missing"),
        ("http://127.0.0.1:0", "port must be a number"),
        ("http://127.0.0.1:65536", "port must be a number"),
        ("http://127.0.0.1:50x", "port must be a number"),
        ("http://user:pw@127.0.0.1:5001", "user name or password"),
        ("http://127.0.0.1:5001/?x=1", "query or fragment"),
        ("http://[::1:5001", "lacks its ]"),
    ])
    func refuses(url: String, reason: String) {
        #expect(throws: HTTPClientError.self) { try HTTPEndpoint(parsing: url) }
        do {
            _ = try HTTPEndpoint(parsing: url)
        } catch {
            #expect(error.code == .invalidURL)
            #expect(error.description.contains(reason), "\(error)")
            #expect(error.description.contains("http://127.0.0.1:5001"), "the error shows an accepted form")
        }
    }
}
