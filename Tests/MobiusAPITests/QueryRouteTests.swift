import Foundation
import HTTP
import Journal
@testable import MobiusAPI
import MobiusCore
import TestSupport
import Testing

/// The read routes beyond the MOBIUS contract: library pages, schema, releases, batch
/// extraction, the event stream over a real socket, and `/metrics` through promtool.
@Suite struct QueryRouteTests {
    typealias Service = MobiusAPITests.Service

    @Test func theLibraryIsListedAPageAtATime() async throws {
        let service = try Service()
        for seed in 0..<5 { _ = try await service.engine.addImage(bytes: GeneratedImage.pgm(seed: UInt64(100 + seed)), id: "i\(seed)", source: "s") }
        let (_, first, _) = await service.call(.get, "/api/library?limit=2")
        #expect((first["images"] as? [[String: Any]])?.map { $0["id"] as? String } == ["i0", "i1"])
        #expect(first["count"] as? Int == 5 && first["next"] as? Int == 2)
        let (_, last, _) = await service.call(.get, "/api/library?offset=4&limit=2")
        #expect((last["images"] as? [Any])?.count == 1 && last["next"] is NSNull)
        let (_, beyond, _) = await service.call(.get, "/api/library?offset=50")
        #expect((beyond["images"] as? [Any])?.isEmpty == true)
        for bad in ["limit=0", "limit=10001", "limit=x", "offset=-1", "offset=1e3"] {
            let (status, body, _) = await service.call(.get, "/api/library?" + bad)
            #expect(status == 400 && body["error"] is String, "\(bad)")
        }
        await service.close()
    }

    @Test func schemaReleasesAndIndexAnswerWithTheirSeq() async throws {
        let service = try Service()
        _ = try await service.engine.addImage(bytes: GeneratedImage.pgm(seed: 5), id: "a", source: "s")
        for target in ["/api/schema", "/api/releases", "/api/schema?seq=0", "/api/releases?at=2001-01-01T00:00:00Z"] {
            let (status, body, response) = await service.call(.get, target)
            #expect(status == 200 && body["seq"] is Int, "\(target): \(body)")
            #expect(response.fields["content-type"] == "application/json; charset=utf-8")
        }
        let (_, index, _) = await service.call(.get, "/")
        let paths = (index["routes"] as? [[String: Any]])?.compactMap { $0["path"] as? String } ?? []
        #expect(paths.count == Route.all.count && paths.contains("/api/events"))
        await service.close()
    }

    @Test func aBatchAnswersEachPathOnItsOwn() async throws {
        let service = try Service()
        let body = #"{"imagePaths":["card.pgm","absent.png","../outside.txt","card.pgm"]}"#
        let (status, result, _) = await service.call(.post, "/api/dhash/batch", contentType: "application/json", body: Array(body.utf8))
        #expect(status == 200)
        let results = try #require(result["results"] as? [[String: Any]])
        #expect(results.count == 4)
        #expect(results[0]["hash"] as? String == results[3]["hash"] as? String && results[0]["hash"] != nil)
        #expect(results[1]["status"] as? Int == 404 && results[2]["status"] as? Int == 403)
        #expect(service.engine.projections.metrics.total == 2, "a missing or forbidden path is refused before anything is recorded")
        for bad in [#"{"imagePaths":"card.pgm"}"#, #"{"imagePaths":[1]}"#, #"{}"#, #"{"imagePaths":[],"x":1}"#] {
            #expect(await service.call(.post, "/api/dhash/batch", contentType: "application/json", body: Array(bad.utf8)).0 == 400, "\(bad)")
        }
        #expect(await service.call(.post, "/api/dhash/batch", contentType: "text/plain", body: Array(body.utf8)).0 == 415)
        await service.close()
    }

