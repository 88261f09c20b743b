import Foundation
import HTTP
@testable import MobiusAPI
import MobiusCore
import TestSupport
import Testing

/// The routes called in-process with real requests over a real engine and data folder.
@Suite struct MobiusAPITests {
    /// An engine over a temporary folder, its image root `images/` holding one PGM, and the API.
    final class Service: Sendable {
        let directory: TemporaryDirectory
        let engine: Engine
        let api: MobiusAPI

        /// The token admin routes take.
        static let tokenText = String(repeating: "ab", count: 32)
        static let token = AdminToken(value: tokenText, origin: "test")

        init(adminToken: AdminToken? = Service.token, followHeartbeat: Duration = .seconds(15)) throws {
            directory = try TemporaryDirectory("mobius-api")
            let images = directory.appending("images")
            try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
            try Data(GeneratedImage.pgm(seed: 1)).write(to: URL(fileURLWithPath: images + "/card.pgm"))
            try Data("secret".utf8).write(to: URL(fileURLWithPath: directory.appending("outside.txt")))
            try FileManager.default.createSymbolicLink(atPath: images + "/escape.pgm", withDestinationPath: directory.appending("outside.txt"))
            var configuration = EngineConfiguration(dataDirectory: directory.path) { $0.durability = .none }
            configuration.snapshotsOnClose = false
            engine = try Engine.open(configuration)
            var api = MobiusAPI(engine: engine, imageRoots: ImageRoots([images]), version: "test", adminToken: adminToken)
            api.followHeartbeat = followHeartbeat
            self.api = api
        }

        /// The bearer header of the right token.
        static let bearer = "Bearer " + tokenText

        func call(_ method: HTTPMethod, _ target: String, contentType: String? = nil, authorization: String? = nil,
                  body: [UInt8] = []) async -> (Int, [String: Any], HTTPResponse) {
            await Self.call(api, method, target, contentType: contentType, authorization: authorization, body: body)
        }

        /// A request to `api` in-process: its status, its body as a JSON object (empty when it is not one), the response.
        static func call(_ api: MobiusAPI, _ method: HTTPMethod, _ target: String, contentType: String? = nil, authorization: String? = nil,
                         body: [UInt8] = []) async -> (Int, [String: Any], HTTPResponse) {
            var fields: HTTPFields = ["Host": "test"]
            if let contentType { fields.append(name: "Content-Type", value: contentType) }
            if let authorization { fields.append(name: "Authorization", value: authorization) }
            let request = HTTPRequest(head: HTTPRequestHead(method: method, target: target, fields: fields), body: body)
            let response = await api.handle(request)
            guard case .bytes(let bytes) = response.body,
                  let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return (response.status.code, [:], response) }
            return (response.status.code, object, response)
        }

        /// An admin call with the right token and a JSON body.
        func admin(_ target: String, json: String = "") async -> (Int, [String: Any]) {
            let (status, object, _) = await call(.post, target, contentType: "application/json", authorization: Service.bearer, body: Array(json.utf8))
            return (status, object)
        }

        /// The API behind a real server on an ephemeral loopback port, and its URL.
        func serve() throws -> (HTTPServer, String) {
            let api = api
            let server = try HTTPServer.start(MobiusAPI.serverConfiguration(host: "127.0.0.1", port: 0)) { await api.handle($0) }
            return (server, "http://127.0.0.1:\(server.localAddress.port)")
        }

        func extract(json: String) async -> (Int, [String: Any]) {
            let (status, object, _) = await call(.post, "/api/dhash/extract", contentType: "application/json", body: Array(json.utf8))
            return (status, object)
        }

