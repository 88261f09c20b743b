import Integrity
import Journal

/// Where a rollback returns the domain state to.
public enum RollbackTarget: Sendable, Equatable {
    /// The point of snapshot `id` (it must verify, deeply).
    case snapshot(String)
    /// The end of event `seq` (a frame must end there: a commit is never split).
    case seq(UInt64)
}

/// The domain state in figures, before and after a rollback.
public struct DomainSummary: Sendable, Equatable {
    /// Images in the library.
    public var libraryImages: Int
    /// Migrations applied.
    public var schemaVersion: Int
    /// The active deployment per environment.
    public var activeReleases: [String: String]
    /// Open review items.
    public var openReviewItems: Int

    init(_ state: DomainState) {
        libraryImages = state.library.count
        schemaVersion = state.schema.currentVersion
        activeReleases = state.activeReleases
        openReviewItems = state.reviewQueue.open.count
    }
}

/// What a rollback does (or, dry, would do).
public struct RollbackPlan: Sendable {
    /// The seq the domain state returns to.
    public var toSeq: UInt64
    /// The verified snapshot at `toSeq`; nil for `--to-seq` where none exists yet (the rollback
    /// writes one).
    public var snapshot: VerifiedSnapshot?
    /// The domain state now and after.
    public var current: DomainSummary
    public var target: DomainSummary
    /// Why the rollback would be refused (health is OK and not forced); nil when it may go on.
    public var refusal: String?
}

/// What a rollback did.
public struct RollbackOutcome: Sendable {
    /// The plan carried out.
    public var plan: RollbackPlan
    /// The snapshot at the rollback point.
    public var snapshotId: String
    /// The emergency snapshot of the state before the rollback.
    public var emergencySnapshotId: String
    /// The seq of `rollback.performed`.
    public var seq: UInt64
}

extension Engine {
    /// Plans a rollback to `target`: verifies it (sidecar, chain, and a replay reproducing its
    /// state — no option skips this) and compares the domain state now with the state there.
    /// Throws `.integrity` for a target that does not verify, `.notFound`/`.invalidRequest` for
    /// one that does not exist.
    public func planRollback(to target: RollbackTarget, force: Bool) throws(EngineError) -> RollbackPlan {
        let head = live.withLock { $0.projections.seq }
        let verified: VerifiedSnapshot?
        let toSeq: UInt64
        let targetState: DomainState
        switch target {
        case .snapshot(let id):
            let snapshot = try verifiedSnapshot(id)
            verified = snapshot
            toSeq = snapshot.header.seq
            targetState = snapshot.projections.domainState
        case .seq(let seq):
            guard seq <= head else { throw EngineError(.invalidRequest, "seq \(seq) is past the journal's last event (\(head)); give a seq from 0 to \(head)") }
            try checkFrameEnd(seq)
            // A snapshot already at that seq, if one verifies, is the rollback point.
            let atSeq = try listSnapshots().filter { $0.seq == seq && $0.problem == nil }
            if let snapshot = atSeq.lazy.compactMap({ try? self.verifiedSnapshot($0.id) }).first {
                verified = snapshot
                targetState = snapshot.projections.domainState
            } else {
                verified = nil
                targetState = try builder.domainState(atSeq: seq)
            }
            toSeq = seq
        }
        let status = health().1
        let refusal = !force && status.level == .ok
            ? "health is OK (nothing is failing), so a rollback needs --force; 'GET /health' or 'stats' shows the triggers" : nil
        return RollbackPlan(toSeq: toSeq, snapshot: verified, current: DomainSummary(read { $0.domainState }), target: DomainSummary(targetState), refusal: refusal)
    }

