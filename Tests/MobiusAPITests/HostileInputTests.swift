import Foundation
import HTTP
import JSON
import Journal
@testable import MobiusAPI
import MobiusCore
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
