import Dispatch
import Foundation
import HTTP
import JSON
import Journal
@testable import MobiusAPI
import MobiusCore
import POSIX
import TestSupport
import Testing

/// What a hostile client (or a careless admin) sends, and what the MOBIUS clients then read:
/// every answer a one-line JSON error with its status, the contract's figures always numbers.
@Suite struct HostileInputTests {
    typealias Service = MobiusAPITests.Service

    /// An `extraction.completed` v2 line recording `durationMs`.
    static func completed(durationMs: String) -> String {
        #"{"type":"extraction.completed","v":2,"data":{"source":"x","sha256":null,"byteSize":null,"format":"png","width":1,"height":1,"#
            + #""hash":"c7c7c7c7c7e77f38","hashBase64":"x8fHx8fnfzg=","bits":64,"match":null,"confidence":0,"lowConfidence":false,"#
            + #""durationMs":\#(durationMs)}}"#
    }

    @Test func absurdDurationsAreRefusedSoTheMetricsStayNumbers() async throws {
        let service = try Service()
        // Two durations near Double.greatestFiniteMagnitude summed to infinity: /metrics/dhash
        // answered 200 {"error":…} (no number for jq), and a snapshot crashed the server.
        let huge = Self.completed(durationMs: "1.7e308")
        let (status, body) = await service.admin("/api/admin/append", json: huge + "\n" + huge + "\n")
        #expect(status == 400 && (body["error"] as? String)?.contains("durationMs") == true, "\(body)")
        #expect(service.engine.head.seq == 0)
        #expect(await service.admin("/api/admin/append", json: Self.completed(durationMs: "12.5")).0 == 200)

        // A journal that already holds such events (appended before the check) folds without them.
        let raw = try EventDraft(type: "extraction.completed", version: 2, requestId: nil,
                                 data: Array(#"{"format":"png","width":1,"height":1,"hash":"c7c7c7c7c7e77f38","confidence":0,"lowConfidence":false,"durationMs":1.7e308}"#.utf8))
        _ = try await service.engine.append(drafts: [raw, raw])
        for target in ["/metrics/dhash", "/health"] {
            let (status, object, _) = await service.call(.get, target)
            #expect(status == 200, "\(target): \(object)")
            let metrics = try #require(object["metrics"] as? [String: Any], "\(target): \(object)")
            #expect(metrics["avg_hash_time"] as? Double == 12.5 && metrics["total_extractions"] as? Int == 1)
        }
        let (snapshot, written) = await service.admin("/api/admin/snapshot")
        #expect(snapshot == 200, "\(written)")
        await service.close()
    }

    @Test func aBodyTheWriterRefusesIsA500WithTheRequestId() throws {
        let response = APIResponse.json(requestId: "r-1") { json in
            json.writeObject { json in json.write(Double.infinity, forKey: "avg_hash_time") }
        }
        #expect(response.status.code == 500)
        guard case .bytes(let bytes) = response.body else { Issue.record("not a byte body"); return }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["requestId"] as? String == "r-1")
        #expect((object["error"] as? String)?.contains("could not be encoded") == true)
        #expect(bytes.last == 0x0A && !bytes.dropLast().contains(0x0A), "one line")
    }
}

/// What the server refuses before any route sees the request: JSON errors too.
@Suite struct ServerRefusalTests {
    typealias Service = MobiusAPITests.Service

