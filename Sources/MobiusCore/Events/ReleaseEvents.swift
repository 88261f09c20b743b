import JSON

/// The figures a deployment compares its monitored window with (DESIGN.md triggers).
public struct MetricsBaseline: Sendable, Equatable {
    /// Failed / total extractions, 0…1.
    public var failureRate: Double
    /// p95 hash time, ms.
    public var p95HashTimeMs: Double
    /// Open review items.
    public var reviewQueueLength: Double
    /// Extractions the figures were computed from.
    public var extractions: Int

    /// A baseline with the given figures.
    public init(failureRate: Double, p95HashTimeMs: Double, reviewQueueLength: Double, extractions: Int) {
        self.failureRate = failureRate
        self.p95HashTimeMs = p95HashTimeMs
        self.reviewQueueLength = reviewQueueLength
        self.extractions = extractions
    }

    static func read(_ reader: inout JSONReader) throws(JSONError) -> MetricsBaseline? {
        if try reader.readNullIfPresent() { return nil }
        var baseline = MetricsBaseline(failureRate: 0, p95HashTimeMs: 0, reviewQueueLength: 0, extractions: 0)
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "failureRate": baseline.failureRate = try reader.readDouble()
            case "p95HashTimeMs": baseline.p95HashTimeMs = try reader.readDouble()
            case "reviewQueueLength": baseline.reviewQueueLength = try reader.readDouble()
            case "extractions": baseline.extractions = try reader.readInt()
            default: break
            }
        }
        return baseline
    }

    func encode(to json: inout JSONWriter) {
        // Keys in byte order (canonical state embeds baselines).
        json.writeObject { json in
            json.write(extractions, forKey: "extractions")
            json.write(failureRate, forKey: "failureRate")
            json.write(p95HashTimeMs, forKey: "p95HashTimeMs")
            json.write(reviewQueueLength, forKey: "reviewQueueLength")
        }
    }
}

/// `migration.applied` and `migration.reverted`: `{"id","checksum","durationMs","changes"}`.
public struct MigrationRecorded: Sendable, Equatable {
    /// The migration's id, e.g. `002-library-dhash`.
    public var id: String
    /// Checksum of its definition.
    public var checksum: String
    /// How long it took, ms.
    public var durationMs: Double
    /// What it changed, for people.
    public var changes: String

    /// A record with the given fields.
    public init(id: String, checksum: String, durationMs: Double, changes: String) {
        self.id = id
        self.checksum = checksum
        self.durationMs = durationMs
        self.changes = changes
    }

    init<Payload: EventPayload>(reading reader: inout JSONReader, version: UInt64, as _: Payload.Type) throws(EventDecodingError) {
        let fields = PayloadFields<Payload>(version: version)
        var id: String?, checksum: String?, duration: Double?, changes: String?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "id": id = try reader.readString()
            case "checksum": checksum = try reader.readString()
            case "durationMs": duration = try reader.readDouble()
            case "changes": changes = try reader.readOptionalString()
            default: break
            }
        }
        self.id = try fields.required(id, "id")
        self.checksum = try fields.required(checksum, "checksum")
        durationMs = duration ?? 0
        self.changes = changes ?? ""
    }

    func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(id, forKey: "id")
            json.write(checksum, forKey: "checksum")
            json.write(durationMs, forKey: "durationMs")
            json.write(changes, forKey: "changes")
        }
    }
}

/// `migration.applied`.
public struct MigrationApplied: EventPayload {
    public static let type = "migration.applied"
    public static let version: UInt64 = 1
    /// What was applied.
    public var migration: MigrationRecorded
    /// Wraps `migration`.
    public init(_ migration: MigrationRecorded) { self.migration = migration }
    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        migration = try MigrationRecorded(reading: &reader, version: version, as: Self.self)
    }
    public func encode(to json: inout JSONWriter) { migration.encode(to: &json) }
}

/// `migration.reverted`.
public struct MigrationReverted: EventPayload {
    public static let type = "migration.reverted"
    public static let version: UInt64 = 1
    /// What was reverted.
    public var migration: MigrationRecorded
    /// Wraps `migration`.
    public init(_ migration: MigrationRecorded) { self.migration = migration }
    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        migration = try MigrationRecorded(reading: &reader, version: version, as: Self.self)
    }
    public func encode(to json: inout JSONWriter) { migration.encode(to: &json) }
}