        func close() async {
            try? await engine.close()
            directory.remove()
        }
    }

    @Test func healthAndMetricsKeepTheMOBIUSContract() async throws {
        let service = try Service()
        let (status, health, response) = await service.call(.get, "/health", contentType: "application/json")
        #expect(status == 200)
        #expect(health["status"] as? String == "OK" && health["service"] as? String == "dhash")
        #expect(response.fields["content-type"] == "application/json; charset=utf-8")
        #expect(response.fields["x-request-id"] != nil)
        let metrics = try #require(health["metrics"] as? [String: Any])
        for key in ["total_extractions", "successful_extractions", "failed_extractions", "low_confidence_queue_length"] {
            #expect(metrics[key] is Int, "\(key)")
        }
        for key in ["extraction_failures_rate", "avg_hash_time", "p95_hash_time", "uptime_ms"] {
            #expect(metrics[key] is NSNumber, "\(key) must be a number")
        }
        let (_, dhash, _) = await service.call(.get, "/metrics/dhash")
        #expect((dhash["metrics"] as? [String: Any])?["total_extractions"] as? Int == 0)
        await service.close()
    }

    @Test func extractByPathMatchesAndCounts() async throws {
        let service = try Service()
        _ = try await service.engine.addImage(path: service.directory.appending("images/card.pgm"), id: "card")
        let (status, result) = await service.extract(json: #"{"imagePath":"card.pgm"}"#)
        #expect(status == 200)
        #expect(result["confidence"] as? Double == 1)
        #expect((result["match"] as? [String: Any])?["imageId"] as? String == "card")
        #expect(result["hash_alg"] as? String == "dhash" && result["bits"] as? Int == 64)
        let (_, dhash, _) = await service.call(.get, "/metrics/dhash")
        #expect((dhash["metrics"] as? [String: Any])?["total_extractions"] as? Int == 1)
        await service.close()
    }

    @Test(arguments: [
        (#"{"imagePath":"../outside.txt"}"#, 403),
        (#"{"imagePath":"/etc/passwd"}"#, 403),
        (#"{"imagePath":"escape.pgm"}"#, 403),
        (#"{"imagePath":"../nowhere/x.png"}"#, 403),
        (#"{"imagePath":"absent.png"}"#, 404),
        (#"{"imagePath":5}"#, 400),
        (#"{"imagePath":["a"]}"#, 400),
        (#"{}"#, 400),
        (#"{"imagePath":""}"#, 400),
        (#"{"imagePath":"a.png""#, 400),
        (#"[1,2]"#, 400),
        ("", 400),
    ])
    func badPathsAndBodiesGetTheirStatus(body: String, expected: Int) async throws {
        let service = try Service()
        let (status, result) = await service.extract(json: body)
        #expect(status == expected)
        #expect(result["error"] is String && result["requestId"] is String)
        await service.close()
    }

    @Test func rawBodiesAreExtractedAndGarbageIs422() async throws {
        let service = try Service()
        let image = GeneratedImage.pgm(seed: 2)
        let (ok, result, _) = await service.call(.post, "/api/dhash/extract", contentType: "image/x-portable-anymap", body: image)
        #expect(ok == 200 && result["match"] is NSNull && result["confidence"] as? Double == 0)
        #expect(result["reviewItemId"] as? String != nil)
        let (bad, _, _) = await service.call(.post, "/api/dhash/extract", contentType: "image/png", body: Array("junk".utf8))
        #expect(bad == 422)
        let (other, _, _) = await service.call(.post, "/api/dhash/extract", contentType: "text/plain", body: image)
        #expect(other == 415)
        let (_, queue, _) = await service.call(.get, "/api/lcm")
        #expect(queue["open"] as? Int == 1)
        await service.close()
    }

    @Test func projectionGetsAnswerAtAPastSeqAndRefuseBadPoints() async throws {
        let service = try Service()
        _ = try await service.engine.addImage(path: service.directory.appending("images/card.pgm"), id: "card")
        _ = try await service.engine.addImage(bytes: GeneratedImage.pgm(seed: 3), id: "other", source: "x")
        let (_, now, _) = await service.call(.get, "/api/library")
        #expect(now["count"] as? Int == 2)
        let (_, then, _) = await service.call(.get, "/api/library?seq=1")
        #expect(then["count"] as? Int == 1 && then["seq"] as? Int == 1)
        let (before, _, _) = await service.call(.get, "/api/library?at=2000-01-01T00:00:00Z")
        #expect(before == 200)
        #expect(await service.call(.get, "/api/library/card").0 == 200)
        #expect(await service.call(.get, "/api/library/other?seq=1").0 == 404)
        #expect(await service.call(.get, "/api/library?seq=99").0 == 400)
        #expect(await service.call(.get, "/api/library?seq=-1").0 == 400)
        #expect(await service.call(.get, "/api/library?seq=1&at=2026-01-01").0 == 400)
        #expect(await service.call(.get, "/nope").0 == 404)
        let (method, _, response) = await service.call(.post, "/health")
        #expect(method == 405 && response.fields["allow"] == "GET, HEAD")
        await service.close()
    }
}
