import JSON
import Journal

/// Every event the service knows, decoded; unknown types and versions are kept as `.unknown`
/// (shown by `inspect`, skipped by every fold, never an error).
public enum DomainEvent: Sendable, Equatable {
    case extractionCompleted(ExtractionCompleted)
    case extractionFailed(ExtractionFailed)
    case libraryImageAdded(LibraryImageAdded)
    case libraryImageRemoved(LibraryImageRemoved)
    case libraryImageRegistered(LibraryImageRegistered)
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
        ExtractionCompleted.self, ExtractionFailed.self, LibraryImageAdded.self, LibraryImageRemoved.self, LibraryImageRegistered.self,
        ReviewItemEnqueued.self, ReviewItemResolved.self, LogRecorded.self, MetricSampled.self, MetricsReset.self,
        HealthChecked.self, MigrationApplied.self, MigrationReverted.self, DeploymentStarted.self, DeploymentCompleted.self,
        DeploymentFailed.self, SnapshotCreated.self, RollbackPerformed.self, JournalRecovered.self,
    ]

    /// Decodes the journal's `data` of an event of `type` written at `version`, upcasting older
    /// versions. Throws `EventDecodingError` for malformed data of a known type and version.
    public init(type: String, version: UInt64, data: UnsafeRawBufferPointer) throws(EventDecodingError) {
        try self.init(kind: Kind(type: type), type: type, version: version, data: data)
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
        case .libraryImageRegistered(let p): p
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
