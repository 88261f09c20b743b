/// The limits of the rollback triggers (DESIGN.md "Health and rollback triggers"), defaults as
/// there; every one configurable.
public struct HealthThresholds: Sendable, Equatable {
    /// Failure rate above this fires (CRITICAL).
    public var failureRate = 0.10
    /// Failure rate above this multiple of the baseline's fires (CRITICAL).
    public var failureRateBaselineMultiple = 3.0
    /// p95 hash time above this many ms fires (WARNING).
    public var p95HashTimeMs = 30_000.0
    /// p95 above this multiple of the baseline's fires (WARNING).
    public var p95BaselineMultiple = 3.0
    /// Open review items above this fire (WARNING).
    public var reviewQueueLength = 100.0
    /// Review queue above this multiple of the baseline's fires (WARNING).
    public var reviewQueueBaselineMultiple = 5.0
    /// Consecutive failed health checks above this fire (CRITICAL).
    public var consecutiveFailedChecks = 2
    /// Extractions since a baseline was taken before baseline-relative triggers apply.
    public var baselineMinimumExtractions = 20

    /// The defaults.
    public init() {}
}

/// `OK`, `WARNING` or `CRITICAL`, worst last.
public enum HealthLevel: String, Sendable, Comparable, CaseIterable {
    case ok = "OK", warning = "WARNING", critical = "CRITICAL"

    public static func < (lhs: HealthLevel, rhs: HealthLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A trigger that is firing.
public struct FiringTrigger: Sendable, Equatable {
    /// `failure_rate`, `p95_hash_time`, `review_queue_length` or `consecutive_failed_checks`.
    public var name: String
    /// The level it sets.
    public var level: HealthLevel
    /// The measured value.
    public var value: Double
    /// The limit it passed.
    public var limit: Double
    /// Whether the limit came from the baseline.
    public var isBaselineRelative: Bool

    /// One line for people: "failure rate 0.25 > 0.10".
    public var reason: String {
        let source = isBaselineRelative ? " (baseline-relative)" : ""
        return "\(name.replacingOccurrences(of: "_", with: " ")) \(FiringTrigger.format(value)) > \(FiringTrigger.format(limit))\(source)"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int64(value)) : String(value)
    }
}

/// The service's health at a point: the level, why, and the triggers firing.
public struct HealthStatus: Sendable, Equatable {
    /// The level.
    public var level: HealthLevel
    /// Why it is not OK (one line per cause).
    public var reasons: [String]
    /// The triggers firing.
    public var firing: [FiringTrigger]
}

/// Rollback-trigger evaluation, a pure function of the figures and the thresholds.
public enum HealthEvaluation {
    /// Evaluates every trigger: each compares a value with its absolute limit and, when a
    /// baseline above zero exists and at least `baselineMinimumExtractions` extractions were
    /// counted since it was taken, with a multiple of the baseline's value. Strictly greater
    /// fires; at the limit does not. `journalWritable: false` is CRITICAL too.
    public static func evaluate(failureRate: Double, p95HashTimeMs: Double, reviewQueueLength: Int, health: HealthProjection,
                                thresholds: HealthThresholds = HealthThresholds(), journalWritable: Bool = true) -> HealthStatus {
        var firing: [FiringTrigger] = []
        let baseline = health.extractionsSinceBaseline >= thresholds.baselineMinimumExtractions ? health.baseline : nil
        func check(_ name: String, _ level: HealthLevel, _ value: Double, absolute: Double, baselineValue: Double?, multiple: Double) {
            if value > absolute {
                firing.append(FiringTrigger(name: name, level: level, value: value, limit: absolute, isBaselineRelative: false))
            } else if let baselineValue, baselineValue > 0, value > baselineValue * multiple {
                firing.append(FiringTrigger(name: name, level: level, value: value, limit: baselineValue * multiple, isBaselineRelative: true))
            }
        }
        check("failure_rate", .critical, failureRate, absolute: thresholds.failureRate, baselineValue: baseline?.failureRate,
              multiple: thresholds.failureRateBaselineMultiple)
        check("p95_hash_time", .warning, p95HashTimeMs, absolute: thresholds.p95HashTimeMs, baselineValue: baseline?.p95HashTimeMs,
              multiple: thresholds.p95BaselineMultiple)
        check("review_queue_length", .warning, Double(reviewQueueLength), absolute: thresholds.reviewQueueLength,
              baselineValue: baseline?.reviewQueueLength, multiple: thresholds.reviewQueueBaselineMultiple)
        if health.consecutiveFailedChecks > thresholds.consecutiveFailedChecks {
            firing.append(FiringTrigger(name: "consecutive_failed_checks", level: .critical, value: Double(health.consecutiveFailedChecks),
                                        limit: Double(thresholds.consecutiveFailedChecks), isBaselineRelative: false))
        }
        var reasons = firing.map(\.reason)
        var level = firing.map(\.level).max() ?? .ok
        if !journalWritable {
            level = .critical
            reasons.append("the journal cannot be written")
        }
        return HealthStatus(level: level, reasons: reasons, firing: firing)
    }
}