/// `deployment.started`, `deployment.completed`, `deployment.failed`:
/// `{"deploymentId","environment","version","binarySha256","snapshotId","snapshotSeq","baseline","reason"}`
/// (fields a stage does not have are null).
public struct DeploymentRecorded: Sendable, Equatable {
    /// The deployment's id.
    public var deploymentId: String
    /// `staging` or `production`.
    public var environment: String
    /// The version deployed.
    public var version: String?
    /// SHA-256 of the binary deployed.
    public var binarySha256: String?
    /// The snapshot taken before it (its rollback point).
    public var snapshotId: String?
    /// That snapshot's seq.
    public var snapshotSeq: UInt64?
    /// The metrics baseline taken before it.
    public var baseline: MetricsBaseline?
    /// Why it failed (`deployment.failed`).
    public var reason: String?

    /// A record with the given fields.
    public init(deploymentId: String, environment: String, version: String? = nil, binarySha256: String? = nil,
                snapshotId: String? = nil, snapshotSeq: UInt64? = nil, baseline: MetricsBaseline? = nil, reason: String? = nil) {
        self.deploymentId = deploymentId
        self.environment = environment
        self.version = version
        self.binarySha256 = binarySha256
        self.snapshotId = snapshotId
        self.snapshotSeq = snapshotSeq
        self.baseline = baseline
        self.reason = reason
    }

    init<Payload: EventPayload>(reading reader: inout JSONReader, version eventVersion: UInt64, as _: Payload.Type) throws(EventDecodingError) {
        let fields = PayloadFields<Payload>(version: eventVersion)
        var id: String?, environment: String?, version: String?, sha: String?, snapshot: String?, seq: UInt64?
        var baseline: MetricsBaseline?, reason: String?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "deploymentId": id = try reader.readString()
            case "environment": environment = try reader.readString()
            case "version": version = try reader.readOptionalString()
            case "binarySha256": sha = try reader.readOptionalString()
            case "snapshotId": snapshot = try reader.readOptionalString()
            case "snapshotSeq": seq = try reader.readNullIfPresent() ? nil : reader.readUInt64()
            case "baseline": baseline = try MetricsBaseline.read(&reader)
            case "reason": reason = try reader.readOptionalString()
            default: break
            }
        }
        deploymentId = try fields.required(id, "deploymentId")
        self.environment = try fields.required(environment, "environment")
        self.version = version
        binarySha256 = sha
        snapshotId = snapshot
        snapshotSeq = seq
        self.baseline = baseline
        self.reason = reason
    }

    func encode(to json: inout JSONWriter) {
        // Keys in byte order (canonical state embeds deployments).
        json.writeObject { json in
            json.writeKey("baseline")
            if let baseline { baseline.encode(to: &json) } else { json.writeNull() }
            json.write(binarySha256, orNullForKey: "binarySha256")
            json.write(deploymentId, forKey: "deploymentId")
            json.write(environment, forKey: "environment")
            json.write(reason, orNullForKey: "reason")
            json.write(snapshotId, orNullForKey: "snapshotId")
            json.writeKey("snapshotSeq")
            if let snapshotSeq { json.write(snapshotSeq) } else { json.writeNull() }
            json.write(version, orNullForKey: "version")
        }
    }
}

/// `deployment.started`.
public struct DeploymentStarted: EventPayload {
    public static let type = "deployment.started"
    public static let version: UInt64 = 1
    /// The deployment.
    public var deployment: DeploymentRecorded
    /// Wraps `deployment`.
    public init(_ deployment: DeploymentRecorded) { self.deployment = deployment }
    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        deployment = try DeploymentRecorded(reading: &reader, version: version, as: Self.self)
    }
    public func encode(to json: inout JSONWriter) { deployment.encode(to: &json) }
}

/// `deployment.completed`.
public struct DeploymentCompleted: EventPayload {
    public static let type = "deployment.completed"
    public static let version: UInt64 = 1
    /// The deployment.
    public var deployment: DeploymentRecorded
    /// Wraps `deployment`.
    public init(_ deployment: DeploymentRecorded) { self.deployment = deployment }
    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        deployment = try DeploymentRecorded(reading: &reader, version: version, as: Self.self)
    }
    public func encode(to json: inout JSONWriter) { deployment.encode(to: &json) }
}

