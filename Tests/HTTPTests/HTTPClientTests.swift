import Foundation
import Glibc
import Testing
@testable import HTTP
import POSIX

/// The client against our own server on an ephemeral port, and against a hostile peer that
/// sends garbage, closes early, stalls or trickles. Blocking calls run on threads of their own.
@Suite(.serialized) struct HTTPClientTests {
    static func client(_ url: String, timeout: Duration = .seconds(5), configure: (inout HTTPClient.Configuration) -> Void = { _ in }) throws -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.requestTimeout = timeout
        configure(&configuration)
        return HTTPClient(endpoint: try HTTPEndpoint(parsing: url), configuration: configuration)
    }

    /// Runs `body` on its own thread with a client for `url`; returns what it returns.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await OwnThread.run { Result { try body() } }.get()
    }

    /// The error `body` throws, or nil.
    static func failure(_ body: () throws(HTTPClientError) -> HTTPClientResponse) -> HTTPClientError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    // MARK: Our own server

    @Test func getsAndPostsOnOneKeptAliveConnection() async throws {
        try await withServer { server in
            let url = "http://127.0.0.1:\(server.port)"
            let (texts, opened) = try await Self.onThread {
                let client = try Self.client(url)
                let first = try client.get("/health", fields: ["Content-Type": "application/json"])
                let second = try client.post("/api/echo", body: Array("hello".utf8), contentType: "text/plain")
                let third = try client.send(.head, "/head")
                return ([first.text, second.text, "\(third.status.code) \(third.body.count)"], client.connectionsOpened)
            }
            #expect(texts == ["GET /health 0\n", "POST /api/echo 5\nhello", "200 0"])
            #expect(opened == 1, "three requests on one connection")
        }
    }

    @Test func readsAChunkedStreamedBody() async throws {
        let pieces = (0..<50).map { "piece \($0);" }
        try await withServer(handler: { _ in
            HTTPResponse(status: .ok, fields: ["Content-Type": "text/plain"], body: .stream { writer in
                for piece in pieces { try await writer.write(piece) }
            })
        }) { server in
            let url = "http://127.0.0.1:\(server.port)"
            let response = try await Self.onThread { try Self.client(url).get("/stream") }
            #expect(response.head.framing == .chunked)
            #expect(response.text == pieces.joined())
        }
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplacedOnce() async throws {
        try await withServer(configure: { $0.timeouts.idle = .milliseconds(150) }) { server in
            let url = "http://127.0.0.1:\(server.port)"
            let (status, opened) = try await Self.onThread {
                let client = try Self.client(url)
                _ = try client.get("/first")
                Thread.sleep(forTimeInterval: 0.5)
                let again = try client.post("/second", body: Array("x".utf8))
                return (again.text, client.connectionsOpened)
            }
            #expect(status == "POST /second 1\nx")
            #expect(opened == 2)
        }
    }

    @Test func readsAnEarlyRefusalWhileStillSending() async throws {
        var limits = HTTPLimits()
        limits.bodyBytes = 1000
        try await withServer(limits: limits) { server in
            let url = "http://127.0.0.1:\(server.port)"
            let status = try await Self.onThread {
                try Self.client(url).post("/big", body: [UInt8](repeating: 0x61, count: 4 << 20)).status.code
            }
            #expect(status == 413)
        }
    }

    @Test func connectionCloseIsSentAndHonoured() async throws {
        try await withServer { server in
            let url = "http://127.0.0.1:\(server.port)"
            let opened = try await Self.onThread {
                let client = try Self.client(url) { $0.keepsAlive = false }
                for _ in 0..<3 { _ = try client.get("/") }
                return client.connectionsOpened
            }
            #expect(opened == 3)
        }
    }

    // MARK: Failures

    @Test func aRefusedConnectionSaysSo() async throws {
        let kernel = Kernel.live
        let probe = try kernel.makeSocket(.ipv4)
        try kernel.bind(probe, to: .loopbackIPv4(port: 0))
        let port = try kernel.localAddress(of: probe).port
        try kernel.close(probe)
        let error = try await Self.onThread {
            let client = try Self.client("http://127.0.0.1:\(port)")
            return Self.failure { () throws(HTTPClientError) in try client.get("/health") }
        }
        #expect(error?.code == .connectionRefused)
        #expect(error?.description.contains("GET http://127.0.0.1:\(port)/health: connection refused") == true, "\(String(describing: error))")
        // A base path is named once: it read "GET http://127.0.0.1:P/base/base/health".
        let based = try await Self.onThread {
            let client = try Self.client("http://127.0.0.1:\(port)/base")
            return Self.failure { () throws(HTTPClientError) in try client.get("/health") }
        }
        #expect(based?.description.hasPrefix("GET http://127.0.0.1:\(port)/base/health: connection refused") == true, "\(String(describing: based))")
    }

    @Test func aConnectThatNeverFinishesTimesOut() async throws {
        var calls = SyscallTable.live
        calls.connect = { _, _, _ in .failure(.inProgress) }
        calls.poll = { _, milliseconds in
            usleep(UInt32(min(max(milliseconds, 0), 20)) * 1000)
            return .success(0)
        }
        let kernel = Kernel(calls: calls)
        let (error, elapsed) = try await Self.onThread {
            var configuration = HTTPClient.Configuration()
            configuration.connectTimeout = .milliseconds(200)
            let client = HTTPClient(endpoint: try HTTPEndpoint(parsing: "http://127.0.0.1:9"), configuration: configuration, kernel: kernel)
            let start = ContinuousClock.now
            let error = Self.failure { () throws(HTTPClientError) in try client.get("/") }
            return (error, ContinuousClock.now - start)
        }
        #expect(error?.code == .connectTimedOut)
        #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(2))
    }

    /// Runs a request against a peer following `script`; returns the error (nil on success) and how long it took.
    static func against(timeout: Duration = .seconds(5), limits: ResponseParser.Limits = ResponseParser.Limits(),
                        _ script: @escaping @Sendable (PeerSocket, Int) -> Void) async throws -> (HTTPClientError?, Duration) {
        let peer = try HostilePeer(script)
        defer { peer.stop() }
        let url = peer.url
        return try await onThread {
            let client = try Self.client(url, timeout: timeout) { $0.limits = limits }
            let start = ContinuousClock.now
            let error = Self.failure { () throws(HTTPClientError) in try client.get("/health") }
            return (error, ContinuousClock.now - start)
        }
    }

    @Test func garbageIsAMalformedResponse() async throws {
        let (error, _) = try await Self.against { peer, _ in
            peer.readRequest()
            peer.send("SSH-2.0-OpenSSH_9.6\r\n")
        }
        #expect(error?.code == .malformedResponse)
        #expect(error?.description.contains("not an HTTP/1.x status line") == true, "\(String(describing: error))")
    }

    @Test func anEarlyCloseIsAConnectionClosedEarly() async throws {
        let (silent, _) = try await Self.against { peer, _ in peer.readRequest() }
        #expect(silent?.code == .connectionClosed)
        #expect(silent?.reason.contains("without answering") == true)
        let (cut, _) = try await Self.against { peer, _ in
            peer.readRequest()
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
        }
        #expect(cut?.code == .connectionClosed)
        #expect(cut?.reason.contains("in the middle") == true, "\(String(describing: cut))")
    }

    @Test func aStalledPeerTimesOutWithinTheRequestTimeout() async throws {
        let (error, elapsed) = try await Self.against(timeout: .milliseconds(300)) { peer, _ in
            peer.readRequest()
            peer.send("HTTP/1.1 200 OK\r\n")
            peer.pause(.seconds(3))
        }
        #expect(error?.code == .timedOut)
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(2))
    }

    @Test func aTricklingPeerIsBoundedByTheTotalTimeout() async throws {
        let (error, elapsed) = try await Self.against(timeout: .milliseconds(500)) { peer, _ in
            peer.readRequest()
            for byte in Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: 1000) {
                guard peer.send([byte]) else { return }
                peer.pause(.milliseconds(20))
            }
        }
        #expect(error?.code == .timedOut)
        #expect(elapsed < .seconds(2), "a byte every 20 ms must not extend the deadline")
    }

    @Test func anOversizedBodyIsRefused() async throws {
        var limits = ResponseParser.Limits()
        limits.bodyBytes = 1024
        let (declared, _) = try await Self.against(limits: limits) { peer, _ in
            peer.readRequest()
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n")
        }
        #expect(declared?.code == .responseTooLarge)
        let (streamed, _) = try await Self.against(limits: limits) { peer, _ in
            peer.readRequest()
            peer.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + String(repeating: "x", count: 5000))
        }
        #expect(streamed?.code == .responseTooLarge)
    }

    @Test func aPeerThatAnswersAndLingersIsRead() async throws {
        let peer = try HostilePeer { peer, _ in
            peer.readRequest()
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            peer.shutdownWriting()
            peer.drain(for: .seconds(1))
        }
        defer { peer.stop() }
        let url = peer.url
        let (text, opened) = try await Self.onThread {
            let client = try Self.client(url)
            let response = try client.get("/")
            return (response.text, client.connectionsOpened)
        }
        #expect(text == "ok" && opened == 1)
    }
}
