@testable import MobiusCore
import Testing

/// Each trigger fires strictly above its threshold, never at it; baselines count only with
/// enough extractions behind them; failed checks reset on a passing one.
@Suite struct HealthEvaluationTests {
    static func health(baseline: MetricsBaseline? = nil, since extractions: Int = 0, failedChecks: Int = 0) -> HealthProjection {
        var health = HealthProjection()
        health.baseline = baseline
        health.extractionsSinceBaseline = extractions
        health.consecutiveFailedChecks = failedChecks
        return health
    }

    static func level(_ failure: Double = 0, p95: Double = 0, queue: Int = 0, _ health: HealthProjection = HealthEvaluationTests.health()) -> HealthStatus {
        HealthEvaluation.evaluate(failureRate: failure, p95HashTimeMs: p95, reviewQueueLength: queue, health: health)
    }

    @Test func absoluteLimitsFireOnlyAbove() {
        #expect(HealthEvaluationTests.level(0.10).level == .ok)
        #expect(HealthEvaluationTests.level(0.1000001).level == .critical)
        #expect(HealthEvaluationTests.level(p95: 30_000).level == .ok)
        #expect(HealthEvaluationTests.level(p95: 30_000.5).level == .warning)
        #expect(HealthEvaluationTests.level(queue: 100).level == .ok)
        #expect(HealthEvaluationTests.level(queue: 101).level == .warning)
        #expect(HealthEvaluationTests.level(0, HealthEvaluationTests.health(failedChecks: 2)).level == .ok)
        #expect(HealthEvaluationTests.level(0, HealthEvaluationTests.health(failedChecks: 3)).level == .critical)
        let both = HealthEvaluationTests.level(0.5, queue: 101)
        #expect(both.level == .critical && both.firing.map(\.name) == ["failure_rate", "review_queue_length"])
        #expect(both.reasons.first == "failure rate 0.5 > 0.1")
    }

    @Test func baselineMultiplesApplyWithTwentyExtractionsAndANonZeroBaseline() {
        let baseline = MetricsBaseline(failureRate: 0.02, p95HashTimeMs: 100, reviewQueueLength: 4, extractions: 500)
        let ready = HealthEvaluationTests.health(baseline: baseline, since: 20)
        #expect(HealthEvaluationTests.level(0.06, ready).level == .ok, "exactly 3× does not fire")
        let fired = HealthEvaluationTests.level(0.0601, ready)
        #expect(fired.level == .critical && fired.firing.first?.isBaselineRelative == true)
        #expect(HealthEvaluationTests.level(0.0601, HealthEvaluationTests.health(baseline: baseline, since: 19)).level == .ok, "under 20 extractions only absolute limits")
        #expect(HealthEvaluationTests.level(p95: 300.1, ready).level == .warning)
        #expect(HealthEvaluationTests.level(p95: 300, ready).level == .ok)
        #expect(HealthEvaluationTests.level(queue: 21, ready).level == .warning)
        #expect(HealthEvaluationTests.level(queue: 20, ready).level == .ok)
        let zero = HealthEvaluationTests.health(baseline: MetricsBaseline(failureRate: 0, p95HashTimeMs: 0, reviewQueueLength: 0, extractions: 50), since: 50)
        #expect(HealthEvaluationTests.level(0.05, queue: 3, zero).level == .ok, "a zero baseline is not 'any failure fires'")
    }

    @Test func consecutiveFailuresResetOnAPassingCheck() {
        var health = HealthProjection()
        var seq: UInt64 = 0
        func check(_ passing: Bool) {
            seq += 1
            health.apply(RecordedEvent(seq: seq, timestamp: seq, requestId: nil, event: .healthChecked(HealthChecked(isPassing: passing, status: nil, reason: passing ? nil : "refused"))))
        }
        for _ in 0..<3 { check(false) }
        #expect(health.consecutiveFailedChecks == 3)
        check(true)
        #expect(health.consecutiveFailedChecks == 0 && health.failedChecks == 3 && health.checks == 4)
        check(false)
        #expect(health.consecutiveFailedChecks == 1 && health.lastCheckReason == "refused")
    }

    @Test func notBeingAbleToWriteTheJournalIsCritical() {
        let status = HealthEvaluation.evaluate(failureRate: 0, p95HashTimeMs: 0, reviewQueueLength: 0, health: HealthProjection(), journalWritable: false)
        #expect(status.level == .critical && status.reasons == ["the journal cannot be written"])
    }
}