/// `deployment.failed`.
public struct DeploymentFailed: EventPayload {
    public static let type = "deployment.failed"
    public static let version: UInt64 = 1
    /// The deployment, with the reason.
    public var deployment: DeploymentRecorded
    /// Wraps `deployment`.
    public init(_ deployment: DeploymentRecorded) { self.deployment = deployment }
    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        deployment = try DeploymentRecorded(reading: &reader, version: version, as: Self.self)
    }
    public func encode(to json: inout JSONWriter) { deployment.encode(to: &json) }
}

/// `snapshot.created`: `{"snapshotId","seq","fileSha256","chain"}`.
public struct SnapshotCreated: EventPayload {
    public static let type = "snapshot.created"
    public static let version: UInt64 = 1

    /// The snapshot's id.
    public var snapshotId: String
    /// The seq it was taken at.
    public var seq: UInt64
    /// SHA-256 of its file (the sidecar's value).
    public var fileSha256: String
    /// The journal's chain value at `seq`.
    public var chain: String

    /// A record with the given fields.
    public init(snapshotId: String, seq: UInt64, fileSha256: String, chain: String) {
        self.snapshotId = snapshotId
        self.seq = seq
        self.fileSha256 = fileSha256
        self.chain = chain
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var id: String?, seq: UInt64?, sha: String?, chain: String?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "snapshotId": id = try reader.readString()
            case "seq": seq = try reader.readUInt64()
            case "fileSha256": sha = try reader.readString()
            case "chain": chain = try reader.readString()
            default: break
            }
        }
        snapshotId = try fields.required(id, "snapshotId")
        self.seq = try fields.required(seq, "seq")
        fileSha256 = try fields.required(sha, "fileSha256")
        self.chain = try fields.required(chain, "chain")
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(snapshotId, forKey: "snapshotId")
            json.write(seq, forKey: "seq")
            json.write(fileSha256, forKey: "fileSha256")
            json.write(chain, forKey: "chain")
        }
    }
}

/// `rollback.performed`: `{"toSeq","snapshotId","snapshotSha256","reason","trigger","emergencySnapshot"}`.
/// Folding it returns the domain projections to their state at `toSeq`.
public struct RollbackPerformed: EventPayload {
    public static let type = "rollback.performed"
    public static let version: UInt64 = 1

    /// The seq whose domain state is restored.
    public var toSeq: UInt64
    /// The verified snapshot at `toSeq` it used.
    public var snapshotId: String?
    /// That snapshot's file SHA-256.
    public var snapshotSha256: String?
    /// Why, for people.
    public var reason: String
    /// The trigger that fired, for an automatic rollback.
    public var trigger: String?
    /// The snapshot of the state before the rollback.
    public var emergencySnapshot: String?

    /// A rollback with the given fields.
    public init(toSeq: UInt64, snapshotId: String?, snapshotSha256: String?, reason: String, trigger: String?, emergencySnapshot: String?) {
        self.toSeq = toSeq
        self.snapshotId = snapshotId
        self.snapshotSha256 = snapshotSha256
        self.reason = reason
        self.trigger = trigger
        self.emergencySnapshot = emergencySnapshot
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var to: UInt64?, id: String?, sha: String?, reason: String?, trigger: String?, emergency: String?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "toSeq": to = try reader.readUInt64()
            case "snapshotId": id = try reader.readOptionalString()
            case "snapshotSha256": sha = try reader.readOptionalString()
            case "reason": reason = try reader.readString()
            case "trigger": trigger = try reader.readOptionalString()
            case "emergencySnapshot": emergency = try reader.readOptionalString()
            default: break
            }
        }
        toSeq = try fields.required(to, "toSeq")
        snapshotId = id
        snapshotSha256 = sha
        self.reason = reason ?? ""
        self.trigger = trigger
        emergencySnapshot = emergency
    }

    public func encode(to json: inout JSONWriter) {
        // Keys in byte order (canonical state embeds rollbacks).
        json.writeObject { json in
            json.write(emergencySnapshot, orNullForKey: "emergencySnapshot")
            json.write(reason, forKey: "reason")
            json.write(snapshotId, orNullForKey: "snapshotId")
            json.write(snapshotSha256, orNullForKey: "snapshotSha256")
            json.write(toSeq, forKey: "toSeq")
            json.write(trigger, orNullForKey: "trigger")
        }
    }
}