    static let refusals: [(String, Int)] = [
        ("GET /health HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("GET /health HTTP/1.1\nHost: a\n\n", 400),
        ("POST /api/dhash/extract HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400),
        ("POST /api/dhash/extract HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 67108865\r\n\r\n", 413),
        ("POST /api/dhash/extract HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4000001\r\n", 413),
        ("POST /api/dhash/extract HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}", 400),
        ("POST /api/dhash/extract HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}", 417),
        ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414),
        ("GET /health HTTP/1.1\r\n" + String(repeating: "X-A: b\r\n", count: 101) + "Host: a\r\n\r\n", 431),
    ]

    @Test("refusals are one-line JSON errors with a request id", arguments: refusals.indices)
    func refusalIsJSON(index: Int) async throws {
        let service = try Service()
        let (server, _) = try service.serve()
        let port = server.localAddress.port
        let answer = try await onOwnThread { try RawExchange.send(Self.refusals[index].0, toPort: port) }
        #expect(answer.status == Self.refusals[index].1, "\(answer.text.prefix(200))")
        #expect(answer.field("content-type") == "application/json; charset=utf-8")
        #expect(answer.isClosed && answer.field("connection") == "close")
        let body = Array(answer.body.utf8)
        #expect(body.last == 0x0A && !body.dropLast().contains(0x0A), "one line: \(answer.body)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], "\(answer.body)")
        #expect((object["error"] as? String)?.isEmpty == false)
        #expect(object["requestId"] as? String == answer.field("x-request-id") && answer.field("x-request-id")?.count == 32)
        await server.shutdown(gracePeriod: .seconds(1))
        await service.close()
    }

    @Test func theConnectionCapAnswersJSONToo() async throws {
        let service = try Service()
        let api = service.api
        var configuration = MobiusAPI.serverConfiguration(host: "127.0.0.1", port: 0)
        configuration.maxConnections = 1
        let server = try HTTPServer.start(configuration) { await api.handle($0) }
        let port = server.localAddress.port
        let answer = try await onOwnThread { () throws -> RawExchange.Answer in
            // The first connection holds the one place (idle, waiting for a request) while the second is refused.
            let kernel = Kernel.live
            let holder = try kernel.makeSocket(.ipv4, isNonBlocking: false)
            defer { try? kernel.close(holder) }
            _ = try kernel.connect(holder, to: .loopbackIPv4(port: port))
            for _ in 0..<200 where server.openConnectionCount < 1 { usleep(10_000) }
            return try RawExchange.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n", toPort: port)
        }
        #expect(answer.status == 503 && answer.field("content-type") == "application/json; charset=utf-8", "\(answer.text)")
        #expect(answer.body.contains(#""requestId":""#))
        await server.shutdown(gracePeriod: .seconds(1))
        await service.close()
    }
}

/// Event streams a client holds open without reading, and the limit on them.
@Suite struct EventStreamLimitTests {
    typealias Service = MobiusAPITests.Service

