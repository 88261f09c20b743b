import JSON
import Journal

extension DomainEvent {
    /// Which payload type an event type names: what `init(kind:type:version:data:)` decodes.
    ///
    /// Resolving the name once per type (`EventKindCache`) instead of once per event matters on
    /// the replay path: matching a name against eighteen others cost about as much as a
    /// projection's fold (bench replay).
    enum Kind: Sendable {
        case extractionCompleted
        case extractionFailed
        case libraryImageAdded
        case libraryImageRemoved
        case libraryImageRegistered
        case reviewItemEnqueued
        case reviewItemResolved
        case logRecorded
        case metricSampled
        case metricsReset
        case healthChecked
        case migrationApplied
        case migrationReverted
        case deploymentStarted
        case deploymentCompleted
        case deploymentFailed
        case snapshotCreated
        case rollbackPerformed
        case journalRecovered
        case unknown

        /// The kind of event type `type`.
        init(type: String) {
            switch type {
            case ExtractionCompleted.type: self = .extractionCompleted
            case ExtractionFailed.type: self = .extractionFailed
            case LibraryImageAdded.type: self = .libraryImageAdded
            case LibraryImageRemoved.type: self = .libraryImageRemoved
            case LibraryImageRegistered.type: self = .libraryImageRegistered
            case ReviewItemEnqueued.type: self = .reviewItemEnqueued
            case ReviewItemResolved.type: self = .reviewItemResolved
            case LogRecorded.type: self = .logRecorded
            case MetricSampled.type: self = .metricSampled
            case MetricsReset.type: self = .metricsReset
            case HealthChecked.type: self = .healthChecked
            case MigrationApplied.type: self = .migrationApplied
            case MigrationReverted.type: self = .migrationReverted
            case DeploymentStarted.type: self = .deploymentStarted
            case DeploymentCompleted.type: self = .deploymentCompleted
            case DeploymentFailed.type: self = .deploymentFailed
            case SnapshotCreated.type: self = .snapshotCreated
            case RollbackPerformed.type: self = .rollbackPerformed
            case JournalRecovered.type: self = .journalRecovered
            default: self = .unknown
            }
        }
    }

    /// Decodes `data` of an event of `type` (which is of `kind`) written at `version`.
    init(kind: Kind, type: String, version: UInt64, data: UnsafeRawBufferPointer) throws(EventDecodingError) {
        func decode<P: EventPayload>(_ payload: P.Type, _ wrap: (P) -> DomainEvent) throws(EventDecodingError) -> DomainEvent {
            guard (P.oldestVersion...P.version).contains(version) else { return .unknown(type: type, version: version) }
            var reader = JSONReader(data)
            let value = try P(from: &reader, version: version)
            do { try reader.finish() } catch { throw EventDecodingError(type: type, version: version, "\(error)") }
            return wrap(value)
        }
        switch kind {
        case .extractionCompleted: self = try decode(ExtractionCompleted.self, DomainEvent.extractionCompleted)
        case .extractionFailed: self = try decode(ExtractionFailed.self, DomainEvent.extractionFailed)
        case .libraryImageAdded: self = try decode(LibraryImageAdded.self, DomainEvent.libraryImageAdded)
        case .libraryImageRemoved: self = try decode(LibraryImageRemoved.self, DomainEvent.libraryImageRemoved)
        case .libraryImageRegistered: self = try decode(LibraryImageRegistered.self, DomainEvent.libraryImageRegistered)
        case .reviewItemEnqueued: self = try decode(ReviewItemEnqueued.self, DomainEvent.reviewItemEnqueued)
        case .reviewItemResolved: self = try decode(ReviewItemResolved.self, DomainEvent.reviewItemResolved)
        case .logRecorded: self = try decode(LogRecorded.self, DomainEvent.logRecorded)
        case .metricSampled: self = try decode(MetricSampled.self, DomainEvent.metricSampled)
        case .metricsReset: self = try decode(MetricsReset.self, DomainEvent.metricsReset)
        case .healthChecked: self = try decode(HealthChecked.self, DomainEvent.healthChecked)
        case .migrationApplied: self = try decode(MigrationApplied.self, DomainEvent.migrationApplied)
        case .migrationReverted: self = try decode(MigrationReverted.self, DomainEvent.migrationReverted)
        case .deploymentStarted: self = try decode(DeploymentStarted.self, DomainEvent.deploymentStarted)
        case .deploymentCompleted: self = try decode(DeploymentCompleted.self, DomainEvent.deploymentCompleted)
        case .deploymentFailed: self = try decode(DeploymentFailed.self, DomainEvent.deploymentFailed)
        case .snapshotCreated: self = try decode(SnapshotCreated.self, DomainEvent.snapshotCreated)
        case .rollbackPerformed: self = try decode(RollbackPerformed.self, DomainEvent.rollbackPerformed)
        case .journalRecovered: self = try decode(JournalRecovered.self, DomainEvent.journalRecovered)
        case .unknown: self = .unknown(type: type, version: version)
        }
    }
}

/// The kinds of the event types one read meets, by the reader's type ordinal: one lookup per
/// event instead of string comparisons.
package struct EventKindCache {
    private var kinds: [DomainEvent.Kind?] = []

    /// An empty cache, for one read.
    package init() {}

    /// The kind of `event`'s type.
    mutating func kind(of event: BorrowedJournalEvent) -> DomainEvent.Kind {
        guard let ordinal = event.typeOrdinal else { return DomainEvent.Kind(type: event.type) }
        if ordinal < kinds.count, let kind = kinds[ordinal] { return kind }
        let kind = DomainEvent.Kind(type: event.type)
        if ordinal >= kinds.count { kinds.append(contentsOf: repeatElement(nil, count: ordinal + 1 - kinds.count)) }
        kinds[ordinal] = kind
        return kind
    }
}

extension RecordedEvent {
    /// Decodes a borrowed journal event (a malformed known one throws), its type's kind looked
    /// up in `kinds` (one cache per read: ordinals are the reader's).
    package init(_ event: BorrowedJournalEvent, kinds: inout EventKindCache) throws(EventDecodingError) {
        self.init(seq: event.seq, timestamp: event.timestamp, requestId: event.requestId,
                  event: try DomainEvent(kind: kinds.kind(of: event), type: event.type, version: event.version, data: event.data))
    }
}
