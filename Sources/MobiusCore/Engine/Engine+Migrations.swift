import Journal

/// One migration step taken (or, in a dry run, planned).
public struct MigrationStep: Sendable {
    /// Up or down.
    public enum Direction: String, Sendable { case up, down }
    public var id: String
    public var direction: Direction
    public var checksum: String
    /// What it changes (or would).
    public var changes: String
    /// Items it reported without failing.
    public var problems: [String]
    /// How long planning took, ms.
    public var durationMs: Double
    /// The seq of its `migration.applied` / `migration.reverted`; nil in a dry run.
    public var seq: UInt64?

    /// A step with the given fields (as a server reports them, too).
    public init(id: String, direction: Direction, checksum: String, changes: String, problems: [String], durationMs: Double, seq: UInt64? = nil) {
        (self.id, self.direction, self.checksum, self.changes, self.problems, self.durationMs, self.seq) = (id, direction, checksum, changes, problems, durationMs, seq)
    }
}

/// What `migrate up` / `migrate down` did: the steps taken in order and, if one failed, which
/// and why (the steps before it stay applied; nothing of the failed one was appended).
public struct MigrationRun: Sendable {
    public var steps: [MigrationStep]
    public var failure: (id: String, message: String)?

    /// A run with the given steps and failure.
    public init(steps: [MigrationStep], failure: (id: String, message: String)?) {
        self.steps = steps
        self.failure = failure
    }
}

extension Engine {
    /// Where each migration of `registry` stands against the journal.
    public func migrationStatus(_ registry: MigrationRegistry) -> MigrationStatus {
        registry.status(of: projections.schema)
    }

    /// Applies `registry`'s pending migrations in order, up to and including `target` (all when
    /// nil), each as one frame: its events and `migration.applied {id, checksum, durationMs,
    /// changes}`. Refused while there is drift, when `target` is unknown or already applied,
    /// or while another run is under way (`.conflict`).
    /// A dry run plans each against the current state and appends nothing.
    public func migrateUp(_ registry: MigrationRegistry, to target: String? = nil, dryRun: Bool = false,
                          requestId: String? = nil) async throws(EngineError) -> MigrationRun {
        try beginMigrating(unless: dryRun)
        defer { if !dryRun { endMigrating() } }
        let status = migrationStatus(registry)
        guard status.drift.isEmpty else {
            throw EngineError(.refused, "migrations have drifted: \(status.drift.joined(separator: "; ")); restore the definitions that were applied, or revert past them")
        }
        var pending = status.pending.compactMap { registry.migration($0.id) }
        if let target {
            guard registry.migration(target) != nil else { throw EngineError(.notFound, "no migration \(Echoed(target)); migrate status lists them") }
            guard let end = pending.firstIndex(where: { $0.id == target }) else {
                throw EngineError(.conflict, "migration \(target) is already applied")
            }
            pending = Array(pending[...end])
        }
        return try await take(pending.map { ($0, .up, $0.checksum) }, dryRun: dryRun, requestId: requestId)
    }

    /// Reverts applied migrations, newest first, until `target` is the last applied ("none"
    /// reverts all), each as one frame with `migration.reverted`. Refused before anything is
    /// appended when one of them has no `down` or is unknown to this version.
    public func migrateDown(_ registry: MigrationRegistry, to target: String, dryRun: Bool = false,
                            requestId: String? = nil) async throws(EngineError) -> MigrationRun {
        try beginMigrating(unless: dryRun)
        defer { if !dryRun { endMigrating() } }
        let applied = projections.schema.applied
        let keep: Int
        if target == "none" {
            keep = 0
        } else {
            guard let index = applied.firstIndex(where: { $0.id == target }) else {
                throw EngineError(.notFound, "migration \(Echoed(target)) is not applied; migrate status lists the applied ones (or give none)")
            }
            keep = index + 1
        }
        let reverting = applied[keep...].reversed()
        for record in reverting {
            guard let migration = registry.migration(record.id) else {
                throw EngineError(.refused, "\(record.id) is unknown to this version, so it cannot be reverted here; nothing was reverted")
            }
            guard migration.isReversible else {
                throw EngineError(.refused, "\(record.id) cannot be reverted (it has no down); nothing was reverted")
            }
        }
        return try await take(reverting.map { (registry.migration($0.id)!, .down, $0.checksum) }, dryRun: dryRun, requestId: requestId)
    }

    /// Marks a migration run under way (a dry run marks nothing); refused as a conflict while
    /// another is, since both would plan from the same schema and apply the same steps.
    private func beginMigrating(unless dryRun: Bool) throws(EngineError) {
        guard !dryRun else { return }
        let isBusy = live.withLock { state -> Bool in
            if state.isMigrating { return true }
            state.isMigrating = true
            return false
        }
        if isBusy { throw EngineError(.conflict, "another migration run is under way; run migrate status when it has finished") }
    }

    private func endMigrating() { live.withLock { $0.isMigrating = false } }

    /// Plans and (unless a dry run) appends each step in order, one commit per step; stops at
    /// the first whose plan fails, keeping the steps before it.
    private func take(_ steps: [(migration: Migration, direction: MigrationStep.Direction, checksum: String)], dryRun: Bool,
                      requestId: String?) async throws(EngineError) -> MigrationRun {
        var run = MigrationRun(steps: [], failure: nil)
        for (migration, direction, checksum) in steps {
            let start = ContinuousClock.now
            let plan: MigrationPlan
            do {
                plan = try (direction == .up ? migration.up : migration.down!)(migrationContext())
            } catch {
                run.failure = (migration.id, error.message)
                return run
            }
            let durationMs = (ContinuousClock.now - start).seconds * 1000
            var step = MigrationStep(id: migration.id, direction: direction, checksum: checksum, changes: plan.changes,
                                     problems: plan.problems, durationMs: durationMs)
            if !dryRun {
                let record = MigrationRecorded(id: migration.id, checksum: checksum, durationMs: durationMs, changes: plan.changes)
                let marker: DomainEvent = direction == .up ? .migrationApplied(MigrationApplied(record)) : .migrationReverted(MigrationReverted(record))
                step.seq = try await append(plan.events + [marker], requestId: requestId).seqs.upperBound
            }
            run.steps.append(step)
        }
        return run
    }

    /// What a migration sees now.
    func migrationContext() -> MigrationContext {
        let configuration = configuration
        return MigrationContext(
            projections: projections, dataDirectory: configuration.dataDirectory,
            readEvents: { (type, body) throws(MigrationError) in
                let reader = JournalReader(directory: configuration.journal.directory, kernel: configuration.kernel)
                var filter = EventFilter()
                filter.types = [type]
                var failure: MigrationError?
                let summary: ReadSummary
                do {
                    summary = try reader.read(filter) { event in
                        do {
                            let decoded = try DomainEvent(type: event.type, version: event.version, data: event.data)
                            return body(event.version, RecordedEvent(seq: event.seq, timestamp: event.timestamp, requestId: event.requestId, event: decoded))
                        } catch {
                            failure = MigrationError("event \(event.seq) (\(event.type) v\(event.version)) does not decode: \(error)")
                            return false
                        }
                    }
                } catch {
                    throw MigrationError("the journal could not be read: \(error)")
                }
                if let failure { throw failure }
                if let damage = summary.damage { throw MigrationError("the journal is damaged: \(damage)") }
            },
            decodingLimits: configuration.decodingLimits,
            readFile: { path in
                ImageFileLoader(kernel: configuration.kernel, maxBytes: configuration.maxImageBytes).load(path)
                    .mapError { MigrationError($0.reason) }
            })
    }
}
