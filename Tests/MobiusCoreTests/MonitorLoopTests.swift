import Foundation
@testable import MobiusCore
import Testing

/// Drives a `MonitorLoop` through a whole window with a fake clock and a fake service: each
/// poll takes `pollDuration` and sees what `service` says for its number (1-based) and time.
struct FakeWindow {
    var loop: MonitorLoop
    var now: Duration = .zero
    var pollDuration: Duration = .milliseconds(10)
    var service: (Int, Duration) -> MonitorObservation
    var rollbackOutcome = MonitorLoop.RollbackOutcome.done("rollback.performed at seq 99")
    /// Every action, with the time it was given.
    var actions: [(Duration, MonitorLoop.Action)] = []
    var pollsMade = 0

    init(_ plan: MonitorPlan, service: @escaping (Int, Duration) -> MonitorObservation) {
        loop = MonitorLoop(plan: plan, startedAt: 1_800_000_000_000_000)
        self.service = service
    }

    var moment: MonitorLoop.Moment { .init(elapsed: now, wallMicroseconds: 1_800_000_000_000_000 + UInt64(MonitorLoop.milliseconds(now)) * 1000) }

    /// Runs until the loop finishes (or 100,000 steps, a runaway).
    mutating func run() {
        var pending = loop.handle(.tick, at: moment)
        for _ in 0..<100_000 {
            while !pending.isEmpty {
                let action = pending.removeFirst()
                actions.append((now, action))
                switch action {
                case .poll:
                    pollsMade += 1
                    let observation = service(pollsMade, now)
                    now += pollDuration
                    pending += loop.handle(.polled(observation, recording: .recorded(seq: UInt64(pollsMade))), at: moment)
                case .rollback:
                    now += .milliseconds(5)
                    pending += loop.handle(.rolledBack(rollbackOutcome), at: moment)
                default: break
                }
            }
            guard let wake = loop.nextWake else { return }
            now = max(now, wake)
            pending = loop.handle(.tick, at: moment)
        }
        Issue.record("the loop did not finish")
    }

    var checkpointFiles: [String] {
        actions.compactMap { if case .writeCheckpoint(let name, _) = $0.1 { return name } else { return nil } }
    }

    var finish: (MonitorLoop.Verdict, String)? {
        actions.compactMap { if case .finish(let verdict, let summary) = $0.1 { return (verdict, summary) } else { return nil } }.first
    }

    var said: [String] { actions.compactMap { if case .say(let line) = $0.1 { return line } else { return nil } } }

    func json(_ fileName: String) throws -> [String: Any] {
        let bytes = try #require(actions.compactMap { if case .writeCheckpoint(fileName, let json) = $0.1 { return json } else { return nil } }.first)
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }
}

extension MonitorObservation {
    static func healthy(rate: Double = 0, p95: Double = 5, queue: Int = 0, total: Int = 100, lastReset: String? = "2026-01-01T00:00:00Z") -> MonitorObservation {
        MonitorObservation(healthStatusCode: 200, healthLevel: "OK",
                           metrics: MonitorMetrics(totalExtractions: total, failedExtractions: Int(Double(total) * rate), failureRate: rate,
                                                   averageHashTimeMs: 3, p95HashTimeMs: p95, reviewQueueLength: queue, lastReset: lastReset))
    }
}

@Suite struct MonitorLoopTests {
    static func plan(window: Duration = .seconds(60), interval: Duration = .seconds(1), checkpoints: [Duration] = [.seconds(5), .seconds(15), .seconds(30), .seconds(60)],
                     baseline: MonitorBaseline? = nil, rollback: String? = nil) -> MonitorPlan {
        MonitorPlan(url: "http://127.0.0.1:5001", window: window, interval: interval, checkpoints: checkpoints, baseline: baseline, rollbackSnapshot: rollback)
    }

