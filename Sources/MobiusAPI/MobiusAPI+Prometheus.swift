import HTTP
import Journal
import MobiusCore

extension MobiusAPI {
    /// `GET /metrics`: Prometheus text exposition 0.0.4. The domain figures come from the live
    /// projections at scrape time (extraction totals count since the last `metrics.reset`, which
    /// Prometheus reads as a counter reset); request counts and latency histograms from this
    /// process's `telemetry`.
    func prometheus(requestId: String) -> HTTPResponse {
        var exposition = PrometheusExposition()
        let now = JournalConfiguration.systemClock()
        let (summary, status) = engine.health(at: now)
        let projections = engine.projections
        exposition.gauge("mobius_build_info", help: "The running version (always 1)", [([("version", version), ("service", "dhash")], 1)])
        exposition.counter("mobius_extractions_total", help: "Extractions since the last metrics.reset, by outcome",
                           [([("outcome", "success")], Double(summary.successfulExtractions)), ([("outcome", "failure")], Double(summary.failedExtractions))])
        exposition.gauge("mobius_extraction_failure_ratio", help: "Failed extractions as a fraction of all since the last metrics.reset", value: summary.failureRate)
        exposition.gauge("mobius_hash_time_p95_seconds", help: "95th percentile hash time of the last 1,000 extractions", value: summary.p95HashTimeMs / 1000)
        exposition.gauge("mobius_review_queue_open", help: "Review items waiting for a decision", value: Double(summary.reviewQueueLength))
        exposition.gauge("mobius_library_images", help: "Images in the library", value: Double(projections.library.count))
        exposition.gauge("mobius_schema_version", help: "Migrations applied", value: Double(projections.schema.currentVersion))
        exposition.gauge("mobius_health_status", help: "1 for the health level in force, 0 for the others",
                         HealthLevel.allCases.map { ([("level", $0.rawValue)], $0 == status.level ? 1 : 0) })
        exposition.gauge("mobius_journal_head_seq", help: "The seq of the journal's last event", value: Double(engine.head.seq))
        exposition.gauge("mobius_journal_writable", help: "1 while the journal accepts appends", value: engine.journalProblem == nil ? 1 : 0)
        if let newest = (try? engine.listSnapshots())?.compactMap(\.header).max(by: { $0.seq < $1.seq }) {
            exposition.gauge("mobius_last_snapshot_age_seconds", help: "Seconds since the newest snapshot was written",
                             value: Double(now > newest.timestamp ? now - newest.timestamp : 0) / 1e6)
            exposition.gauge("mobius_last_snapshot_seq", help: "The seq the newest snapshot reflects", value: Double(newest.seq))
        }
        telemetry.write(to: &exposition)
        return HTTPResponse(status: .ok, fields: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8", "X-Request-Id": requestId],
                            body: .bytes(Array(exposition.text.utf8)))
    }
}
