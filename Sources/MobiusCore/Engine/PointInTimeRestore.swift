import Integrity
import Journal
import POSIX

/// Where a restore cuts the journal.
public enum RestorePoint: Sendable, Equatable {
    /// Every event up to and including seq N.
    case seq(UInt64)
    /// Every event stamped at or before T (µs).
    case time(UInt64)
}

/// What a restore writes (or, dry, would write).
public struct RestorePlan: Sendable {
    /// The last seq the new data folder holds.
    public var throughSeq: UInt64
    /// The source journal's last seq.
    public var sourceHeadSeq: UInt64
    /// The new data folder.
    public var target: String
    /// The state the new folder starts with (what `replay --seq throughSeq` prints).
    public var state: RebuiltState
}

/// What a restore wrote.
public struct RestoreReport: Sendable {
    /// The plan carried out.
    public var plan: RestorePlan
    /// The copied journal.
    public var journal: PrefixCopyReport
    /// The snapshot written beside it.
    public var snapshot: WrittenSnapshot?
}

/// Materialises a past state as a new data folder: a verified prefix of the journal and a
/// snapshot at its end, in `<target>/journal` and `<target>/snapshots`. The source is only read
/// (a server may be running on it); the service can then run on the target.
public struct PointInTimeRestore: Sendable {
    /// The source's folders.
    public let source: EngineConfiguration

    /// A restore from the data folder `source` describes.
    public init(source: EngineConfiguration) {
        self.source = source
    }

    /// The plan: the seq `point` resolves to and the state there. `target` must not exist or
    /// be an empty folder.
    public func plan(_ point: RestorePoint, to target: String) throws(EngineError) -> RestorePlan {
        try Self.checkTarget(target, kernel: source.kernel)
        let builder = source.stateBuilder
        let head = try builder.state(atSeq: nil)
        let state: RebuiltState
        switch point {
        case .seq(let seq): state = seq == head.projections.seq ? head : try builder.state(atSeq: seq)
        case .time(let time): state = try builder.state(atTime: time)
        }
        return RestorePlan(throughSeq: state.projections.seq, sourceHeadSeq: head.projections.seq, target: target, state: state)
    }

    /// Carries `plan` out: copies events 1…throughSeq (each frame verified as it is copied),
    /// writes a snapshot of the state at its end, and checks the new folder as startup would
    /// (the snapshot verifies against the copied journal, deeply). Nothing under `target` is
    /// left when a step fails.
    public func run(_ plan: RestorePlan) throws(EngineError) -> RestoreReport {
        let kernel = source.kernel
        try Self.checkTarget(plan.target, kernel: kernel)
        let target = EngineConfiguration(dataDirectory: plan.target)
        let createdTarget: Bool
        let targetPath = try Self.path(plan.target)
        do {
            createdTarget = try kernel.makeDirectory(targetPath)
        } catch {
            throw EngineError(.invalidRequest, "cannot create \(plan.target): \(error)")
        }
        do throws(EngineError) {
            let copy: PrefixCopyReport
            do {
                copy = try JournalPrefixCopy.copy(from: source.journal.directory, to: target.journal.directory, throughSeq: plan.throughSeq, kernel: kernel)
            } catch {
                throw EngineError(error)
            }
            var written: WrittenSnapshot?
            if plan.throughSeq > 0 {
                do {
                    let store = SnapshotStore(directory: target.snapshotDirectory, kernel: kernel)
                    written = try store.write(seq: plan.throughSeq, timestamp: plan.state.projections.timestamp, chain: copy.chain,
                                              projectionVersions: ProjectionSet.versions, state: plan.state.projections.encoded())
                } catch {
                    throw EngineError(error)
                }
                let builder = StateBuilder(journalDirectory: target.journal.directory, snapshots: SnapshotStore(directory: target.snapshotDirectory, kernel: kernel), kernel: kernel)
                guard let written, let listing = try builder.verdicts(deep: false).first?.listing, listing.id == written.header.id else {
                    throw EngineError(.integrity, "the restored snapshot is not listed in \(target.snapshotDirectory)")
                }
                if case .failure(let problem) = try builder.check(listing) { throw EngineError(.integrity, "the restored snapshot does not verify: \(problem)") }
                if let problem = try builder.deepCheck(listing.header!) { throw EngineError(.integrity, "the restored folder does not replay to its snapshot: \(problem)") }
            }
            return RestoreReport(plan: plan, journal: copy, snapshot: written)
        } catch {
            Self.removeTree(plan.target, kernel: kernel, includingRoot: createdTarget)
            throw error
        }
    }

    /// Refuses a target that exists and is not an empty folder.
    static func checkTarget(_ target: String, kernel: Kernel) throws(EngineError) {
        let filePath = try path(target)
        let names: [String]
        do {
            names = try kernel.list(filePath)
        } catch where error.code == .noSuchFile {
            return
        } catch {
            throw EngineError(.invalidRequest, "cannot use \(target) as the restore target: \(error)")
        }
        guard names.isEmpty else {
            throw EngineError(.invalidRequest, "\(target) is not empty; restore writes only into a new or empty folder, so name another")
        }
    }

    /// Removes what a failed restore wrote under `root`.
    static func removeTree(_ root: String, kernel: Kernel, includingRoot: Bool) {
        for folder in ["journal", "snapshots"] {
            let directory = root + "/" + folder
            guard let folderPath = FilePath(validating: directory) else { continue }
            for name in (try? kernel.list(folderPath)) ?? [] {
                if let file = FilePath(validating: directory + "/" + name) { _ = try? kernel.remove(file) }
            }
            try? kernel.removeDirectory(folderPath)
        }
        if includingRoot, let rootPath = FilePath(validating: root) { try? kernel.removeDirectory(rootPath) }
    }

    static func path(_ text: String) throws(EngineError) -> FilePath {
        guard let path = FilePath(validating: text) else { throw EngineError(.invalidRequest, "\"\(text)\" is not a usable path (empty, or holds a NUL byte)") }
        return path
    }
}