    @Test func streamsBeyondTheLimitAre503AndSlotsComeBackWhenClientsGo() async throws {
        let service = try Service(followHeartbeat: .milliseconds(20))
        var api = service.api
        api.eventStreamLimit = 2
        let limited = api
        let server = try HTTPServer.start(MobiusAPI.serverConfiguration(host: "127.0.0.1", port: 0)) { await limited.handle($0) }
        let port = server.localAddress.port
        _ = try await service.engine.append(drafts: [try EventDraft(type: "custom.note", data: Array(#"{"x":1}"#.utf8))])
        let kernel = Kernel.live
        var held: [FileDescriptor] = []
        for _ in 0..<2 {
            let socket = try kernel.makeSocket(.ipv4, isNonBlocking: false)
            _ = try kernel.connect(socket, to: .loopbackIPv4(port: port))
            let request = Array("GET /api/events?follow=1 HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
            _ = try request.withUnsafeBytes { try kernel.send($0, to: socket) }
            held.append(socket)
        }
        #expect(await eventually(timeout: .seconds(30)) { api.eventStreams.count == 2 })
        let refused = try await onOwnThread { try RawExchange.send("GET /api/events HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", toPort: port) }
        #expect(refused.status == 503 && refused.field("retry-after") == "5", "\(refused.text)")
        #expect(refused.body.contains("event streams are open") && refused.body.contains(#""requestId""#))
        // HEAD never runs the stream: its slot must come back all the same.
        for _ in 0..<3 {
            let (status, _, _) = await Service.call(limited, .head, "/api/events")
            #expect(status == 503)
        }
        for socket in held { try kernel.close(socket) }
        // The heartbeat finds the clients gone, the streams end and give their slots back.
        #expect(await eventually(timeout: .seconds(30)) { api.eventStreams.count == 0 }, "\(api.eventStreams.count) still open")
        for _ in 0..<3 {
            let (status, _, _) = await Service.call(limited, .head, "/api/events")
            #expect(status == 200)
        }
        #expect(api.eventStreams.count == 0, "a HEAD's unsent stream gives its slot back")
        let answer = try await onOwnThread { try RawExchange.send("GET /api/events HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", toPort: port) }
        #expect(answer.status == 200 && answer.body.contains("custom.note"), "\(answer.text)")
        await server.shutdown(gracePeriod: .seconds(1))
        await service.close()
    }
}

/// What a client can make the service remember about it.
@Suite struct TelemetryCardinalityTests {
    typealias Service = MobiusAPITests.Service

    // Each method a client made up was a new series of mobius_http_requests_total: 2,000
    // requests with random methods made /metrics 26 times larger, without bound.
    @Test func inventedMethodsAreCountedAsOneLabel() async throws {
        let service = try Service()
        for index in 0..<50 {
            let (status, _, _) = await service.call(HTTPMethod(rawValue: "X\(index)METHOD"), "/health")
            #expect(status == 405)
        }
        let (_, _, response) = await service.call(.get, "/metrics")
        guard case .bytes(let bytes) = response.body else { Issue.record("not a byte body"); return }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("METHOD"))
        let line = text.split(separator: "\n").first { $0.hasPrefix("mobius_http_requests_total{") && $0.contains(#"method="other""#) }
        #expect(line?.hasSuffix(" 50") == true && line?.contains(#"status="405""#) == true, "\(line ?? "no line for other")")
        await service.close()
    }

    @Test func aReviewQueueStatusOtherThanOpenOrAllIs400() async throws {
        let service = try Service()
        for status in ["garbage", "", "ALL", "resolved"] {
            let (code, body, _) = await service.call(.get, "/api/lcm?status=" + status)
            #expect(code == 400 && (body["error"] as? String)?.hasPrefix("status must be open") == true, "\(status): \(body)")
        }
        for status in ["open", "all"] { #expect(await service.call(.get, "/api/lcm?status=" + status).0 == 200) }
        await service.close()
    }

    @Test func allowNamesHeadWhereGetIsAnswered() async throws {
        let service = try Service()
        let (status, body, response) = await service.call(.delete, "/health")
        #expect(status == 405 && response.fields["allow"] == "GET, HEAD" && body["error"] as? String == "/health takes GET, HEAD")
        #expect(await service.call(.head, "/health").0 == 200)
        let (_, _, post) = await service.call(.get, "/api/admin/append")
        #expect(post.fields["allow"] == "POST")
        await service.close()
    }
}

/// Point-in-time queries: a replay each, which anyone may ask for.
@Suite struct PointInTimeLaneTests {
    typealias Service = MobiusAPITests.Service

    // Replays ran on the server's workers (two on this machine): two `?seq=` queries of a long
    // journal held up every other request, `/health` included, for as long as they read.
    @Test func replaysRunOnTheirOwnThreadAndQueueBoundedly() async throws {
        let service = try Service()
        _ = try await service.engine.append(drafts: (0..<20).map { _ in try EventDraft(type: "custom.note", data: Array(#"{"n":1}"#.utf8)) })
        var api = service.api
        api.replayPool = WorkerPool(threadCount: 1, name: "test-replay")
        api.replayLimit = 2
        let lane = api
        // Hold the replay thread, as a long replay would.
        let gate = DispatchSemaphore(value: 0)
        let holder = Task(executorPreference: lane.replayPool) { gate.wait() }
        let first = Task { await Service.call(lane, .get, "/api/library?seq=5").0 }
        let second = Task { await Service.call(lane, .get, "/health?seq=10").0 }
        #expect(await eventually(timeout: .seconds(30)) { lane.replays.count == 2 }, "both wait for the replay thread")
        // Live answers do not wait for it; a third replay is refused, not queued without end.
        #expect(await Service.call(lane, .get, "/health").0 == 200)
        #expect(await Service.call(lane, .get, "/api/library").0 == 200)
        let (refused, body, response) = await Service.call(lane, .get, "/metrics/dhash?seq=3")
        #expect(refused == 503 && response.fields["retry-after"] == "1" && (body["error"] as? String)?.contains("point-in-time") == true, "\(body)")
        gate.signal()
        await holder.value
        let (firstStatus, secondStatus) = (await first.value, await second.value)
        #expect(firstStatus == 200 && secondStatus == 200)
        #expect(lane.replays.count == 0)
        #expect(await Service.call(lane, .get, "/health?seq=999").0 == 400, "a bad point is still a 400")
        #expect(lane.replays.count == 0, "a failed replay gives its slot back")
        await service.close()
    }
}
