import Imaging
@testable import MobiusCore
import TestSupport

/// Seeded random streams of realistic events, for property tests of the folds.
struct EventStream {
    private var random: SeededGenerator
    private(set) var seq: UInt64 = 0
    private(set) var timestamp: UInt64 = 1_795_000_000_000_000
    private var imageIds: [String] = []
    private var openItems: [String] = []
    private var migrations = 0
    private var deployments: [String] = []

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    private mutating func hash() -> String { DifferenceHash(value: random.next()).hex }

    private mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    /// The next event; `rollbacks` lets the stream include `rollback.performed`.
    mutating func next(allowingRollbacks rollbacks: Bool = false) -> RecordedEvent {
        seq += 1
        // Mostly close together, sometimes minutes apart, so windows see both.
        timestamp += chance(3) ? UInt64.random(in: 60_000_000...900_000_000, using: &random) : UInt64.random(in: 1...2_000_000, using: &random)
        let roll = random.next() % 100
        let event: DomainEvent
        switch roll {
        case 0..<40:
            let low = chance(30)
            let candidate = imageIds.isEmpty ? nil : MatchSummary(imageId: imageIds.randomElement(using: &random)!, distance: Int(random.next() % 20), confidence: 0.7)
            event = .extractionCompleted(ExtractionCompleted(
                source: "rulebooks/game-\(random.next() % 9)/page-\(seq).png", sha256: String(repeating: "ab", count: 32), byteSize: Int(random.next() % 900_000),
                format: "png", width: 100 + Int(random.next() % 2000), height: 100 + Int(random.next() % 2000), hash: hash(), hashBase64: "AAAAAAAAAAA=",
                bits: 64, durationMs: chance(5) ? nil : Double(random.next() % 90_000) / 1000, match: candidate,
                confidence: candidate?.confidence ?? 0, lowConfidence: low))
        case 40..<48:
            event = .extractionFailed(ExtractionFailed(source: "x.png", reason: "bad PNG signature", kind: "undecodable", durationMs: 0.4, sha256: nil, byteSize: 12))
        case 48..<58:
            event = .libraryImageAdded(LibraryImageAdded(imageId: chance(20) ? "custom-\(seq)" : nil, source: "lib/\(seq).png",
                                                         sha256: String(repeating: "cd", count: 32), hash: hash(), width: 64, height: 64, byteSize: 999, format: "png"))
        case 58..<61 where !imageIds.isEmpty:
            event = .libraryImageRemoved(LibraryImageRemoved(imageId: imageIds.randomElement(using: &random)!, reason: "duplicate"))
        case 61..<70:
            event = .reviewItemEnqueued(ReviewItemEnqueued(hash: hash(), source: "s.png", candidate: nil, confidence: 0))
        case 70..<75 where !openItems.isEmpty:
            let decision = ReviewDecision.allCases.randomElement(using: &random)!
            event = .reviewItemResolved(ReviewItemResolved(itemId: openItems.randomElement(using: &random)!, decision: decision, imageId: nil, note: nil))
        case 75..<83:
            event = .logRecorded(LogRecorded(level: "info", message: "request done", category: "http", metadata: .object([("status", .integer(200))])))
        case 83..<88:
            event = .metricSampled(MetricSampled(values: ["rss_bytes": Double(random.next() % 1_000_000)]))
        case 88..<92:
            event = .healthChecked(HealthChecked(isPassing: chance(60), status: "OK", reason: nil))
        case 92..<94:
            migrations += 1
            event = .migrationApplied(MigrationApplied(MigrationRecorded(id: "00\(migrations)-m", checksum: "c\(migrations)", durationMs: 3, changes: "")))
        case 94..<96:
            let id = "dep-\(seq)"
            deployments.append(id)
            event = .deploymentStarted(DeploymentStarted(DeploymentRecorded(
                deploymentId: id, environment: chance(50) ? "staging" : "production", version: "1.\(seq)",
                baseline: MetricsBaseline(failureRate: 0.02, p95HashTimeMs: 40, reviewQueueLength: 3, extractions: 100))))
        case 96..<98 where !deployments.isEmpty:
            let id = deployments.removeFirst()
            event = chance(70) ? .deploymentCompleted(DeploymentCompleted(DeploymentRecorded(deploymentId: id, environment: "staging")))
                : .deploymentFailed(DeploymentFailed(DeploymentRecorded(deploymentId: id, environment: "staging", reason: "health gate")))
        case 98 where rollbacks && seq > 10:
            event = .rollbackPerformed(RollbackPerformed(toSeq: UInt64.random(in: 1...(seq - 1), using: &random), snapshotId: nil,
                                                         snapshotSha256: nil, reason: "test", trigger: nil, emergencySnapshot: nil))
        case 99:
            event = .metricsReset(MetricsReset(reason: "deployment"))
        default:
            event = .unknown(type: "future.thing", version: 3)
        }
        if case .libraryImageAdded(let added) = event { imageIds.append(added.imageId ?? LibraryProjection.defaultId(seq: seq)) }
        if case .libraryImageRemoved(let removed) = event { imageIds.removeAll { $0 == removed.imageId } }
        if case .reviewItemEnqueued = event { openItems.append(ReviewQueueProjection.itemId(seq: seq)) }
        if case .reviewItemResolved(let resolved) = event { openItems.removeAll { $0 == resolved.itemId } }
        return RecordedEvent(seq: seq, timestamp: timestamp, requestId: chance(50) ? "r\(seq)" : nil, event: event)
    }

    /// `count` events.
    mutating func take(_ count: Int, allowingRollbacks rollbacks: Bool = false) -> [RecordedEvent] {
        (0..<count).map { _ in next(allowingRollbacks: rollbacks) }
    }
}

extension ProjectionSet {
    /// Folds `events` with rollbacks answered by folding the same events up to their target.
    static func folding(_ events: [RecordedEvent]) -> ProjectionSet {
        var set = ProjectionSet()
        for event in events { set.fold(event, history: events) }
        return set
    }

    /// Folds one event, answering a rollback from `history` (a plain prefix replay).
    mutating func fold(_ event: RecordedEvent, history: [RecordedEvent]) {
        apply(event) { (toSeq: UInt64) -> DomainState in
            ProjectionSet.folding(history.filter { $0.seq <= toSeq }).domainState
        }
    }
}
