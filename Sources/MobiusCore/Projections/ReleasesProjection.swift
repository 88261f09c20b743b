import JSON

/// A deployment as the releases projection keeps it.
public struct Deployment: Sendable, Equatable {
    /// What is known of it (version, binary, snapshot, baseline, failure reason).
    public var record: DeploymentRecorded
    /// `started`, `completed` or `failed`.
    public var status: String
    /// When it started, µs.
    public var startedAt: UInt64
    /// The seq of its `deployment.started`.
    public var startedSeq: UInt64
    /// When it completed or failed, µs.
    public var finishedAt: UInt64?
}

/// A rollback in the release history.
public struct RollbackRecord: Sendable, Equatable {
    /// The seq of the `rollback.performed`.
    public var seq: UInt64
    /// When, µs.
    public var at: UInt64
    /// What it did.
    public var rollback: RollbackPerformed
}

/// Releases (DESIGN.md "Releases"): every deployment and rollback (the operational history, kept
/// through rollbacks) and the active deployment per environment (domain state: a rollback
/// returns it to what it was at the rollback point).
public struct ReleasesProjection: Sendable, Equatable {
    public static let name = "releases"
    public static let version = 1

    /// Every deployment, by id, and their order.
    public internal(set) var deployments: [String: Deployment] = [:]
    public internal(set) var deploymentOrder: [String] = []
    /// Rollbacks, oldest first.
    public internal(set) var rollbacks: [RollbackRecord] = []
    /// The active (last completed) deployment id per environment.
    public internal(set) var active: [String: String] = [:]

    /// No deployment yet.
    public init() {}

    /// Folds `event` (rollbacks are applied by `ProjectionSet`, which restores `active`).
    public mutating func apply(_ event: RecordedEvent) {
        switch event.event {
        case .deploymentStarted(let started):
            let id = started.deployment.deploymentId
            guard deployments[id] == nil else { return }
            deployments[id] = Deployment(record: started.deployment, status: "started", startedAt: event.timestamp, startedSeq: event.seq, finishedAt: nil)
            deploymentOrder.append(id)
        case .deploymentCompleted(let completed):
            guard var deployment = deployments[completed.deployment.deploymentId], deployment.status == "started" else { return }
            deployment.status = "completed"
            deployment.finishedAt = event.timestamp
            deployments[deployment.record.deploymentId] = deployment
            active[deployment.record.environment] = deployment.record.deploymentId
        case .deploymentFailed(let failed):
            guard var deployment = deployments[failed.deployment.deploymentId], deployment.status == "started" else { return }
            deployment.status = "failed"
            deployment.finishedAt = event.timestamp
            deployment.record.reason = failed.deployment.reason
            deployments[deployment.record.deploymentId] = deployment
        case .rollbackPerformed(let rollback):
            rollbacks.append(RollbackRecord(seq: event.seq, at: event.timestamp, rollback: rollback))
        default:
            break
        }
    }

    /// The active deployment of `environment`.
    public func activeDeployment(in environment: String) -> Deployment? { active[environment].flatMap { deployments[$0] } }

    /// The latest deployment that started, any status.
    public var latest: Deployment? { deploymentOrder.last.flatMap { deployments[$0] } }
}