    /// Rolls the domain state back to `target`: plans (and verifies) it, refuses while health
    /// is OK unless `force`, takes an emergency snapshot of the state now, writes a snapshot at
    /// the target if it has none, and appends `rollback.performed`. Nothing is deleted or
    /// rewritten; folding the event resets library, review queue, schema and active releases.
    /// One rollback at a time: another asked for meanwhile is refused (`.conflict`, HTTP 409).
    public func rollback(to target: RollbackTarget, reason: String, trigger: String? = nil, force: Bool,
                         requestId: String? = nil) async throws(EngineError) -> RollbackOutcome {
        let isBusy = live.withLock { state -> Bool in
            if state.isRollingBack { return true }
            state.isRollingBack = true
            return false
        }
        if isBusy { throw EngineError(.conflict, "another rollback is under way; look at the state when it has finished (replay, or GET /api/releases)") }
        defer { live.withLock { $0.isRollingBack = false } }
        let plan = try planRollback(to: target, force: force)
        if let refusal = plan.refusal { throw EngineError(.refused, refusal) }
        let emergency = try await createSnapshot(requestId: requestId)
        let snapshotId: String
        let snapshotSha256: String
        if let snapshot = plan.snapshot {
            snapshotId = snapshot.header.id
            snapshotSha256 = snapshot.fileSha256.hex
        } else {
            let written = try writeSnapshot(atSeq: plan.toSeq)
            snapshotId = written.header.id
            snapshotSha256 = written.fileSha256.hex
        }
        let performed = RollbackPerformed(toSeq: plan.toSeq, snapshotId: snapshotId, snapshotSha256: snapshotSha256, reason: reason,
                                          trigger: trigger, emergencySnapshot: emergency.header.id)
        let receipt = try await append([.rollbackPerformed(performed)], requestId: requestId)
        return RollbackOutcome(plan: plan, snapshotId: snapshotId, emergencySnapshotId: emergency.header.id, seq: receipt.seqs.lowerBound)
    }

    /// Snapshot `id`, verified in full (deep check included).
    func verifiedSnapshot(_ id: String) throws(EngineError) -> VerifiedSnapshot {
        guard let listing = try listSnapshots().first(where: { $0.id == id }) else {
            throw EngineError(.notFound, "no snapshot \(id) in \(snapshots.directory); 'snapshot list' shows those there are")
        }
        switch try builder.check(listing) {
        case .failure(let problem):
            throw EngineError(.integrity, "snapshot \(id) does not verify, so it cannot be a rollback target: \(problem)")
        case .success(let verified):
            if let problem = try builder.deepCheck(verified.header) {
                throw EngineError(.integrity, "snapshot \(id) does not verify, so it cannot be a rollback target: \(problem)")
            }
            return verified
        }
    }

    /// Writes a snapshot of the state at `seq` (a frame end), rebuilt by replay.
    func writeSnapshot(atSeq seq: UInt64) throws(EngineError) -> WrittenSnapshot {
        let rebuilt = try builder.state(atSeq: seq)
        guard let chain = rebuilt.frameEndChain else { throw EngineError(.invalidRequest, "seq \(seq) is inside a commit") }
        do {
            return try snapshots.write(seq: seq, timestamp: rebuilt.projections.timestamp, chain: chain,
                                       projectionVersions: ProjectionSet.versions, state: rebuilt.projections.encoded())
        } catch {
            throw EngineError(error)
        }
    }

    /// Refuses a seq inside a frame, naming the frame's ends.
    func checkFrameEnd(_ seq: UInt64) throws(EngineError) {
        guard seq > 0 else { return }
        var filter = EventFilter()
        filter.fromSeq = seq
        filter.toSeq = seq
        var frame: ClosedRange<UInt64>?
        do {
            _ = try JournalReader(directory: configuration.journal.directory, kernel: configuration.kernel).readFrames(filter) { read in
                frame = read.firstSeq...read.lastSeq
                return false
            }
        } catch {
            throw EngineError(.journal, "cannot read the frame holding seq \(seq): \(error)")
        }
        if let frame, frame.upperBound != seq {
            throw EngineError(.invalidRequest, "seq \(seq) is inside commit \(frame.lowerBound)…\(frame.upperBound), which is never split; roll back to \(frame.lowerBound - 1) or \(frame.upperBound)")
        }
    }
}
