import Integrity
import Journal

extension Engine {
    /// Writes a snapshot of the live state (at the last folded frame's end), appends its
    /// `snapshot.created` event, and applies retention. Throws `.invalidRequest` on an empty
    /// journal (there is nothing to snapshot).
    @discardableResult
    public func createSnapshot(requestId: String? = nil) async throws(EngineError) -> WrittenSnapshot {
        // A copy shares storage with the live state until the next fold changes it, so the
        // encoding below runs outside the lock.
        let (projections, chain) = live.withLock { ($0.projections, $0.chain) }
        guard projections.seq > 0 else {
            throw EngineError(.invalidRequest, "the journal is empty: there is no state to snapshot yet")
        }
        let written: WrittenSnapshot
        do {
            written = try snapshots.write(seq: projections.seq, timestamp: projections.timestamp, chain: chain,
                                          projectionVersions: ProjectionSet.versions, state: projections.encoded())
        } catch {
            throw EngineError(error)
        }
        live.withLock { $0.lastSnapshotSeq = max($0.lastSnapshotSeq, projections.seq) }
        let created = SnapshotCreated(snapshotId: written.header.id, seq: projections.seq, fileSha256: written.fileSha256.hex, chain: chain.hex)
        try await append([.snapshotCreated(created)], requestId: requestId)
        try applyRetention()
        return written
    }

    /// Starts an automatic snapshot when `snapshotInterval` events were folded since the last
    /// one and none is being written.
    func scheduleSnapshotIfDue() {
        let interval = configuration.snapshotInterval
        guard interval > 0 else { return }
        let isDue = live.withLock { state -> Bool in
            guard !state.isSnapshotting, state.stopped == nil, state.projections.seq >= state.lastSnapshotSeq + interval else { return false }
            state.isSnapshotting = true
            return true
        }
        guard isDue else { return }
        Task.detached {
            do {
                try await self.createSnapshot()
            } catch {
                self.configuration.warn("warning: the automatic snapshot failed: \(error); the next one is tried after \(interval) more events")
                self.live.withLock { $0.lastSnapshotSeq = $0.projections.seq }
            }
            self.live.withLock { $0.isSnapshotting = false }
        }
    }

    /// Removes snapshots beyond the newest `snapshotRetention`, keeping every one a deployment
    /// or rollback references and, older than those, one per `snapshotHistorySpacing` events
    /// (`SnapshotRetention`).
    func applyRetention() throws(EngineError) {
        let listings = try listSnapshots()
        let referenced = read { $0.releases.referencedSnapshotIds }
        let retention = SnapshotRetention(newest: configuration.snapshotRetention, historySpacing: configuration.snapshotHistorySpacing)
        for listing in retention.removable(from: listings.map { ($0.id, $0.seq) }, referenced: referenced) {
            do {
                try snapshots.remove(id: listing)
            } catch {
                throw EngineError(error)
            }
        }
    }

    /// The snapshot folder's listing, newest first (headers only; nothing verified).
    public func listSnapshots() throws(EngineError) -> [SnapshotListing] {
        do {
            return try snapshots.list()
        } catch {
            throw EngineError(error)
        }
    }

    /// Every snapshot in the folder, newest first, each checked against this build and the
    /// journal (and, with `deep`, by replay): what `snapshot list` and `snapshot verify` show.
    public func verifiedSnapshots(deep: Bool) throws(EngineError) -> [SnapshotVerdict] {
        try builder.verdicts(deep: deep)
    }
}

extension ReleasesProjection {
    /// Snapshots a deployment or rollback refers to (retention keeps them).
    var referencedSnapshotIds: Set<String> {
        var ids = Set(deployments.values.compactMap(\.record.snapshotId))
        for rollback in rollbacks {
            if let id = rollback.rollback.snapshotId { ids.insert(id) }
            if let id = rollback.rollback.emergencySnapshot { ids.insert(id) }
        }
        return ids
    }
}

/// One snapshot and whether it can be trusted.
public struct SnapshotVerdict: Sendable {
    /// The file as listed.
    public var listing: SnapshotListing
    /// Why it cannot be used; nil when it verified.
    public var problem: SnapshotError?
    /// Whether the deep check (a replay reproducing its state) ran and passed.
    public var isDeeplyVerified: Bool
    /// Whether it verified.
    public var isVerified: Bool { problem == nil }
}

extension StateBuilder {
    /// Every snapshot, newest first, with its verdict; `deep` adds the replay check.
    public func verdicts(deep: Bool) throws(EngineError) -> [SnapshotVerdict] {
        let listings: [SnapshotListing]
        do {
            listings = try snapshots.list()
        } catch {
            throw EngineError(error)
        }
        var verdicts: [SnapshotVerdict] = []
        for listing in listings {
            switch try check(listing) {
            case .failure(let problem):
                verdicts.append(SnapshotVerdict(listing: listing, problem: problem, isDeeplyVerified: false))
            case .success(let verified):
                let problem = deep ? try deepCheck(verified.header) : nil
                verdicts.append(SnapshotVerdict(listing: listing, problem: problem, isDeeplyVerified: deep && problem == nil))
            }
        }
        return verdicts
    }
}
