import MobiusCore

/// `mobius-dhash rollback (--to-snapshot ID | --to-seq N) [--force] [--dry-run] [--reason TEXT]`:
/// returns the domain state (library, review queue, schema, active releases) to a verified
/// point by appending `rollback.performed`; nothing is deleted or rewritten.
struct RollbackCommand: AsyncCommand {
    static let snapshot = Option<String>("--to-snapshot", value: "ID", help: "roll back to this snapshot (it must verify, deeply)")
    static let seq = Option.integer("--to-seq", in: 0...Int.max, help: "roll back to the end of event N (a commit's end; a snapshot is written there)")
    static let latestDeployment = Flag("--latest-deployment", help: "roll back to the snapshot the latest deployment took before it started")
    static let force = Flag("--force", help: "roll back although health is OK")
    static let dryRun = Flag("--dry-run", help: "verify the target and print what would change; append nothing")
    static let reason = Option<String>("--reason", value: "TEXT", help: "why, recorded in rollback.performed", default: "operator rollback")

    static let spec = CommandSpec(
        "rollback", summary: "return library, review queue, schema and releases to a verified point (appends rollback.performed)",
        discussion: [
            "The target is verified first (sidecar SHA-256, journal chain, and a replay reproducing its state); no option skips that. While health is OK a rollback needs --force. It takes an emergency snapshot of the state now, then appends rollback.performed; metrics, health history and logs keep everything. The report says what changes: library size, schema version, active releases, open review items.",
        ],
        arguments: [snapshot, seq, latestDeployment, force, dryRun, reason] + EngineSession.arguments,
        exits: [
            .checkFailed: "refused: the target does not verify, or health is OK without --force",
            .usageOrUnreadable: "no such snapshot, a seq inside a commit or past the head, or no journal",
        ])

    let session: EngineSession
    let target: RollbackTarget?
    let isForced: Bool
    let isDryRun: Bool
    let reason: String

    init(_ arguments: ParsedArguments) {
        session = EngineSession(arguments)
        if let id = arguments.value(of: Self.snapshot) {
            target = .snapshot(id)
        } else {
            target = arguments.value(of: Self.seq).map { .seq(UInt64($0)) }
        }
        isForced = arguments.isSet(Self.force)
        isDryRun = arguments.isSet(Self.dryRun)
        reason = arguments[Self.reason]
        usesLatestDeployment = arguments.isSet(Self.latestDeployment)
        pointsGiven = [arguments.value(of: Self.snapshot) != nil, arguments.value(of: Self.seq) != nil, usesLatestDeployment].filter { $0 }.count
    }

    private let usesLatestDeployment: Bool
    private let pointsGiven: Int

    func validate() throws(CommandFailure) {
        if pointsGiven > 1 { throw .usage("give one rollback point: --to-snapshot ID, --to-seq N or --latest-deployment", argument: "--to-seq") }
        guard pointsGiven == 1 else { throw .usage("give the rollback point: --to-snapshot ID, --to-seq N or --latest-deployment", argument: "--to-snapshot") }
    }

    /// The point asked for; `--latest-deployment` is the snapshot the newest deployment recorded.
    func resolvedTarget() throws(CommandFailure) -> RollbackTarget {
        if let target { return target }
        try session.data.requireJournal()
        let builder = EngineConfiguration(dataDirectory: session.data.path).stateBuilder
        let releases = try CommandFailure.engine { () throws(EngineError) in try builder.state(atSeq: nil) }.projections.releases
        guard let id = releases.deploymentOrder.last(where: { releases.deployments[$0]?.record.snapshotId != nil }),
              let snapshot = releases.deployments[id]?.record.snapshotId else {
            throw CommandFailure(.unreadableInput, "no deployment has recorded a snapshot; give --to-snapshot ID or --to-seq N")
        }
        return .snapshot(snapshot)
    }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        if let server = RunningServer.holding(session.data) { return try run(through: server, io) }
        let (target, isForced, isDryRun, reason) = (try resolvedTarget(), isForced, isDryRun, reason)
        return try await session.run(io, commandPath: [Self.spec.name], closeSnapshot: isDryRun ? .never : .whenAnythingFolded) { (engine) throws(CommandFailure) in
            let plan = try CommandFailure.engine { () throws(EngineError) in try engine.planRollback(to: target, force: isForced) }
            io.print("target: seq \(plan.toSeq)\(plan.snapshot.map { ", snapshot \($0.header.id) (verified, deep)" } ?? ", no snapshot there yet (one is written)")")
            for line in Self.changes(plan) { io.print(line) }
            if isDryRun {
                io.print(plan.refusal.map { "would be refused: \($0)" } ?? "dry run: nothing appended")
                return plan.refusal == nil ? .success : .checkFailed
            }
            let outcome = try await CommandFailure.awaiting { () throws(EngineError) in
                try await engine.rollback(to: target, reason: reason, force: isForced)
            }
            io.print("rolled back: rollback.performed at seq \(outcome.seq); snapshot \(outcome.snapshotId); emergency snapshot \(outcome.emergencySnapshotId)")
            return .success
        }
    }

    /// `library: 12 → 9 images`-style lines for what the rollback changes.
    static func changes(_ plan: RollbackPlan) -> [String] {
        let (now, then) = (plan.current, plan.target)
        func releases(_ map: [String: String]) -> String {
            map.isEmpty ? "none" : map.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        }
        return [
            "library: \(now.libraryImages) → \(then.libraryImages) image(s)",
            "schema version: \(now.schemaVersion) → \(then.schemaVersion)",
            "active releases: \(releases(now.activeReleases)) → \(releases(then.activeReleases))",
            "open review items: \(now.openReviewItems) → \(then.openReviewItems)",
        ]
    }
}
