#if canImport(Glibc)
import Glibc
#endif
import POSIX
import Testing

/// A real TCP connection over loopback, driven the way the HTTP server will drive it.
@Suite struct KernelSocketsTests {
    let kernel = Kernel.live

    /// A listening, non-blocking socket on 127.0.0.1 at a port the kernel chose.
    func listener() throws -> (FileDescriptor, SocketAddress) {
        let listener = try kernel.makeSocket(.ipv4)
        try kernel.setOption(.reuseAddress, to: 1, on: listener)
        try kernel.bind(listener, to: .loopbackIPv4(port: 0))
        try kernel.listen(listener, backlog: 16)
        return (listener, try kernel.localAddress(of: listener))
    }

    /// Waits (up to 5 s) until `fd` is readable.
    func waitUntilReadable(_ fd: FileDescriptor) throws {
        let epoll = try kernel.makeEpoll()
        defer { try? kernel.close(epoll) }
        try kernel.register(fd, with: epoll, for: .readable, data: UInt64(fd.rawValue))
        let events = try kernel.waitForEvents(on: epoll, timeout: .seconds(5))
        #expect(events.count == 1 && events[0].data == UInt64(fd.rawValue) && events[0].events.contains(.readable))
    }

    func read(_ fd: FileDescriptor, count: Int = 64) throws -> ReadOutcome {
        var buffer = [UInt8](repeating: 0, count: count)
        return try buffer.withUnsafeMutableBytes { try kernel.read(from: fd, into: $0) }
    }

    @Test func loopbackRoundTripWithWouldBlockAsAValue() throws {
        let (listener, address) = try listener()
        defer { try? kernel.close(listener) }
        #expect(address.family == .ipv4)
        #expect(address.hostBytes == [127, 0, 0, 1])
        #expect(address.port != 0)
        #expect(try kernel.accept(listener) == .wouldBlock)

        let client = try kernel.makeSocket(.ipv4, isNonBlocking: false)
        defer { try? kernel.close(client) }
        #expect(try kernel.connect(client, to: address))
        try kernel.setOption(.noDelay, to: 1, on: client)

        try waitUntilReadable(listener)
        guard case .accepted(let server, let peer) = try kernel.accept(listener) else {
            Issue.record("no connection to accept")
            return
        }
        defer { try? kernel.close(server) }
        #expect(isCloseOnExec(server))
        #expect(fcntl(server.rawValue, F_GETFL) & O_NONBLOCK != 0)
        #expect(peer?.port == (try kernel.localAddress(of: client)).port)

        // Nothing sent yet: the non-blocking server socket would block.
        #expect(try read(server) == .wouldBlock)

        let request = Array("GET / HTTP/1.1\r\n\r\n".utf8)
        #expect(try request.withUnsafeBytes { try kernel.send($0, to: client) } == .bytes(request.count))
        try waitUntilReadable(server)
        var buffer = [UInt8](repeating: 0, count: 64)
        let outcome = try buffer.withUnsafeMutableBytes { try kernel.read(from: server, into: $0) }
        #expect(outcome == .bytes(request.count))
        #expect(Array(buffer.prefix(request.count)) == request)
        #expect(try read(server) == .wouldBlock)

        // A response in two pieces, sent in one gathering write.
        let head = Array("HTTP/1.1 200 OK\r\n\r\n".utf8), body = Array("{\"status\":\"OK\"}".utf8)
        let sent = try head.withUnsafeBytes { h in try body.withUnsafeBytes { b in try kernel.send(gathering: [h, b], to: server) } }
        #expect(sent == .bytes(head.count + body.count))
        var received: [UInt8] = []
        while received.count < head.count + body.count {
            var chunk = [UInt8](repeating: 0, count: 64)
            guard case .bytes(let count) = try chunk.withUnsafeMutableBytes({ try kernel.read(from: client, into: $0) }) else { break }
            received += chunk.prefix(count)
        }
        #expect(received == head + body)

        // The client ends its side: the server reads the end of the stream.
        try kernel.shutdown(client, .writing)
        try waitUntilReadable(server)
        #expect(try read(server) == .endOfStream)
    }

    @Test func aTakenPortIsReportedWithTheAddress() throws {
        let (listener, address) = try listener()
        defer { try? kernel.close(listener) }
        let second = try kernel.makeSocket(.ipv4)
        defer { try? kernel.close(second) }
        let error = try #require(throws: SystemError.self) { try kernel.bind(second, to: address) }
        #expect(error.code == .addressInUse)
        #expect(error.address == address)
        #expect(error.description.contains("bind failed for \(address)"))
        #expect(error.description.contains("port is already taken"))
    }

    /// Sending to a peer that has gone throws EPIPE or ECONNRESET; it does not raise SIGPIPE
    /// (which would end this test process).
    @Test func sendingToAGonePeerThrowsInsteadOfRaisingSIGPIPE() throws {
        let (listener, address) = try listener()
        defer { try? kernel.close(listener) }
        let client = try kernel.makeSocket(.ipv4, isNonBlocking: false)
        #expect(try kernel.connect(client, to: address))
        try waitUntilReadable(listener)
        guard case .accepted(let server, _) = try kernel.accept(listener) else {
            Issue.record("no connection to accept")
            return
        }
        defer { try? kernel.close(server) }
        try kernel.close(client)
        var failure: SystemError?
        let byte: [UInt8] = [1]
        for _ in 0..<500 where failure == nil {
            let sent: Result<WriteOutcome, SystemError> = byte.withUnsafeBytes { raw in
                Result { () throws(SystemError) in try kernel.send(raw, to: server) }
            }
            if case .failure(let error) = sent { failure = error } else { usleep(2_000) }
        }
        let error = try #require(failure)
        #expect([Errno.brokenPipe, .connectionReset].contains(error.code))
        #expect(error.description.contains("peer is gone"))
    }

    @Test func addressesParseAndPrint() throws {
        let v4 = try #require(SocketAddress(host: "10.1.2.3", port: 80))
        #expect(v4.family == .ipv4)
        #expect(v4.description == "10.1.2.3:80")
        let v6 = try #require(SocketAddress(host: "::1", port: 5001))
        #expect(v6.family == .ipv6)
        #expect(v6.description == "[::1]:5001")
        #expect(SocketAddress(host: "localhost", port: 1) == nil)
        #expect(SocketAddress(ipv4: "::1", port: 1) == nil)
        #expect(SocketAddress.anyIPv4(port: 5001).description == "0.0.0.0:5001")
    }

    @Test func ipv6LoopbackRoundTrip() throws {
        let listener = try kernel.makeSocket(.ipv6)
        defer { try? kernel.close(listener) }
        let bound = Result { () throws(SystemError) in try kernel.bind(listener, to: SocketAddress(ipv6: "::1", port: 0)!) }
        // No IPv6 loopback on this machine (some containers): nothing to test.
        if case .failure(let error) = bound, error.code == .addressNotAvailable { return }
        try bound.get()
        try kernel.listen(listener)
        let address = try kernel.localAddress(of: listener)
        #expect(address.family == .ipv6)
        let client = try kernel.makeSocket(.ipv6, isNonBlocking: false)
        defer { try? kernel.close(client) }
        #expect(try kernel.connect(client, to: address))
        try waitUntilReadable(listener)
        guard case .accepted(let server, let peer) = try kernel.accept(listener) else {
            Issue.record("no connection to accept")
            return
        }
        try kernel.close(server)
        #expect(peer?.family == .ipv6)
    }
}
