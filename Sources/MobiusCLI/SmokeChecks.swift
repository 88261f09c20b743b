import HTTP
import Imaging
import Integrity
import JSON
import Journal
import MobiusCore

/// The checks `smoke` makes against a running service, in order, each a pass or a failure with
/// one line saying what was seen. All requests go over one kept-alive connection, as the
/// MOBIUS smoke client sends them.
struct SmokeChecks {
    /// One check's verdict.
    struct Result: Sendable, Equatable {
        /// `connectivity`, `health`, `metrics`, `journal`, `extraction`.
        var name: String
        /// Whether it passed.
        var passed: Bool
        /// What was seen (why it failed).
        var detail: String

        /// `PASS health: …` / `FAIL health: …`.
        var line: String { "\(passed ? "PASS" : "FAIL") \(name): \(detail)" }
    }

    /// The image to extract and the hash it must get.
    struct Image: Sendable {
        var bytes: [UInt8]
        var expectedHash: String
        var width: Int
        var height: Int
        var label: String
    }

    /// Why a check failed; thrown inside a check, caught by `run`.
    private struct Failed: Error {
        var detail: String
        init(_ detail: String) { self.detail = detail }
    }

    let client: HTTPClient
    /// The admin token, when one was found (the journal check needs it).
    let token: String?
    /// What to say when there is no token.
    let tokenAdvice: String
    /// The image to extract; nil for `--quick`.
    let image: Image?
    /// A fresh id marking this run's log record.
    let runId: String

    /// Runs every check; after a failed connectivity check the others are not attempted and
    /// fail as "not run".
    func run(report: (Result) -> Void) -> [Result] {
        var checks: [(String, () throws -> String)] = [
            ("connectivity", connectivity), ("health", health), ("metrics", metrics), ("journal", journal),
        ]
        if let image { checks.append(("extraction", { try extraction(image) })) }
        var results: [Result] = []
        for (name, check) in checks {
            let result: Result
            if let first = results.first, !first.passed {
                result = Result(name: name, passed: false, detail: "not run: the service is unreachable")
            } else {
                do {
                    result = Result(name: name, passed: true, detail: try check())
                } catch let failure as Failed {
                    result = Result(name: name, passed: false, detail: failure.detail)
                } catch {
                    result = Result(name: name, passed: false, detail: "\(error)")
                }
            }
            report(result)
            results.append(result)
        }
        return results
    }

    // MARK: The checks

    private func connectivity() throws -> String {
        let (response, value) = try getJSON("/")
        guard response.status.code == 200 else { throw Failed("GET / answered \(response.status), not 200") }
        guard value["service"]?.stringValue == "dhash" else { throw Failed("GET / answered, but not as the dhash service: \(Self.excerpt(response.body))") }
        return "GET / answered 200 (service dhash, version \(value["version"]?.stringValue ?? "?")) at \(client.endpoint)"
    }

    private func health() throws -> String {
        let (response, value) = try getJSON("/health")
        let status = value["status"]?.stringValue
        guard response.status.code == 200 else {
            throw Failed("GET /health answered \(response.status.code) with status \(status ?? "?")\(value["reason"]?.stringValue.map { ": \($0)" } ?? "")")
        }
        guard let status, ["OK", "WARNING"].contains(status) else { throw Failed("status is \(Self.shown(value["status"])), not OK or WARNING") }
        try expect(value, "service", is: "dhash")
        try expectTimestamp(value, "timestamp")
        try expectString(value, "version")
        for key in ["metrics", "checks", "journal"] where !Self.isObject(value[key]) {
            throw Failed("\(key) is \(value[key]?.kindName ?? "missing"), not an object")
        }
        guard case .array? = value["triggers"] else { throw Failed("triggers is \(value["triggers"]?.kindName ?? "missing"), not an array") }
        if status == "OK", value["reason"] != nil { throw Failed("status OK carries a reason") }
        if status != "OK", value["reason"]?.stringValue == nil { throw Failed("status \(status) has no reason") }
        guard let journal = value["journal"], let head = journal["headSeq"]?.integerValue, head >= 0 else {
            throw Failed("journal.headSeq is \(Self.shown(value["journal"]?["headSeq"])), not a whole number")
        }
        try expectString(journal, "chain", path: "journal.chain")
        return "200, status \(status), journal head seq \(head)"
    }

