import Foundation
import TestSupport
import Testing

/// `serve` as a real process, called with curl: it prints its address, answers every route,
/// and on SIGTERM finishes, writes a snapshot, leaves a journal that verifies and exits 0.
@Suite struct ServeProcessTests {
    @Test func answersEveryRouteAndStopsCleanlyOnSIGTERM() async throws {
        // Off the cooperative pool: the test blocks on processes for seconds (see onOwnThread).
        try await onOwnThread { try Self.answersEveryRoute() }
    }

    private static func answersEveryRoute() throws {
        let directory = try TemporaryDirectory("mobius-serve")
        defer { directory.remove() }
        try Data(GeneratedImage.pgm(seed: 1)).write(to: URL(fileURLWithPath: directory.appending("card.pgm")))
        let server = try ServeProcess(data: directory.path, arguments: ["--image-root", directory.path, "--durability", "batch", "--sample-interval", "1"])
        let (printed, url) = (server.printed, server.url)
        #expect(printed.hasPrefix("listening on http://127.0.0.1:") && printed.contains("SIGTERM"))
        let lock = try String(contentsOfFile: directory.appending("journal/LOCK"), encoding: .utf8)
        #expect(lock.contains("url \(url)\n"), "LOCK names the admin API for CLI writers: \(lock)")
        let token = try String(contentsOfFile: directory.appending("admin-token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let admin = ["-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json"]

        func expect(_ status: Int, _ arguments: [String], contains fragment: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
            let answer = try Curl.callBlocking(arguments)
            #expect(answer.status == status, "\(arguments.last ?? ""): \(answer.body)", sourceLocation: sourceLocation)
            #expect(fragment.isEmpty || answer.body.contains(fragment), "\(arguments.last ?? ""): \(answer.body)", sourceLocation: sourceLocation)
        }
        try expect(200, [url + "/"], contains: #""routes""#)
        try expect(200, [url + "/health"], contains: #""status":"OK""#)
        try expect(200, [url + "/metrics/dhash"], contains: #""total_extractions":0"#)
        try expect(401, ["-X", "POST", url + "/api/admin/snapshot"], contains: "Bearer")
        // What the HTTP layer refuses itself is a JSON error too (it was text/plain).
        try expect(417, ["-H", "Expect: 200-ok", "-H", "Content-Type: application/json", "-d", "{}", url + "/api/dhash/extract"],
                   contains: #""requestId":""#)
        let added = try Curl.callBlocking(admin + ["-d", #"{"imagePath":"card.pgm","id":"card"}"#, url + "/api/admin/library"])
        #expect(added.status == 201 && added.body.contains(#""id":"card""#), "\(added.body)")
        let addedSeq = try #require(added.body.range(of: #""addedSeq":"#).map { String(added.body[$0.upperBound...].prefix { $0.isNumber }) })
        try expect(200, ["-H", "Content-Type: application/json", "-d", #"{"imagePath":"card.pgm"}"#, url + "/api/dhash/extract"], contains: #""imageId":"card""#)
        try expect(404, ["-H", "Content-Type: application/json", "-d", #"{"imagePath":"missing.png"}"#, url + "/api/dhash/extract"])
        try expect(200, ["-H", "Content-Type: application/octet-stream", "--data-binary", "P5\n2 2\n255\n\u{1}\u{2}\u{3}\u{4}", url + "/api/dhash/extract"],
                   contains: #""reviewItemId""#)
        try expect(200, ["-H", "Content-Type: application/json", "-d", #"{"imagePaths":["card.pgm","nope.png"]}"#, url + "/api/dhash/batch"],
                   contains: #""status":404"#)
        try expect(200, [url + "/api/library"], contains: #""count":1"#)
        try expect(200, [url + "/api/library/card?seq=\(addedSeq)"], contains: #""id":"card""#)
        let queue = try Curl.callBlocking([url + "/api/lcm"]).body
        let item = try #require(queue.range(of: #""id":""#).map { String(queue[$0.upperBound...].prefix { $0 != "\"" }) })
        try expect(200, admin + ["-d", #"{"decision":"reject"}"#, url + "/api/lcm/\(item)/resolve"], contains: #""status":"resolved""#)
        try expect(200, [url + "/api/schema"], contains: #""seq""#)
        try expect(200, [url + "/api/releases"], contains: #""seq""#)
        try expect(200, admin + ["-X", "POST", url + "/api/admin/snapshot"], contains: #""sha256""#)
        try expect(200, [url + "/api/snapshots"], contains: #""snapshots""#)
        try expect(200, admin + ["--data-binary", #"{"type":"log.record","data":{"level":"info","message":"smoke"}}"#, url + "/api/admin/append"],
                   contains: #""count":1"#)
        try expect(200, [url + "/api/events?type=log.record"], contains: #""message":"smoke""#)
        try expect(409, admin + ["-d", #"{"toSeq":1}"#, url + "/api/admin/rollback"], contains: "OK")
        try expect(200, admin + ["-d", #"{}"#, url + "/api/admin/library/card/remove"], contains: #""removed":"card""#)
        try expect(200, [url + "/metrics"], contains: "mobius_journal_head_seq")
        // The service's own log reaches the journal, and so does a metric sample every second.
        try expect(200, [url + "/api/events?type=log.record"], contains: #""message":"listening on http://127.0.0.1:"#)
        var samples = ""
        for _ in 0..<100 where !samples.contains("process_rss_bytes") {
            samples = try Curl.callBlocking([url + "/api/events?type=metric.sample"]).body
            if !samples.contains("process_rss_bytes") { usleep(100_000) }
        }
        #expect(samples.contains(#""process_rss_bytes":"#) && samples.contains(#""journal_head_seq":"#), "\(samples)")

        #expect(server.stop() == 0)
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: directory.appending("snapshots"))
        #expect(snapshots.filter { $0.hasSuffix(".snapshot") }.count >= 2, "the admin snapshot and the one on shutdown")
        let verify = try BuiltBinary.spawn(["verify", "--deep", "--data", directory.path], streams: ["/dev/null", "/dev/null", "/dev/null"])
        #expect(verify.status == 0, "the journal verifies after shutdown")
    }
}
