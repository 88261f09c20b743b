import HTTP
import JSON
import Journal
import MobiusCore

/// The monitor's requests to the service, each turned into what `MonitorLoop` takes: a poll
/// into a `MonitorObservation`, a `health.check` append into a `Recording`, a rollback into a
/// `RollbackOutcome`. No request failure escapes as an error: a refused connection, a timeout
/// or a 503 is an observation like any other.
struct MonitorProbe {
    let client: HTTPClient
    let token: String
    let now: () -> Duration

    /// GET /health, then (when it answered) GET /metrics/dhash. Also says whether any HTTP answer
    /// came, so that a dead service is not asked to record its own death.
    func poll() -> (observation: MonitorObservation, answered: Bool) {
        let start = now()
        func elapsed() -> Double { Double(MonitorLoop.nanoseconds(now() - start)) / 1e6 }
        let health: HTTPClientResponse
        do {
            health = try client.get("/health", fields: ["Content-Type": "application/json"])
        } catch {
            return (.unanswered(error.description, durationMs: elapsed()), false)
        }
        let value = try? LogValue.parse(health.body).get()
        guard let value, case .object = value else {
            return (MonitorObservation(healthStatusCode: health.status.code, healthLevel: nil, metrics: nil,
                                       failure: "GET /health answered \(health.status.code) with a body that is not a JSON object", durationMs: elapsed()), true)
        }
        var observation = MonitorObservation(healthStatusCode: health.status.code, healthLevel: value["status"]?.stringValue,
                                             healthReason: value["reason"]?.stringValue, metrics: nil, durationMs: 0)
        do {
            let answer = try client.get("/metrics/dhash", fields: ["Content-Type": "application/json"])
            switch Self.metrics(inAnswer: answer.body) {
            case .success(let metrics) where answer.status.code == 200: observation.metrics = metrics
            case .success: observation.failure = "GET /metrics/dhash answered \(answer.status.code)"
            case .failure(let problem): observation.failure = "GET /metrics/dhash answered \(answer.status.code): \(problem.message)"
            }
        } catch {
            observation.failure = error.description
        }
        observation.durationMs = elapsed()
        return (observation, true)
    }

    /// Appends the poll's `health.check` through the admin API.
    func record(_ check: HealthChecked) -> MonitorLoop.Recording {
        var line = JSONWriter()
        line.writeObject { json in
            json.write(HealthChecked.type, forKey: "type")
            json.writeKey("data")
            check.encode(to: &json)
        }
        guard let body = try? line.finish() else { return .failed("the health.check could not be encoded") }
        do {
            let answer = try client.post("/api/admin/append", body: body + [0x0A], contentType: "application/x-ndjson",
                                         fields: ["Authorization": "Bearer \(token)"])
            let value = try? LogValue.parse(answer.body).get()
            guard answer.status.code == 200, let seq = value?["firstSeq"]?.integerValue, seq > 0 else {
                return .failed("POST /api/admin/append answered \(answer.status.code): \(value?["error"]?.stringValue ?? SmokeChecks.excerpt(answer.body))")
            }
            return .recorded(seq: UInt64(seq))
        } catch {
            return .failed(error.description)
        }
    }

    /// `POST /api/admin/rollback` to `snapshot`, forced (the monitor's trigger is the reason),
    /// naming the trigger.
    func rollback(to snapshot: String, trigger: FiringTrigger, reason: String) -> MonitorLoop.RollbackOutcome {
        var json = JSONWriter()
        json.writeObject { json in
            json.write(snapshot, forKey: "toSnapshot")
            json.write(true, forKey: "force")
            json.write(reason, forKey: "reason")
            json.write(trigger.name, forKey: "trigger")
        }
        guard let body = try? json.finish() else { return .failed("the rollback request could not be encoded") }
        do {
            let answer = try client.post("/api/admin/rollback", body: body, fields: ["Authorization": "Bearer \(token)"])
            let value = try? LogValue.parse(answer.body).get()
            guard answer.status.code == 200, let seq = value?["seq"]?.integerValue else {
                return .failed("POST /api/admin/rollback answered \(answer.status.code): \(value?["error"]?.stringValue ?? SmokeChecks.excerpt(answer.body))")
            }
            return .done("rollback.performed at seq \(seq) to snapshot \(snapshot); emergency snapshot \(value?["emergencySnapshotId"]?.stringValue ?? "?")")
        } catch {
            return .failed(error.description)
        }
    }

    // MARK: Reading answers

    /// Why an answer could not be read.
    struct Problem: Error {
        var message: String
    }

    /// The figures of a `/metrics/dhash` answer (or of its `metrics` object alone). Missing
    /// figures count as 0, as the MOBIUS monitor read them; a figure of the wrong type is refused.
    static func metrics(inAnswer bytes: [UInt8]) -> Result<MonitorMetrics, Problem> {
        guard let value = try? LogValue.parse(bytes).get() else { return .failure(Problem(message: "the body is not JSON")) }
        let metrics = value["metrics"] ?? value
        guard case .object = metrics else { return .failure(Problem(message: "it holds no metrics object")) }
        func integer(_ key: String) throws(Problem) -> Int {
            guard let field = metrics[key] else { return 0 }
            guard let number = field.integerValue, number >= 0 else { throw Problem(message: "metrics.\(key) is \(field.kindName), not a whole number") }
            return Int(number)
        }
        func number(_ key: String) throws(Problem) -> Double {
            guard let field = metrics[key] else { return 0 }
            guard let number = field.numberValue else { throw Problem(message: "metrics.\(key) is \(field.kindName), not a number") }
            return number
        }
        do throws(Problem) {
            return .success(MonitorMetrics(totalExtractions: try integer("total_extractions"), failedExtractions: try integer("failed_extractions"),
                                           failureRate: try number("extraction_failures_rate"), averageHashTimeMs: try number("avg_hash_time"),
                                           p95HashTimeMs: try number("p95_hash_time"), reviewQueueLength: try integer("low_confidence_queue_length"),
                                           lastReset: metrics["last_reset"]?.stringValue))
        } catch {
            return .failure(error)
        }
    }

    /// The releases projection from a `GET /api/releases` answer.
    static func releases(inAnswer bytes: [UInt8]) -> ReleasesProjection? {
        try? JSONReader.withReader(over: bytes) { (reader) throws(JSONError) -> ReleasesProjection? in
            var releases: ReleasesProjection?
            var object = try reader.beginObject()
            while let key = try reader.nextKey(in: &object) {
                if key == "releases" { releases = try ReleasesProjection(from: &reader) } else { try reader.skipValue() }
            }
            return releases
        }
    }
}