    @Test func eventsStreamAsJSONLinesWithTheirFilters() async throws {
        let service = try Service()
        for index in 1...5 {
            let type = index % 2 == 0 ? "custom.even" : "custom.odd"
            _ = try await service.engine.append(drafts: [EventDraft(type: type, requestId: "r\(index)", data: Array(#"{"n":\#(index)}"#.utf8))])
        }
        let (server, url) = try service.serve()
        func lines(_ query: String) async throws -> [String] {
            let (body, status) = try await Curl.call([url + "/api/events" + query])
            #expect(status == 200, "\(query): \(body)")
            return body.split(separator: "\n").map(String.init)
        }
        #expect(try await lines("").count == 5)
        #expect(try await lines("?type=custom.even").count == 2)
        #expect(try await lines("?type=custom.even,custom.odd&limit=3").count == 3)
        #expect(try await lines("?fromSeq=2&toSeq=3").map { $0.contains(#""seq":2"#) || $0.contains(#""seq":3"#) } == [true, true])
        #expect(try await lines("?requestId=r4").count == 1)
        #expect(try await lines("?fromSeq=9").isEmpty)
        #expect(try await lines("?since=2000-01-01T00:00:00Z").count == 5)
        #expect(try await lines("?until=2000-01-01T00:00:00Z").isEmpty)
        for bad in ["?since=yesterday", "?fromSeq=-1", "?limit=x", "?follow=2", "?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z"] {
            #expect(try await Curl.call([url + "/api/events" + bad]).status == 400, "\(bad)")
        }
        let head = try #require(try await Curl.run(["-D", "-", "-o", "/dev/null", url + "/api/events"]).lowercased() as String?)
        #expect(head.contains("content-type: application/x-ndjson") && head.contains("transfer-encoding: chunked"))
        await server.shutdown(gracePeriod: .seconds(1))
        await service.close()
    }

    @Test func followTailsNewEventsAndEndsWhenTheClientGoesAway() async throws {
        let service = try Service(followHeartbeat: .milliseconds(100))
        let (server, url) = try service.serve()
        // A follower that stops after two events: one already there, one appended while it waits.
        _ = try await service.engine.append(drafts: [EventDraft(type: "custom.a", data: Array("{}".utf8))])
        // A loaded machine may take long to start curl; the limit, not a timeout, should end it.
        let follower = Task { try await Curl.call(["--max-time", "120", url + "/api/events?follow=1&type=custom.a&limit=2"]) }
        try await Task.sleep(for: .milliseconds(300))
        _ = try await service.engine.append(drafts: [EventDraft(type: "custom.b", data: Array("{}".utf8))])
        _ = try await service.engine.append(drafts: [EventDraft(type: "custom.a", data: Array("{}".utf8))])
        let (body, status) = try await follower.value
        #expect(status == 200)
        #expect(body.split(separator: "\n").count == 2 && body.contains(#""seq":3"#), "\(body)")
        // A follower that hangs up: its stream (and connection) end within heartbeats.
        _ = try await Curl.run(["--max-time", "1", url + "/api/events?follow=1"])
        #expect(await eventually(timeout: .seconds(10)) { server.openConnectionCount == 0 })
        await server.shutdown(gracePeriod: .seconds(1))
        await service.close()
    }

    @Test func metricsPassPromtoolAndTheChecksItDoesNotMake() async throws {
        let service = try Service()
        _ = await service.extract(json: #"{"imagePath":"card.pgm"}"#)
        _ = await service.call(.post, "/api/dhash/extract", contentType: "image/png", body: Array("junk".utf8))
        _ = await service.call(.get, "/nowhere")
        // One extraction each way (the match also queues a review item: 3 events); a failure rate
        // of 0.5 makes health CRITICAL.
        let (status, _, response) = await service.call(.get, "/metrics")
        #expect(status == 200 && response.fields["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        guard case .bytes(let bytes) = response.body else { Issue.record("not a whole body"); return }
        let text = String(decoding: bytes, as: UTF8.self)
        let run = try #require(try ExpositionCheck.runPromtool(on: text), "run tools/require-promtool (tools/test does)")
        #expect(run.status == 0 && run.report.isEmpty, "promtool: \(run.report)")
        #expect(ExpositionCheck.problems(in: text) == [])
        for line in [#"mobius_extractions_total{outcome="success"} 1"#, #"mobius_extractions_total{outcome="failure"} 1"#,
                     "mobius_extraction_failure_ratio 0.5", "mobius_journal_head_seq 3", "mobius_journal_writable 1",
                     #"mobius_health_status{level="CRITICAL"} 1"#, #"mobius_health_status{level="OK"} 0"#] {
            #expect(text.contains("\n" + line + "\n"), "\(line)")
        }
        for family in ["mobius_hash_duration_seconds_bucket", "mobius_journal_append_duration_seconds_bucket",
                       "mobius_journal_fsync_duration_seconds_bucket", "mobius_http_requests_total",
                       "mobius_build_info", "process_start_time_seconds", "mobius_review_queue_open"] {
            #expect(text.contains("\n" + family), "\(family)")
        }
        await service.close()
    }
}
