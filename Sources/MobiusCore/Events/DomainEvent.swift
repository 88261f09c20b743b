import JSON
import Journal

/// Every event the service knows, decoded; unknown types and versions are kept as `.unknown`
/// (shown by `inspect`, skipped by every fold, never an error).
public enum DomainEvent: Sendable, Equatable {
    case extractionCompleted(ExtractionCompleted)
    case extractionFailed(ExtractionFailed)
    case libraryImageAdded(LibraryImageAdded)
    case libraryImageRemoved(LibraryImageRemoved)
    case reviewItemEnqueued(ReviewItemEnqueued)
    case reviewItemResolved(ReviewItemResolved)
    case logRecorded(LogRecorded)
    case metricSampled(MetricSampled)
    case metricsReset(MetricsReset)
    case healthChecked(HealthChecked)
    case migrationApplied(MigrationApplied)
    case migrationReverted(MigrationReverted)
    case deploymentStarted(DeploymentStarted)
    case deploymentCompleted(DeploymentCompleted)
    case deploymentFailed(DeploymentFailed)
    case snapshotCreated(SnapshotCreated)
    case rollbackPerformed(RollbackPerformed)
    case journalRecovered(JournalRecovered)
    /// A type this build does not know, or a version newer than it reads.
    case unknown(type: String, version: UInt64)

    /// Every known payload type, for `inspect --type` and the schema table in README.
    public static let knownTypes: [any EventPayload.Type] = [
        ExtractionCompleted.self, ExtractionFailed.self, LibraryImageAdded.self, LibraryImageRemoved.self,
        ReviewItemEnqueued.self, ReviewItemResolved.self, LogRecorded.self, MetricSampled.self, MetricsReset.self,
        HealthChecked.self, MigrationApplied.self, MigrationReverted.self, DeploymentStarted.self, DeploymentCompleted.self,
        DeploymentFailed.self, SnapshotCreated.self, RollbackPerformed.self, JournalRecovered.self,
    ]

    /// Decodes the journal's `data` of an event of `type` written at `version`, upcasting older
    /// versions. Throws `EventDecodingError` for malformed data of a known type and version.
    public init(type: String, version: UInt64, data: UnsafeRawBufferPointer) throws(EventDecodingError) {
        func decode<P: EventPayload>(_ payload: P.Type, _ wrap: (P) -> DomainEvent) throws(EventDecodingError) -> DomainEvent {
            guard (P.oldestVersion...P.version).contains(version) else { return .unknown(type: type, version: version) }
            var reader = JSONReader(data)
            let value = try P(from: &reader, version: version)
            do { try reader.finish() } catch { throw EventDecodingError(type: type, version: version, "\(error)") }
            return wrap(value)
        }
        switch type {
        case ExtractionCompleted.type: self = try decode(ExtractionCompleted.self, DomainEvent.extractionCompleted)
        case ExtractionFailed.type: self = try decode(ExtractionFailed.self, DomainEvent.extractionFailed)
        case LibraryImageAdded.type: self = try decode(LibraryImageAdded.self, DomainEvent.libraryImageAdded)
        case LibraryImageRemoved.type: self = try decode(LibraryImageRemoved.self, DomainEvent.libraryImageRemoved)
        case ReviewItemEnqueued.type: self = try decode(ReviewItemEnqueued.self, DomainEvent.reviewItemEnqueued)
        case ReviewItemResolved.type: self = try decode(ReviewItemResolved.self, DomainEvent.reviewItemResolved)
        case LogRecorded.type: self = try decode(LogRecorded.self, DomainEvent.logRecorded)
        case MetricSampled.type: self = try decode(MetricSampled.self, DomainEvent.metricSampled)
        case MetricsReset.type: self = try decode(MetricsReset.self, DomainEvent.metricsReset)
        case HealthChecked.type: self = try decode(HealthChecked.self, DomainEvent.healthChecked)
        case MigrationApplied.type: self = try decode(MigrationApplied.self, DomainEvent.migrationApplied)
        case MigrationReverted.type: self = try decode(MigrationReverted.self, DomainEvent.migrationReverted)
        case DeploymentStarted.type: self = try decode(DeploymentStarted.self, DomainEvent.deploymentStarted)
        case DeploymentCompleted.type: self = try decode(DeploymentCompleted.self, DomainEvent.deploymentCompleted)
        case DeploymentFailed.type: self = try decode(DeploymentFailed.self, DomainEvent.deploymentFailed)
        case SnapshotCreated.type: self = try decode(SnapshotCreated.self, DomainEvent.snapshotCreated)
        case RollbackPerformed.type: self = try decode(RollbackPerformed.self, DomainEvent.rollbackPerformed)
        case JournalRecovered.type: self = try decode(JournalRecovered.self, DomainEvent.journalRecovered)
        default: self = .unknown(type: type, version: version)
        }
    }

    /// Decodes `data` given as bytes.
    public init(type: String, version: UInt64, data: [UInt8]) throws(EventDecodingError) {
        let result = data.withUnsafeBytes { raw in Result { () throws(EventDecodingError) in try DomainEvent(type: type, version: version, data: raw) } }
        self = try result.get()
    }

    /// The payload inside, nil for `.unknown`.
    public var payload: (any EventPayload)? {
        switch self {
        case .extractionCompleted(let p): p
        case .extractionFailed(let p): p
        case .libraryImageAdded(let p): p
        case .libraryImageRemoved(let p): p
        case .reviewItemEnqueued(let p): p
        case .reviewItemResolved(let p): p
        case .logRecorded(let p): p
        case .metricSampled(let p): p
        case .metricsReset(let p): p
        case .healthChecked(let p): p
        case .migrationApplied(let p): p
        case .migrationReverted(let p): p
        case .deploymentStarted(let p): p
        case .deploymentCompleted(let p): p
        case .deploymentFailed(let p): p
        case .snapshotCreated(let p): p
        case .rollbackPerformed(let p): p
        case .journalRecovered(let p): p
        case .unknown: nil
        }
    }

    /// The event as a journal draft (current version), with `requestId` if given. Nil for
    /// `.unknown`, which has nothing to write.
    public func draft(requestId: String? = nil) throws(JournalError) -> EventDraft? {
        guard let payload else { return nil }
        return try EventDraft(type: type(of: payload).type, version: type(of: payload).version, requestId: requestId, data: payload.encodedData())
    }
}

/// An event as folds see it: where and when it was committed, and what it says.
public struct RecordedEvent: Sendable, Equatable {
    /// Its seq.
    public var seq: UInt64
    /// Its commit timestamp, µs since the epoch.
    public var timestamp: UInt64
    /// The request that caused it.
    public var requestId: String?
    /// The decoded event.
    public var event: DomainEvent

    /// A recorded event with the given fields.
    public init(seq: UInt64, timestamp: UInt64, requestId: String?, event: DomainEvent) {
        self.seq = seq
        self.timestamp = timestamp
        self.requestId = requestId
        self.event = event
    }

    /// Decodes a journal event (a malformed known one throws).
    public init(_ event: JournalEvent) throws(EventDecodingError) {
        self.init(seq: event.seq, timestamp: event.timestamp, requestId: event.requestId,
                  event: try DomainEvent(type: event.type, version: event.version, data: event.data))
    }
}
