/// What one poll saw: the answer of `GET /health`, the figures of `GET /metrics/dhash`, or why
/// a request got no usable answer.
public struct MonitorObservation: Sendable, Equatable {
    /// The HTTP status of `/health`; nil when it did not answer.
    public var healthStatusCode: Int?
    /// The `status` it reported (`OK`, `WARNING`, `CRITICAL`).
    public var healthLevel: String?
    /// Its `reason`, when not OK.
    public var healthReason: String?
    /// The metrics; nil when `/metrics/dhash` gave no usable answer.
    public var metrics: MonitorMetrics?
    /// Why a request failed (refused, timed out, malformed, a status other than 200 for the metrics).
    public var failure: String?
    /// How long the poll took, ms.
    public var durationMs: Double

    /// An observation with the given parts.
    public init(healthStatusCode: Int?, healthLevel: String?, healthReason: String? = nil, metrics: MonitorMetrics?,
                failure: String? = nil, durationMs: Double = 0) {
        self.healthStatusCode = healthStatusCode
        self.healthLevel = healthLevel
        self.healthReason = healthReason
        self.metrics = metrics
        self.failure = failure
        self.durationMs = durationMs
    }

    /// A poll where nothing answered usably (refused, timed out).
    public static func unanswered(_ failure: String, durationMs: Double = 0) -> MonitorObservation {
        MonitorObservation(healthStatusCode: nil, healthLevel: nil, metrics: nil, failure: failure, durationMs: durationMs)
    }

    /// Whether the check passed: `/health` answered 200 with status OK or WARNING (the
    /// `health.check` schema), and the metrics were read. A refused connection, a timeout, a
    /// 503 or unreadable metrics fail it.
    public var isPassing: Bool {
        failure == nil && healthStatusCode == 200 && (healthLevel == "OK" || healthLevel == "WARNING") && metrics != nil
    }

    /// Why the check failed, in one line; nil when it passed.
    public var failureReason: String? {
        if isPassing { return nil }
        if let failure { return failure }
        var text = "GET /health answered \(healthStatusCode.map(String.init) ?? "nothing")"
        if let healthLevel { text += " with status \(healthLevel)" }
        if let healthReason { text += ": \(healthReason)" }
        return text
    }

    /// The `health.check` event recording this poll.
    public var healthCheck: HealthChecked {
        HealthChecked(isPassing: isPassing, status: healthLevel, reason: failureReason)
    }
}