    private func metrics() throws -> String {
        let (response, value) = try getJSON("/metrics/dhash")
        guard response.status.code == 200 else { throw Failed("GET /metrics/dhash answered \(response.status), not 200") }
        try expect(value, "service", is: "dhash")
        try expectTimestamp(value, "timestamp")
        guard let metrics = value["metrics"], Self.isObject(metrics) else { throw Failed("metrics is \(value["metrics"]?.kindName ?? "missing"), not an object") }
        var counts: [String: Int64] = [:]
        for key in ["total_extractions", "successful_extractions", "failed_extractions", "low_confidence_queue_length"] {
            guard let count = metrics[key]?.integerValue, count >= 0 else {
                throw Failed("metrics.\(key) is \(Self.shownWithKind(metrics[key])), not a whole number of 0 or more")
            }
            counts[key] = count
        }
        guard counts["total_extractions"] == counts["successful_extractions"]! + counts["failed_extractions"]! else {
            throw Failed("total_extractions \(counts["total_extractions"]!) is not successful + failed (\(counts["successful_extractions"]!) + \(counts["failed_extractions"]!))")
        }
        guard let rate = metrics["extraction_failures_rate"]?.numberValue, (0...1).contains(rate) else {
            throw Failed("metrics.extraction_failures_rate is \(Self.shown(metrics["extraction_failures_rate"])), not a fraction from 0 to 1")
        }
        for key in ["avg_hash_time", "p95_hash_time", "uptime_ms"] {
            guard let number = metrics[key]?.numberValue, number >= 0 else {
                throw Failed("metrics.\(key) is \(Self.shown(metrics[key])), not a number of 0 or more")
            }
        }
        if metrics["last_reset"] != .null { try expectTimestamp(metrics, "last_reset", path: "metrics.last_reset") }
        return "every field with its type; \(counts["total_extractions"]!) extraction(s), failure rate \(DecimalText.fixed(rate, 3)), queue \(counts["low_confidence_queue_length"]!)"
    }

    private func journal() throws -> String {
        guard let token else { throw Failed(tokenAdvice) }
        let requestId = "smoke-\(runId)"
        let message = "smoke test \(runId)"
        var line = JSONWriter()
        line.writeObject { json in
            json.write("log.record", forKey: "type")
            json.write(requestId, forKey: "requestId")
            json.writeKey("data")
            LogRecorded(level: "info", message: message, category: "smoke").encode(to: &json)
        }
        let body = try line.finish()
        let appended = try client.post("/api/admin/append", body: body + [0x0A], contentType: "application/x-ndjson",
                                       fields: ["Authorization": "Bearer \(token)", "X-Request-Id": requestId])
        let receipt = Self.parse(appended.body)
        guard appended.status.code == 200, let seq = receipt?["firstSeq"]?.integerValue else {
            throw Failed("POST /api/admin/append answered \(appended.status.code): \(receipt?["error"]?.stringValue ?? Self.excerpt(appended.body))")
        }
        let events = try client.get("/api/events?requestId=\(requestId)&type=log.record")
        guard events.status.code == 200 else { throw Failed("GET /api/events answered \(events.status.code): \(Self.excerpt(events.body))") }
        let found = events.body.split(separator: 0x0A).compactMap { Self.parse(Array($0)) }.first { event in
            event["seq"]?.integerValue == seq && event["type"]?.stringValue == "log.record" && event["data"]?["message"]?.stringValue == message
        }
        guard found != nil else { throw Failed("log.record appended at seq \(seq) is not among the events for requestId \(requestId)") }
        return "log.record \"\(message)\" appended at seq \(seq) and read back by its requestId"
    }

