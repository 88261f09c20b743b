import Integrity
import Journal
import POSIX

/// Rebuilds the projections at any point of a journal, read-only: from the newest verified
/// snapshot at or before the point, then the journal's events after it.
///
/// This is the one replay path: startup, `replay`, `?seq=`/`?at=` queries, deep snapshot
/// checks and the domain state a rollback returns to all come through here, so they agree
/// byte for byte with each other and with the live engine (which folds the same events with
/// the same code).
public struct StateBuilder: Sendable {
    /// The journal folder.
    public let journalDirectory: String
    /// The snapshot folder.
    public let snapshots: SnapshotStore
    let kernel: Kernel
    /// Whether replays read, inflate and decode the journal on a second thread while this one
    /// folds (`PipelinedReplay`). The folds and their results are the same either way.
    public var pipelinesDecoding: Bool

    /// A builder over `journalDirectory` and `snapshots`.
    public init(journalDirectory: String, snapshots: SnapshotStore, kernel: Kernel = .live, pipelinesDecoding: Bool = false) {
        self.journalDirectory = journalDirectory
        self.snapshots = snapshots
        self.kernel = kernel
        self.pipelinesDecoding = pipelinesDecoding
    }

    /// The projections after event `target` (inclusive; nil: the last event), started from
    /// the newest snapshot at or before it that verifies. Throws `.invalidRequest` for a seq
    /// past the journal's last event, `.integrity` for damage before it.
    public func state(atSeq target: UInt64? = nil) throws(EngineError) -> RebuiltState {
        let clock = ContinuousClock()
        let start = clock.now
        var rebuilt = try base(atOrBefore: target)
        let baseEnd = clock.now
        try replay(&rebuilt, through: target)
        rebuilt.baseLoadTime = baseEnd - start
        rebuilt.replayTime = clock.now - baseEnd
        if let target, rebuilt.projections.seq < target {
            throw EngineError(.invalidRequest, "seq \(target) is past the journal's last event (\(rebuilt.projections.seq)); give a seq from 0 to \(rebuilt.projections.seq)")
        }
        return rebuilt
    }

    /// The projections including every event stamped at or before `timestamp` (µs).
    public func state(atTime timestamp: UInt64) throws(EngineError) -> RebuiltState {
        let seq: UInt64
        do {
            seq = try JournalReader(directory: journalDirectory, kernel: kernel).lastSeq(atOrBefore: timestamp)
        } catch {
            throw EngineError(error)
        }
        return try state(atSeq: seq)
    }

    /// The domain state after event `seq`: what a `rollback.performed` to `seq` restores.
    public func domainState(atSeq seq: UInt64) throws(EngineError) -> DomainState {
        try state(atSeq: seq).projections.domainState
    }

    /// The newest snapshot at or before `target` that passes `check`, as the start of a
    /// replay; the start of the journal when none does.
    func base(atOrBefore target: UInt64?) throws(EngineError) -> RebuiltState {
        let listings: [SnapshotListing]
        do {
            listings = try snapshots.list()
        } catch {
            throw EngineError(error)
        }
        var skipped: [SnapshotError] = []
        for listing in listings where target.map({ listing.seq <= $0 }) ?? true {
            switch try check(listing, thorough: false) {
            case .success(let verified):
                var rebuilt = RebuiltState(projections: verified.projections, base: verified.header, skippedSnapshots: skipped)
                rebuilt.frameEndChain = verified.header.chain
                return rebuilt
            case .failure(let problem):
                skipped.append(problem)
            }
        }
        return RebuiltState(projections: ProjectionSet(), base: nil, skippedSnapshots: skipped)
    }

