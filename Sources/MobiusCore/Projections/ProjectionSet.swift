import Integrity
import JSON

/// The domain projections a rollback returns to an earlier point: library, review queue,
/// schema and the active release per environment. (Metrics, health, logs and the release
/// history are the operational record, which keeps everything.)
public struct DomainState: Sendable, Equatable {
    /// The library.
    public var library: LibraryProjection
    /// The review queue.
    public var reviewQueue: ReviewQueueProjection
    /// The schema.
    public var schema: SchemaProjection
    /// The active deployment id per environment.
    public var activeReleases: [String: String]
}

/// Every projection, folded together over one journal: what the service knows at `seq`.
///
/// Folds are pure and deterministic: the same events give byte-identical canonical encodings,
/// whether folded live, replayed in full, or continued from a snapshot.
public struct ProjectionSet: Sendable, Equatable {
    /// Each projection's version; a snapshot with other versions is not used.
    public static let versions: [String: Int] = [
        MetricsProjection.name: MetricsProjection.version, HealthProjection.name: HealthProjection.version,
        LibraryProjection.name: LibraryProjection.version, ReviewQueueProjection.name: ReviewQueueProjection.version,
        SchemaProjection.name: SchemaProjection.version, ReleasesProjection.name: ReleasesProjection.version,
    ]

    /// The last seq folded (0: none).
    public internal(set) var seq: UInt64 = 0
    /// Its timestamp, µs.
    public internal(set) var timestamp: UInt64 = 0
    /// Extraction counts and timings.
    public internal(set) var metrics = MetricsProjection()
    /// Health checks and the baseline.
    public internal(set) var health = HealthProjection()
    /// The library.
    public internal(set) var library = LibraryProjection()
    /// The review queue.
    public internal(set) var reviewQueue = ReviewQueueProjection()
    /// The schema.
    public internal(set) var schema = SchemaProjection()
    /// Deployments and rollbacks.
    public internal(set) var releases = ReleasesProjection()

    /// Nothing folded yet.
    public init() {}

    /// The domain state now.
    public var domainState: DomainState {
        DomainState(library: library, reviewQueue: reviewQueue, schema: schema, activeReleases: releases.active)
    }

    /// Folds `event` into every projection. A `rollback.performed` first sets the domain
    /// projections to `domainStateAt(toSeq)` — the engine answers from a verified snapshot at
    /// that seq or by replaying the journal up to it, so a full replay reproduces the rolled-back
    /// state exactly. Events must come in seq order.
    public mutating func apply<E: Error>(_ event: RecordedEvent, domainStateAt: (UInt64) throws(E) -> DomainState) throws(E) {
        precondition(event.seq > seq, "events fold in seq order (got \(event.seq) after \(seq))")
        if case .rollbackPerformed(let rollback) = event.event, rollback.toSeq < event.seq {
            let restored = try domainStateAt(rollback.toSeq)
            library = restored.library
            reviewQueue = restored.reviewQueue
            schema = restored.schema
            releases.active = restored.activeReleases
        }
        metrics.apply(event)
        health.apply(event)
        library.apply(event)
        reviewQueue.apply(event)
        schema.apply(event)
        releases.apply(event)
        seq = event.seq
        timestamp = event.timestamp
    }

    /// The metrics the HTTP contract serves, at `queryTime` (µs; the state's own timestamp
    /// for "now" in replays and time travel).
    public func metricsSummary(at queryTime: UInt64) -> MetricsSummary {
        MetricsSummary(projections: self, at: queryTime)
    }
}

/// The figures of `GET /metrics/dhash` and the health triggers, at one point in time.
public struct MetricsSummary: Sendable, Equatable {
    public var totalExtractions: Int
    public var successfulExtractions: Int
    public var failedExtractions: Int
    /// A fraction 0…1.
    public var failureRate: Double
    /// ms.
    public var averageHashTimeMs: Double
    /// ms.
    public var p95HashTimeMs: Double
    /// Open review items.
    public var reviewQueueLength: Int
    /// When counting last started, µs.
    public var lastReset: UInt64?
    /// ms since `lastReset`, to the query point.
    public var uptimeMs: Double
    /// 5-, 15- and 60-minute windows back from the query point.
    public var windows: [MetricsWindow]

    init(projections: ProjectionSet, at queryTime: UInt64) {
        let metrics = projections.metrics
        totalExtractions = metrics.total
        successfulExtractions = metrics.successful
        failedExtractions = metrics.failed
        failureRate = metrics.failureRate
        averageHashTimeMs = metrics.averageHashTimeMs
        p95HashTimeMs = metrics.p95HashTimeMs
        reviewQueueLength = projections.reviewQueue.open.count
        lastReset = metrics.countingSince
        uptimeMs = metrics.countingSince.map { queryTime > $0 ? Double(queryTime - $0) / 1000 : 0 } ?? 0
        windows = [300, 900, 3_600].map { metrics.window(seconds: $0, endingAt: queryTime) }
    }

    /// The health triggers evaluated on these figures.
    public func health(_ health: HealthProjection, thresholds: HealthThresholds = HealthThresholds(), journalWritable: Bool = true) -> HealthStatus {
        HealthEvaluation.evaluate(failureRate: failureRate, p95HashTimeMs: p95HashTimeMs, reviewQueueLength: reviewQueueLength,
                                  health: health, thresholds: thresholds, journalWritable: journalWritable)
    }
}
