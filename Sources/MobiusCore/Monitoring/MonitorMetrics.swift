/// The figures of `GET /metrics/dhash` the monitor evaluates (the MOBIUS names in brackets).
public struct MonitorMetrics: Sendable, Equatable {
    /// Extractions since the last reset (`total_extractions`).
    public var totalExtractions: Int
    /// Of those, failed (`failed_extractions`).
    public var failedExtractions: Int
    /// Failed / total, 0…1 (`extraction_failures_rate`).
    public var failureRate: Double
    /// Mean hash time, ms (`avg_hash_time`).
    public var averageHashTimeMs: Double
    /// p95 hash time, ms (`p95_hash_time`).
    public var p95HashTimeMs: Double
    /// Open review items (`low_confidence_queue_length`).
    public var reviewQueueLength: Int
    /// When counting last restarted, as the service wrote it (`last_reset`).
    public var lastReset: String?

    /// Figures with the given values.
    public init(totalExtractions: Int, failedExtractions: Int, failureRate: Double, averageHashTimeMs: Double,
                p95HashTimeMs: Double, reviewQueueLength: Int, lastReset: String?) {
        self.totalExtractions = totalExtractions
        self.failedExtractions = failedExtractions
        self.failureRate = failureRate
        self.averageHashTimeMs = averageHashTimeMs
        self.p95HashTimeMs = p95HashTimeMs
        self.reviewQueueLength = reviewQueueLength
        self.lastReset = lastReset
    }
}