    /// Checks snapshot `listing` against this build and the journal (DESIGN.md "verified",
    /// short of the deep replay): complete, the sidecar and state hash match, the projection
    /// versions are this build's, the chain value is the journal's at its seq, and the state
    /// decodes to that seq. A snapshot problem is returned; a journal that cannot be read
    /// throws. `thorough` recomputes the state's hash too (see `SnapshotStore.load(id:checkingStateHash:decoding:)`):
    /// verification and the targets of rollback and restore do; startup and time travel do not.
    public func check(_ listing: SnapshotListing, thorough: Bool = true) throws(EngineError) -> Result<VerifiedSnapshot, SnapshotError> {
        if let problem = listing.problem { return .failure(problem) }
        guard let header = listing.header else { return .failure(SnapshotError(.malformedHeader, "its header is unreadable", snapshot: listing.id)) }
        guard header.projectionVersions == ProjectionSet.versions else {
            return .failure(SnapshotError(.versionMismatch, "it was written by projection versions \(Self.describe(header.projectionVersions)), this build folds \(Self.describe(ProjectionSet.versions)); it is kept but not used", snapshot: listing.id))
        }
        let journalChain: SHA256Digest?
        do {
            journalChain = try JournalReader(directory: journalDirectory, kernel: kernel).chain(atSeq: header.seq)
        } catch {
            throw EngineError(error)
        }
        guard journalChain == header.chain else {
            let found = journalChain.map { "the journal's is \($0.hex)" } ?? "no frame of the journal ends at seq \(header.seq)"
            return .failure(SnapshotError(.chainMismatch, "it records chain \(header.chain.hex) at seq \(header.seq); \(found) (a snapshot of another journal, or of events since cut off)", snapshot: listing.id))
        }
        let loaded: LoadedSnapshot, decoded: Result<ProjectionSet, ProjectionDecodingError>
        do {
            (loaded, decoded) = try snapshots.load(id: listing.id, checkingStateHash: thorough) { state in Result { () throws(ProjectionDecodingError) in try ProjectionSet(decoding: state) } }
        } catch {
            return .failure(error)
        }
        do {
            let projections = try decoded.get()
            guard projections.seq == header.seq else {
                return .failure(SnapshotError(.malformedHeader, "its state is at seq \(projections.seq), its header says \(header.seq)", snapshot: listing.id))
            }
            return .success(VerifiedSnapshot(header: loaded.header, fileSha256: loaded.fileSha256, projections: projections))
        } catch {
            return .failure(SnapshotError(error.isVersionMismatch ? .versionMismatch : .malformedHeader, error.detail, snapshot: listing.id))
        }
    }

    /// The deep check of a snapshot that passed `check`: replaying the journal from the
    /// previous verified snapshot (or the start) to its seq reproduces its state hash.
    public func deepCheck(_ header: SnapshotHeader) throws(EngineError) -> SnapshotError? {
        var rebuilt = header.seq == 0 ? RebuiltState(projections: ProjectionSet()) : try base(atOrBefore: header.seq - 1)
        try replay(&rebuilt, through: header.seq)
        let replayed = rebuilt.projections.stateHash
        guard replayed == header.stateSha256 else {
            let from = rebuilt.base.map { "snapshot \($0.id)" } ?? "the start of the journal"
            return SnapshotError(.stateMismatch, "replaying from \(from) to seq \(header.seq) gives state \(replayed.hex), the snapshot holds \(header.stateSha256.hex); do not use it", snapshot: header.id)
        }
        return nil
    }

    /// Folds the journal's events after `rebuilt`'s seq, through `target` (nil: to the end).
    func replay(_ rebuilt: inout RebuiltState, through target: UInt64?) throws(EngineError) {
        var filter = EventFilter()
        filter.fromSeq = rebuilt.projections.seq + 1
        filter.toSeq = target
        if let target, target < filter.fromSeq { return }
        let summary: ReadSummary
        do {
            if pipelinesDecoding {
                summary = try replayPipelined(&rebuilt, filter)
            } else {
                var kinds = EventKindCache()
                summary = try JournalReader(directory: journalDirectory, kernel: kernel).readFrames(filter) { frame, events in
                    for event in events {
                        let (recorded, problem) = RecordedEvent.folding(event, kinds: &kinds)
                        try fold(recorded, problem: problem, into: &rebuilt)
                    }
                    rebuilt.frameEndChain = frame.lastSeq == rebuilt.projections.seq ? frame.chainAfter : nil
                    return true
                }
            }
        } catch let error as EngineError {
            throw error
        } catch let error as JournalError {
            throw EngineError(error)
        } catch {
            throw EngineError(.journal, "\(error)")
        }
        if let damage = summary.damage, !damage.isTornTail {
            throw EngineError(.integrity, "the journal is damaged after seq \(summary.lastSeq): \(damage); events after it cannot be replayed; 'verify' says more")
        }
    }

    /// Folds one event into `rebuilt`, counting it as undecodable when `problem` says why.
    @inline(__always)
    func fold(_ recorded: RecordedEvent, problem: EventDecodingError?, into rebuilt: inout RebuiltState) throws(EngineError) {
        if let problem {
            rebuilt.undecodableEventCount += 1
            if rebuilt.firstUndecodable == nil { rebuilt.firstUndecodable = (recorded.seq, problem) }
        }
        try rebuilt.projections.apply(recorded) { (seq) throws(EngineError) in try domainState(atSeq: seq) }
        rebuilt.replayedEventCount += 1
    }

    private static func describe(_ versions: [String: Int]) -> String {
        versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}

/// A snapshot that passed `StateBuilder.check`, with its decoded state.
public struct VerifiedSnapshot: Sendable {
    /// What the snapshot says about itself.
    public var header: SnapshotHeader
    /// SHA-256 of the file (its sidecar's).
    public var fileSha256: SHA256Digest
    /// The projections it holds.
    public var projections: ProjectionSet
}
