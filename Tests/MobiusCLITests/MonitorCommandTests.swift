import Foundation
@testable import MobiusCLI
import MobiusCore
import POSIX
import TestSupport
import Testing

/// `monitor` for real: a real `serve` process and windows of a few seconds. The schedule
/// and the triggers are tested in detail with a fake clock in `MonitorLoopTests`.
@Suite(.serialized) struct MonitorCommandTests {
    static func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func object(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func aHealthyWindowRecordsEveryPollWritesEveryCheckpointAndExitsZero() async throws {
        let service = try LiveService()
        let reports = service.directory.appending("reports")
        let run = await BlockingRun(["monitor", "--window", "2s", "--interval", "500ms", "--checkpoints", "1s,2s", "--report-dir", reports] + service.options)
        #expect(run.status == .success, "\(run.output)\(run.errors)")
        #expect(Self.files(reports) == ["monitoring-report.json", "monitoring-snapshot-T+1s.json", "monitoring-snapshot-T+2s.json"])
        #expect(run.lines.filter { $0.contains(" poll ") && $0.contains(": ok") }.count == 5)
        #expect(run.lines.last?.hasPrefix("monitor: window of 2s passed with no trigger (5 poll(s), 0 failed, 0 skipped; 2 checkpoint(s) written)") == true, "\(run.output)")
        #expect(try service.eventCount("health.check") == 5, "every poll is a health.check in the journal")
        #expect((try service.json("/health")["checks"] as? [String: Any])?["consecutiveFailedChecks"] as? Int == 0)
        let last = try Self.object(reports + "/monitoring-snapshot-T+2s.json")
        #expect(last["polls"] as? Int == 5 && last["healthChecksRecorded"] as? Int == 5)
        #expect(try Self.object(reports + "/monitoring-report.json")["state"] as? String == "passed")

        let again = await BlockingRun(["monitor", "--window", "1s", "--interval", "1s", "--report-dir", reports] + service.options)
        #expect(again.status == .usageOrUnreadable && again.errors.contains("already holds monitoring-snapshot-T+1s.json"), "\(again.errors)")
        service.stop()
    }

    @Test func failuresDuringTheWindowFireTheTriggerAndRollBack() async throws {
        let service = try LiveService()
        #expect(try service.admin("/api/admin/library?source=test&id=before", body: GeneratedImage.pgm(seed: 1), contentType: "image/x-portable-anymap").status.code == 201)
        let older = try #require(try JSONSerialization.jsonObject(with: Data(service.admin("/api/admin/snapshot").body)) as? [String: Any])
        #expect(try service.admin("/api/admin/library?source=test&id=after", body: GeneratedImage.pgm(seed: 2), contentType: "image/x-portable-anymap").status.code == 201)
        let reports = service.directory.appending("reports")
        async let monitored = BlockingRun(["monitor", "--window", "20s", "--interval", "500ms", "--checkpoints", "1s,20s", "--auto-rollback",
                                           "--report-dir", reports] + service.options)
        try await Task.sleep(for: .milliseconds(1_500))
        // A change during the window, then undecodable uploads: each is an extraction.failed, so the failure rate climbs to 1.
        #expect(try service.admin("/api/admin/library?source=test&id=during", body: GeneratedImage.pgm(seed: 3), contentType: "image/x-portable-anymap").status.code == 201)
        let client = try service.client()
        for _ in 0..<4 { #expect(try client.post("/api/dhash/extract", body: Array("not an image".utf8), contentType: "application/octet-stream").status.code == 422) }
        let run = await monitored
        #expect(run.status == .checkFailed, "\(run.output)\(run.errors)")
        // No deployment names a snapshot: the monitor took one as the window started, not the older one on disk.
        let announced = try #require(run.lines.first?.components(separatedBy: "auto-rollback to snapshot ").last?.components(separatedBy: ";").first)
        #expect(announced != older["id"] as? String, "\(run.output)")
        #expect(run.output.contains("TRIGGER failure rate 1 > 0.1 (CRITICAL)"), "\(run.output)")
        #expect(run.lines.last?.hasPrefix("monitor: trigger failure_rate fired") == true, "\(run.output)")
        let library = try service.json("/api/library")
        #expect(library["count"] as? Int == 2, "the library is back as the window started: before and after, not during")
        #expect(try service.client().get("/api/library/during").status.code == 404)
        let releases = try #require(MonitorProbe.releases(inAnswer: try service.client().get("/api/releases").body))
        let rollback = try #require(releases.rollbacks.last?.rollback)
        #expect(rollback.trigger == "failure_rate" && rollback.snapshotId == announced)
        #expect(Self.files(reports) == ["monitoring-report.json", "monitoring-snapshot-T+1s.json"], "T+20s never came")
        #expect(try Self.object(reports + "/monitoring-report.json")["state"] as? String == "rolled back")
        service.stop()
    }

    @Test func aServiceThatIsNotThereIsFailedChecksNotACrash() async throws {
        let directory = try TemporaryDirectory("mobius-monitor")
        defer { directory.remove() }
        let token = directory.appending("admin-token")
        #expect(FileManager.default.createFile(atPath: token, contents: Data("t\n".utf8), attributes: [.posixPermissions: 0o600]))
        let port = try LiveService.unusedPort()
        let run = await BlockingRun(["monitor", "--url", "http://127.0.0.1:\(port)", "--window", "2s", "--interval", "500ms", "--timeout", "300ms",
                                     "--report-dir", directory.appending("r"), "--admin-token-file", token])
        #expect(run.status == .checkFailed, "\(run.output)\(run.errors)")
        #expect(run.output.contains("FAILED (3 in a row) — GET http://127.0.0.1:\(port)/health: connection refused"), "\(run.output)")
        #expect(run.output.contains("TRIGGER consecutive failed checks 3 > 2 (CRITICAL)"))
        #expect(run.lines.last?.hasPrefix("monitor: trigger(s) fired: consecutive_failed_checks; no rollback was asked for (5 poll(s), 5 failed") == true, "\(run.output)")
        #expect(Self.files(directory.appending("r")) == ["monitoring-report.json", "monitoring-snapshot-T+2s.json"], "the window's end is the default checkpoint")
    }

    @Test func aSavedMetricsAnswerIsABaselineAndADeploymentOneIsRequiredWhenAsked() async throws {
        let service = try LiveService()
        let saved = service.directory.appending("before.json")
        try Data(#"{"timestamp":"2026-01-01T00:00:00Z","service":"dhash","metrics":{"total_extractions":40,"failed_extractions":1,"extraction_failures_rate":0.025,"avg_hash_time":2,"p95_hash_time":4.5,"low_confidence_queue_length":3,"last_reset":null,"uptime_ms":10}}"#.utf8)
            .write(to: URL(fileURLWithPath: saved))
        let run = await BlockingRun(["monitor", "--window", "1s", "--interval", "1s", "--baseline", saved, "--report-dir", service.directory.appending("r")] + service.options)
        #expect(run.status == .success, "\(run.output)\(run.errors)")
        #expect(run.lines.first?.contains("baseline: file \(saved) (failure rate 0.025, p95 4.5 ms, queue 3)") == true, "\(run.output)")
        let noDeployment = await BlockingRun(["monitor", "--window", "1s", "--interval", "1s", "--baseline-from-deployment",
                                              "--report-dir", service.directory.appending("r2")] + service.options)
        #expect(noDeployment.status == .usageOrUnreadable && noDeployment.errors.contains("no deployment recorded a baseline"), "\(noDeployment.errors)")
        try Data("[1,2]".utf8).write(to: URL(fileURLWithPath: saved))
        let bad = await BlockingRun(["monitor", "--window", "1s", "--interval", "1s", "--baseline", saved, "--report-dir", service.directory.appending("r3")] + service.options)
        #expect(bad.status == .usageOrUnreadable && bad.errors.contains("is not a saved GET /metrics/dhash answer"), "\(bad.errors)")
        service.stop()
    }

    @Test(arguments: [
        (["monitor", "--interval", "2m", "--window", "1m"], "--interval 2m is longer than --window 1m"),
        (["monitor", "--window", "10s", "--interval", "1s", "--checkpoints", "5s,15s"], "checkpoint 15s is after the end of the --window 10s"),
        (["monitor", "--checkpoints", "5m,5m"], "5m is given twice"),
        (["monitor", "--window", "10"], "a duration from 1s to 1440m"),
        (["monitor", "--baseline", "a.json", "--baseline-from-deployment"], "not both"),
        (["monitor", "--admin-token-file", "/nonexistent/token", "--url", "http://127.0.0.1:1"], "no admin token"),
    ])
    func refusals(arguments: [String], message: String) async {
        let run = await BlockingRun(arguments)
        #expect(run.status == .usageOrUnreadable)
        #expect(run.errors.contains(message), "\(run.errors)")
    }

    @Test func checkpointsDefaultToThoseWithinTheWindowAndItsEnd() throws {
        func checkpoints(_ words: [String]) throws -> [String] {
            guard case .run(_, let runnable) = Invocation(parsing: words.map { CommandWord($0) }, root: MobiusCommandLine.root),
                  let monitor = runnable.command as? MonitorCommand else { throw CommandFailure.usage("not parsed") }
            return monitor.checkpointTimes.map(MonitorPlan.label)
        }
        #expect(try checkpoints(["monitor"]) == ["T+5m", "T+15m", "T+30m", "T+60m"])
        #expect(try checkpoints(["monitor", "--window", "20m"]) == ["T+5m", "T+15m", "T+20m"])
        #expect(try checkpoints(["monitor", "--window", "3s", "--interval", "1s"]) == ["T+3s"])
        #expect(try checkpoints(["monitor", "--window", "2h", "--checkpoints", "1h,30m"]) == ["T+30m", "T+60m"])
        #expect(DurationText.parse("250ms") == .milliseconds(250) && DurationText.parse("90s") == .seconds(90) && DurationText.parse("2h") == .seconds(7_200))
        #expect(DurationText.parse("5") == nil && DurationText.parse("m") == nil && DurationText.parse("1.5s") == nil && DurationText.parse("-1s") == nil)
    }
}