    @Test func aHealthyWindowPollsEverySlotWritesEveryCheckpointOnceAndPasses() throws {
        var window = FakeWindow(Self.plan()) { _, _ in .healthy() }
        window.run()
        #expect(window.finish?.0 == .passed)
        #expect(window.pollsMade == 61, "T+0 … T+60s inclusive")
        #expect(window.loop.skippedPolls == 0)
        #expect(window.checkpointFiles == ["monitoring-snapshot-T+5s.json", "monitoring-snapshot-T+15s.json",
                                           "monitoring-snapshot-T+30s.json", "monitoring-snapshot-T+1m.json"])
        let last = try window.json("monitoring-snapshot-T+1m.json")
        #expect(last["polls"] as? Int == 61, "the last checkpoint holds the poll made at its time")
        #expect(last["checkpoint"] as? String == "T+1m" && last["kind"] as? String == "checkpoint")
        #expect((last["metrics"] as? [String: Any])?["total_extractions"] as? Int == 100)
        #expect(try window.json("monitoring-snapshot-T+5s.json")["polls"] as? Int == 6)
        guard case .writeReport(let report)? = window.actions.last(where: { if case .writeReport = $0.1 { true } else { false } })?.1 else {
            Issue.record("no report"); return
        }
        let final = try #require(try JSONSerialization.jsonObject(with: Data(report)) as? [String: Any])
        #expect(final["state"] as? String == "passed")
        #expect(final["checkpointsWritten"] as? [String] == ["T+5s", "T+15s", "T+30s", "T+1m"])
        #expect(window.finish?.1.contains("passed with no trigger") == true)
    }

    @Test func sixtyCheckpointsAtOneSecondIntervalsAreEachWrittenOnceWithNoMissedPoll() {
        var window = FakeWindow(Self.plan(checkpoints: (1...60).map { .seconds($0) })) { _, _ in .healthy() }
        window.pollDuration = .milliseconds(300)
        window.run()
        #expect(window.checkpointFiles == (1...59).map { "monitoring-snapshot-T+\($0)s.json" } + ["monitoring-snapshot-T+1m.json"])
        #expect(window.pollsMade == 61 && window.loop.skippedPolls == 0)
        #expect(window.finish?.0 == .passed)
    }

    @Test func minutesNameTheFilesAsTheOriginalDid() {
        var window = FakeWindow(Self.plan(window: .seconds(3600), interval: .seconds(30),
                                          checkpoints: [.seconds(300), .seconds(900), .seconds(1800), .seconds(3600)])) { _, _ in .healthy() }
        window.run()
        #expect(window.checkpointFiles == ["monitoring-snapshot-T+5m.json", "monitoring-snapshot-T+15m.json",
                                           "monitoring-snapshot-T+30m.json", "monitoring-snapshot-T+60m.json"])
        #expect(window.pollsMade == 121)
    }

    @Test func aCheckpointBetweenPollsIsWrittenAtItsTimeWithTheLatestPoll() throws {
        var window = FakeWindow(Self.plan(window: .seconds(90), interval: .seconds(30), checkpoints: [.seconds(45), .seconds(90)])) { _, _ in .healthy() }
        window.run()
        let written = window.actions.first { if case .writeCheckpoint = $0.1 { true } else { false } }
        #expect(written?.0 == .seconds(45))
        #expect(try window.json("monitoring-snapshot-T+45s.json")["polls"] as? Int == 2)
        #expect(window.pollsMade == 4)
    }

    @Test func pollsThatOverrunSkipSlotsInsteadOfBursting() {
        var window = FakeWindow(Self.plan(window: .seconds(10), checkpoints: [.seconds(5), .seconds(10)])) { _, _ in .healthy() }
        window.pollDuration = .milliseconds(2500)
        window.run()
        let pollTimes = window.actions.filter { $0.1 == .poll }.map(\.0)
        #expect(pollTimes == [.zero, .seconds(3), .seconds(6), .seconds(9)], "each poll at the next slot not yet passed")
        #expect(window.loop.skippedPolls == 7)
        #expect(window.checkpointFiles.count == 2)
        #expect(window.finish?.0 == .passed)
    }

    // MARK: Triggers

    /// The verdict of a window whose every poll sees `observation`, and the trigger names fired.
    static func verdict(_ observation: MonitorObservation, baseline: MonitorBaseline? = nil) -> (MonitorLoop.Verdict?, [String]) {
        var window = FakeWindow(plan(window: .seconds(3), checkpoints: [.seconds(3)], baseline: baseline)) { _, _ in observation }
        window.run()
        return (window.finish?.0, window.loop.fired.map(\.trigger.name))
    }

    @Test(arguments: [
        (MonitorObservation.healthy(rate: 0.10), []),
        (.healthy(rate: 0.1000001), ["failure_rate"]),
        (.healthy(p95: 30_000), []),
        (.healthy(p95: 30_000.5), ["p95_hash_time"]),
        (.healthy(queue: 100), []),
        (.healthy(queue: 101), ["review_queue_length"]),
    ])
    func eachAbsoluteTriggerFiresOnlyAboveItsLimit(observation: MonitorObservation, firing: [String]) {
        let (verdict, fired) = Self.verdict(observation)
        #expect(fired == firing)
        #expect(verdict == (firing.isEmpty ? .passed : .triggered(firing)))
    }

    @Test func baselineTriggersNeedTwentyExtractionsSinceAndFireAboveTheMultiple() {
        let figures = MetricsBaseline(failureRate: 0.02, p95HashTimeMs: 10, reviewQueueLength: 4, extractions: 500)
        let deployment = MonitorBaseline(figures: figures, source: "deployment d1")
        #expect(Self.verdict(.healthy(rate: 0.07, total: 20), baseline: deployment).1 == ["failure_rate"])
        #expect(Self.verdict(.healthy(rate: 0.07, total: 19), baseline: deployment).1 == [], "fewer than 20 extractions since the baseline")
        #expect(Self.verdict(.healthy(rate: 0.06, total: 50), baseline: deployment).1 == [], "at 3× exactly does not fire")
        #expect(Self.verdict(.healthy(p95: 30.5, total: 50), baseline: deployment).1 == ["p95_hash_time"])
        #expect(Self.verdict(.healthy(queue: 21, total: 50), baseline: deployment).1 == ["review_queue_length"])
        #expect(Self.verdict(.healthy(queue: 20, total: 50), baseline: deployment).1 == [])
        let zero = MonitorBaseline(figures: MetricsBaseline(failureRate: 0, p95HashTimeMs: 0, reviewQueueLength: 0, extractions: 0), source: "file")
        #expect(Self.verdict(.healthy(rate: 0.05, total: 100), baseline: zero).1 == [], "a zero baseline leaves only the absolute limits")

        // A saved answer counts extractions since it while counting has not restarted.
        let saved = MonitorBaseline(figures: figures, source: "file", totalExtractions: 90, lastReset: "2026-01-01T00:00:00Z")
        #expect(saved.extractions(since: MonitorObservation.healthy(total: 100).metrics!) == 10)
        #expect(Self.verdict(.healthy(rate: 0.07, total: 100), baseline: saved).1 == [], "10 since the saved answer")
        #expect(saved.extractions(since: MonitorObservation.healthy(total: 30, lastReset: "2026-02-01T00:00:00Z").metrics!) == 30)
    }

    @Test func consecutiveFailuresFireAboveTwoAndAPassResetsTheCount() {
        let refused = MonitorObservation.unanswered("GET http://127.0.0.1:5001/health: connection refused: nothing listens")
        func run(_ pattern: [Bool]) -> [String] {
            var window = FakeWindow(Self.plan(window: .seconds(pattern.count - 1), checkpoints: [])) { number, _ in pattern[number - 1] ? .healthy() : refused }
            window.run()
            return window.loop.fired.map(\.trigger.name)
        }
        #expect(run([false, false, true]) == [])
        #expect(run([false, false, false]) == ["consecutive_failed_checks"])
        #expect(run([false, false, true, false, false, true]) == [], "a pass resets the count")
    }

    @Test func a503AndARefusedConnectionAreFailedChecks() {
        let critical = MonitorObservation(healthStatusCode: 503, healthLevel: "CRITICAL", healthReason: "failure rate 0.5 > 0.1",
                                          metrics: MonitorObservation.healthy().metrics)
        #expect(!critical.isPassing)
        #expect(critical.healthCheck == HealthChecked(isPassing: false, status: "CRITICAL", reason: "GET /health answered 503 with status CRITICAL: failure rate 0.5 > 0.1"))
        let refused = MonitorObservation.unanswered("connection refused")
        #expect(!refused.isPassing && refused.healthCheck == HealthChecked(isPassing: false, status: nil, reason: "connection refused"))
        let warning = MonitorObservation(healthStatusCode: 200, healthLevel: "WARNING", metrics: MonitorObservation.healthy().metrics)
        #expect(warning.isPassing && warning.healthCheck == HealthChecked(isPassing: true, status: "WARNING", reason: nil))
        let noMetrics = MonitorObservation(healthStatusCode: 200, healthLevel: "OK", metrics: nil, failure: "GET /metrics/dhash: timed out")
        #expect(!noMetrics.isPassing)
        #expect(Self.verdict(critical).1 == ["consecutive_failed_checks"])
    }

    // MARK: Rollback

    @Test func aTriggerWithARollbackSnapshotRollsBackAndEndsTheWindow() throws {
        var window = FakeWindow(Self.plan(rollback: "00000000000000000042-abcd")) { number, _ in
            number < 10 ? .healthy() : .healthy(rate: 0.25, p95: 40_000)
        }
        window.run()
        let rollbacks = window.actions.compactMap { action -> (String, FiringTrigger, String)? in
            if case .rollback(let snapshot, let trigger, let reason) = action.1 { return (snapshot, trigger, reason) }
            return nil
        }
        #expect(rollbacks.count == 1)
        #expect(rollbacks.first?.0 == "00000000000000000042-abcd")
        #expect(rollbacks.first?.1.name == "failure_rate", "the CRITICAL trigger comes before the WARNING one")
        #expect(rollbacks.first?.2.contains("failure rate 0.25 > 0.1") == true)
        #expect(window.finish?.0 == .rolledBack(trigger: "failure_rate"))
        #expect(window.pollsMade == 10, "no poll after the rollback")
        #expect(window.checkpointFiles == ["monitoring-snapshot-T+5s.json"], "later checkpoints are never written")
        #expect(window.said.contains { $0.contains("TRIGGER failure rate 0.25 > 0.1 (CRITICAL)") })
        #expect(window.finish?.1.contains("rolled back to snapshot 00000000000000000042-abcd") == true)
    }

    @Test func aFailedRollbackIsTheVerdict() {
        var window = FakeWindow(Self.plan(rollback: "s1")) { _, _ in .unanswered("timed out") }
        window.rollbackOutcome = .failed("POST /api/admin/rollback: connection refused")
        window.run()
        #expect(window.finish?.0 == .rollbackFailed(trigger: "consecutive_failed_checks"))
        #expect(window.pollsMade == 3)
        #expect(window.said.contains { $0.contains("ROLLBACK FAILED: POST /api/admin/rollback: connection refused") })
    }

    @Test func withoutARollbackATriggerIsReportedOnceAndTheWindowGoesOn() {
        var window = FakeWindow(Self.plan(window: .seconds(20), checkpoints: [.seconds(10), .seconds(20)])) { number, _ in
            number == 5 ? .healthy(queue: 500) : .healthy()
        }
        window.run()
        #expect(window.pollsMade == 21 && window.checkpointFiles.count == 2)
        #expect(window.finish?.0 == .triggered(["review_queue_length"]))
        #expect(window.said.filter { $0.contains("TRIGGER") }.count == 1)
    }

    @Test func inputsOutOfTurnAreIgnored() {
        var loop = MonitorLoop(plan: Self.plan(), startedAt: 0)
        let moment = MonitorLoop.Moment(elapsed: .zero, wallMicroseconds: 0)
        #expect(loop.handle(.polled(.healthy(), recording: .recorded(seq: 1)), at: moment) == [])
        #expect(loop.handle(.tick, at: moment) == [.poll])
        #expect(loop.nextWake == nil, "no wake while the poll is under way")
        #expect(loop.handle(.tick, at: moment) == [])
        #expect(loop.handle(.rolledBack(.done("x")), at: moment) == [])
    }

    @Test func aFailedRecordingIsCountedAndSaid() {
        var loop = MonitorLoop(plan: Self.plan(), startedAt: 0)
        _ = loop.handle(.tick, at: .init(elapsed: .zero, wallMicroseconds: 0))
        let actions = loop.handle(.polled(.healthy(), recording: .failed("401: the admin token is wrong")), at: .init(elapsed: .milliseconds(20), wallMicroseconds: 0))
        #expect(loop.recordFailures == 1)
        #expect(actions.contains { if case .say(let line) = $0 { line.hasSuffix("health.check not recorded: 401: the admin token is wrong") } else { false } })
    }
}