    private func extraction(_ image: Image) throws -> String {
        let contentType = image.bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) ? "image/png" : "application/octet-stream"
        let response = try client.post("/api/dhash/extract", body: image.bytes, contentType: contentType)
        guard let value = Self.parse(response.body) else { throw Failed("POST /api/dhash/extract answered \(response.status.code), not JSON: \(Self.excerpt(response.body))") }
        guard response.status.code == 200 else {
            throw Failed("POST /api/dhash/extract answered \(response.status.code): \(value["error"]?.stringValue ?? Self.excerpt(response.body))")
        }
        let hash = value["hash"]?.stringValue
        guard hash == image.expectedHash else { throw Failed("hash \(Self.shown(value["hash"])) for \(image.label), expected \(image.expectedHash)") }
        try expect(value, "hash_alg", is: "dhash")
        guard value["bits"]?.integerValue == 64 else { throw Failed("bits is \(Self.shown(value["bits"])), not 64") }
        guard value["width"]?.integerValue == Int64(image.width), value["height"]?.integerValue == Int64(image.height) else {
            throw Failed("size \(Self.shown(value["width"]))×\(Self.shown(value["height"])), expected \(image.width)×\(image.height)")
        }
        guard let confidence = value["confidence"]?.numberValue, (0...1).contains(confidence) else {
            throw Failed("confidence is \(Self.shown(value["confidence"])), not a number from 0 to 1")
        }
        guard value["lowConfidence"]?.boolValue != nil else { throw Failed("lowConfidence is \(Self.shown(value["lowConfidence"])), not a boolean") }
        guard let duration = value["duration_ms"]?.numberValue, duration >= 0 else { throw Failed("duration_ms is \(Self.shown(value["duration_ms"])), not a number") }
        guard let seq = value["seq"]?.integerValue else { throw Failed("seq is \(Self.shown(value["seq"])), not a whole number") }
        return "hash \(image.expectedHash) as expected for \(image.label) (\(image.width)×\(image.height), confidence \(DecimalText.fixed(confidence, 3)), seq \(seq))"
    }

    // MARK: Helpers

    /// GET `path` (with `Content-Type: application/json`, as the MOBIUS client sends it) and its body as JSON.
    private func getJSON(_ path: String) throws -> (HTTPClientResponse, LogValue) {
        let response = try client.get(path, fields: ["Content-Type": "application/json"])
        guard let value = Self.parse(response.body) else {
            throw Failed("GET \(path) answered \(response.status.code) with a body that is not JSON: \(Self.excerpt(response.body))")
        }
        return (response, value)
    }

    private func expect(_ value: LogValue, _ key: String, is expected: String) throws {
        guard value[key]?.stringValue == expected else { throw Failed("\(key) is \(Self.shown(value[key])), not \"\(expected)\"") }
    }

    private func expectString(_ value: LogValue, _ key: String, path: String? = nil) throws {
        guard let text = value[key]?.stringValue, !text.isEmpty else { throw Failed("\(path ?? key) is \(Self.shown(value[key])), not a string") }
    }

    private func expectTimestamp(_ value: LogValue, _ key: String, path: String? = nil) throws {
        guard let text = value[key]?.stringValue, Timestamp.parse(text) != nil else {
            throw Failed("\(path ?? key) is \(Self.shown(value[key])), not an ISO-8601 time")
        }
    }

    private static func isObject(_ value: LogValue?) -> Bool {
        if case .object? = value { return true }
        return false
    }

    private static func parse(_ bytes: [UInt8]) -> LogValue? { try? LogValue.parse(bytes).get() }

    /// A value as a message shows it: its JSON, cut short, or `missing`.
    static func shown(_ value: LogValue?) -> String {
        guard let value else { return "missing" }
        var json = JSONWriter()
        value.encode(to: &json)
        return excerpt((try? json.finish()) ?? [])
    }

    /// `shown`, with the kind when a number was not written as a whole number (`0.0` reads
    /// back as the double 0, which prints as `0`).
    static func shownWithKind(_ value: LogValue?) -> String {
        if case .double? = value { return "\(shown(value)) (\(value!.kindName))" }
        return shown(value)
    }

    /// The first 120 bytes of `bytes` as escaped text.
    static func excerpt(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(120), as: UTF8.self)
        return Echoed.escapingControlCharacters(text) + (bytes.count > 120 ? "…" : "")
    }
}
