import Foundation
import HTTP
import Journal
@testable import MobiusAPI
import MobiusCore
import TestSupport
import Testing

/// The routes that change state: the token in front of them, and what each one appends.
@Suite struct AdminRouteTests {
    typealias Service = MobiusAPITests.Service

    static let adminTargets = ["/api/admin/snapshot", "/api/admin/rollback", "/api/admin/append", "/api/admin/library",
                               "/api/admin/library/x/remove", "/api/lcm/x/resolve"]

    @Test func everyAdminRouteRefusesAMissingOrWrongTokenWith401() async throws {
        let service = try Service()
        let wrong = ["Bearer " + String(repeating: "ab", count: 31) + "ac", "Bearer ", "Basic YWRtaW46YWRtaW4=",
                     "bearer " + Service.tokenText + "x", Service.tokenText]
        for target in Self.adminTargets {
            let (status, body, response) = await service.call(.post, target, contentType: "application/json", body: Array("{}".utf8))
            #expect(status == 401, "\(target)")
            #expect(response.fields["www-authenticate"] == #"Bearer realm="mobius-dhash""#)
            #expect((body["error"] as? String)?.contains("Authorization: Bearer") == true)
            for header in wrong {
                let (status, body, _) = await service.call(.post, target, contentType: "application/json", authorization: header, body: Array("{}".utf8))
                #expect(status == 401, "\(target) with \(header)")
                #expect(body["requestId"] is String)
            }
        }
        #expect(service.engine.head.seq == 0, "a refused request appends nothing")
        // The right token gets past the check (and then the route's own answer).
        let snapshot = await service.admin("/api/admin/snapshot")
        #expect(snapshot.0 == 400 && (snapshot.1["error"] as? String)?.contains("journal is empty") == true, "\(snapshot.1)")
        #expect(await service.admin("/api/lcm/x/resolve", json: #"{"decision":"accept"}"#).0 == 404)
        await service.close()
    }

    @Test func aServerWithoutATokenRefusesAdminRoutes() async throws {
        let service = try Service(adminToken: nil)
        let (status, body) = await service.admin("/api/admin/snapshot")
        #expect(status == 401 && (body["error"] as? String)?.contains("without an admin token") == true)
        await service.close()
    }

    @Test func appendIsAllOrNothingAndStampsTheRequestId() async throws {
        let service = try Service()
        let good = #"{"type":"log.record","data":{"level":"info","message":"one"}}"#
        for bad in ["not json", #"{"type":"","data":{}}"#, #"{"type":"log.record","data":5}"#, #"{"type":"log.record"}"#,
                    #"{"type":"extraction.completed","data":{"hash":"zz"}}"#] {
            let (status, body) = await service.admin("/api/admin/append", json: good + "\n" + good + "\n" + bad + "\n")
            #expect(status == 400, "\(bad)")
            #expect((body["error"] as? String)?.hasPrefix("line 3:") == true, "\(body)")
            #expect(service.engine.head.seq == 0, "nothing of a bad batch is appended")
        }
        #expect(await service.admin("/api/admin/append", json: "").0 == 400)
        let (_, object, response) = await service.call(.post, "/api/admin/append", authorization: Service.bearer,
                                                       body: Array((good + "\n" + #"{"type":"custom.note","data":{"x":1},"requestId":"mine"}"#).utf8))
        #expect(object["firstSeq"] as? Int == 1 && object["lastSeq"] as? Int == 2 && object["count"] as? Int == 2)
        let requestId = try #require(response.fields["x-request-id"])
        let (server, url) = try service.serve()
        let stamped = try await Curl.call([url + "/api/events?requestId=" + requestId])
        #expect(stamped.status == 200)
        #expect(stamped.body.split(separator: "\n").count == 1 && stamped.body.contains(#""message":"one""#))
        #expect(try await Curl.call([url + "/api/events?requestId=mine"]).body.contains("custom.note"))
        await server.shutdown(gracePeriod: .seconds(1))
        await service.close()
    }

    @Test func snapshotsRollbackAndItsRefusals() async throws {
        let service = try Service()
        #expect(await service.admin("/api/admin/library", json: #"{"imagePath":"card.pgm","id":"card"}"#).0 == 201)
        let (_, snapshot) = await service.admin("/api/admin/snapshot")
        let snapshotId = try #require(snapshot["id"] as? String)
        #expect(snapshot["seq"] as? Int == 1 && (snapshot["sha256"] as? String)?.count == 64)
        _ = try await service.engine.addImage(bytes: GeneratedImage.pgm(seed: 9), id: "later", source: "x")
        let (_, listed, _) = await service.call(.get, "/api/snapshots")
        #expect((listed["snapshots"] as? [[String: Any]])?.contains { $0["id"] as? String == snapshotId } == true, "\(listed)")

        let (refused, refusal) = await service.admin("/api/admin/rollback", json: #"{"toSnapshot":"\#(snapshotId)"}"#)
        #expect(refused == 409 && (refusal["error"] as? String)?.contains("OK") == true, "health is OK: refused without force")
        let (dry, plan) = await service.admin("/api/admin/rollback", json: #"{"toSnapshot":"\#(snapshotId)","force":true,"dryRun":true}"#)
        #expect(dry == 200 && (plan["current"] as? [String: Any])?["libraryImages"] as? Int == 2)
        #expect((plan["target"] as? [String: Any])?["libraryImages"] as? Int == 1)
        #expect(service.engine.projections.library.count == 2, "a dry run changes nothing")
        for body in [#"{}"#, #"{"toSeq":1,"toSnapshot":"a"}"#, #"{"toSeq":"1"}"#, #"{"toSeq":1,"force":"yes"}"#, #"{"toSeq":1,"extra":1}"#] {
            #expect(await service.admin("/api/admin/rollback", json: body).0 == 400, "\(body)")
        }
        #expect(await service.admin("/api/admin/rollback", json: #"{"toSnapshot":"nope","force":true}"#).0 == 404)
        let (done, outcome) = await service.admin("/api/admin/rollback", json: #"{"toSnapshot":"\#(snapshotId)","force":true,"reason":"test","trigger":"failure_rate"}"#)
        #expect(done == 200 && outcome["dryRun"] as? Bool == false && outcome["emergencySnapshotId"] is String, "\(outcome)")
        #expect(service.engine.projections.releases.rollbacks.last?.rollback.trigger == "failure_rate", "an automatic rollback names its trigger")
        #expect(service.engine.projections.library.count == 1)
        #expect(await service.call(.get, "/api/library/later").0 == 404)
        await service.close()
    }

    @Test func libraryAddRemoveAndReviewResolve() async throws {
        let service = try Service()
        let (added, image) = await service.admin("/api/admin/library", json: #"{"imagePath":"card.pgm","id":"card","source":"rulebook p.3"}"#)
        #expect(added == 201 && image["id"] as? String == "card" && image["source"] as? String == "rulebook p.3")
        #expect(await service.admin("/api/admin/library", json: #"{"imagePath":"card.pgm","id":"card"}"#).0 == 409, "the id is taken")
        #expect(await service.admin("/api/admin/library", json: #"{"imagePath":"../outside.txt"}"#).0 == 403)
        #expect(await service.admin("/api/admin/library", json: #"{"id":"x"}"#).0 == 400)
        let raw = await service.call(.post, "/api/admin/library?source=scan&id=raw", contentType: "image/x-portable-anymap",
                                     authorization: Service.bearer, body: GeneratedImage.pgm(seed: 4))
        #expect(raw.0 == 201 && raw.1["source"] as? String == "scan")
        #expect(await service.call(.post, "/api/admin/library", contentType: "image/png", authorization: Service.bearer, body: [1, 2]).0 == 400,
                "a raw image without ?source=")
        // What does not decode, or is over the size limit, is answered as extraction answers it.
        let junk = Array("not an image".utf8)
        #expect(await service.call(.post, "/api/admin/library?source=junk", contentType: "image/png", authorization: Service.bearer, body: junk).0 == 422)
        let images = service.directory.appending("images")
        try Data(junk).write(to: URL(fileURLWithPath: images + "/junk.pgm"))
        #expect(await service.admin("/api/admin/library", json: #"{"imagePath":"junk.pgm"}"#).0 == 422)
        #expect(FileManager.default.createFile(atPath: images + "/huge.png", contents: nil))
        let huge = try #require(FileHandle(forWritingAtPath: images + "/huge.png"))
        try huge.truncate(atOffset: UInt64(service.engine.configuration.maxImageBytes + 1))
        try huge.close()
        #expect(await service.admin("/api/admin/library", json: #"{"imagePath":"huge.png"}"#).0 == 413)
        let (removed, body) = await service.admin("/api/admin/library/raw/remove", json: #"{"reason":"duplicate"}"#)
        #expect(removed == 200 && body["removed"] as? String == "raw")
        #expect(await service.admin("/api/admin/library/raw/remove").0 == 404)
        #expect(await service.call(.get, "/api/library/raw").0 == 404)

        // An image far from the library goes to review; resolving it is recorded once.
        let (_, result, _) = await service.call(.post, "/api/dhash/extract", contentType: "image/x-portable-anymap", body: GeneratedImage.pgm(seed: 77))
        let item = try #require(result["reviewItemId"] as? String)
        #expect(await service.admin("/api/lcm/\(item)/resolve", json: #"{"decision":"maybe"}"#).0 == 400)
        let (resolved, resolution) = await service.admin("/api/lcm/\(item)/resolve", json: #"{"decision":"reject","note":"not a card"}"#)
        #expect(resolved == 200 && resolution["status"] as? String == "resolved", "\(resolution)")
        #expect(await service.admin("/api/lcm/\(item)/resolve", json: #"{"decision":"accept"}"#).0 == 409)
        let (_, queue, _) = await service.call(.get, "/api/lcm")
        #expect(queue["open"] as? Int == 0)
        await service.close()
    }

    @Test func theTokenFileIsCreatedPrivateAndAGroupReadableOneIsRefused() throws {
        let directory = try TemporaryDirectory("mobius-token")
        defer { directory.remove() }
        let path = directory.appending("admin-token")
        let created = try AdminToken.load(environment: [:], file: path)
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.count == 64 && text.allSatisfy(\.isHexDigit))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)
        #expect(created.accepts("Bearer " + text))
        #expect(try AdminToken.load(environment: [:], file: path).accepts("Bearer " + text), "the second start reads the same token")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: AdminToken.Problem.self) { try AdminToken.load(environment: [:], file: path) }
        let fromEnvironment = try AdminToken.load(environment: ["MOBIUS_ADMIN_TOKEN": "s3cret"], file: path)
        #expect(fromEnvironment.accepts("Bearer s3cret") && !fromEnvironment.accepts("Bearer " + text))
    }
}
