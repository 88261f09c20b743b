import Foundation
import JSON
import Journal
import MobiusCore

/// `mobius-dhash migrate status|up|down`: the shipped migrations (`MigrationRegistry.shipped`)
/// against the journal.
enum MigrateCommand {
    /// The `migrate` group and its subcommands.
    static let node = CommandNode.group(
        CommandSpec("migrate", summary: "schema migrations: status, up, down (each step an event)",
                    exits: [.checkFailed: "drift, a refused or failed migration"]),
        [.command(MigrateStatusCommand.self), .command(MigrateUpCommand.self), .command(MigrateDownCommand.self)])

    static let dryRun = Flag("--dry-run", help: "print what each step would do; append nothing")

    /// `applied 001-initial  2026-12-03T10:00:00Z  seq 4  <summary>` / `pending 002-…  <summary>`.
    static func line(_ entry: MigrationStatus.Entry) -> String {
        guard let applied = entry.applied else { return "pending  \(entry.id)  \(entry.summary)" }
        let drift = entry.codeChecksum == applied.checksum ? "" : "  DRIFT (checksum \(applied.checksum.prefix(12))… recorded, \(entry.codeChecksum?.prefix(12) ?? "none")… in the code)"
        return "applied  \(entry.id)  \(Timestamp.iso8601(microseconds: applied.appliedAt))  seq \(applied.appliedSeq)  \(entry.summary)\(drift)"
    }

    /// Runs `migrate` in `session`'s engine — or, when a server holds the journal, through its
    /// `POST /api/admin/migrate` — and prints what it did; its exit status.
    static func run(_ io: CommandIO, _ session: EngineSession, _ name: String, target: String?, dryRun: Bool,
                    _ migrate: @escaping @Sendable (Engine) async throws(EngineError) -> MigrationRun) async throws(CommandFailure) -> ExitStatus {
        if let server = RunningServer.holding(session.data) {
            server.announce(io, commandPath: ["migrate", name])
            let body = JSONLine.value { json in
                json.writeObject { json in
                    json.write(name, forKey: "direction")
                    if let target { json.write(target, forKey: "to") }
                    json.write(dryRun, forKey: "dryRun")
                }
            }
            let (status, answer) = try server.call("/api/admin/migrate", body: Array(body.utf8))
            guard status == 200 || status == 409, let object = RunningServer.object(in: answer), let steps = object["steps"] as? [[String: Any]] else {
                throw server.failure(status: status, body: answer)
            }
            let failure = (object["failure"] as? [String: Any]).map { ($0["id"] as? String ?? "?", $0["error"] as? String ?? "") }
            let run = MigrationRun(steps: steps.map { step in
                MigrationStep(id: step["id"] as? String ?? "?", direction: step["direction"] as? String == "down" ? .down : .up,
                              checksum: step["checksum"] as? String ?? "", changes: step["changes"] as? String ?? "",
                              problems: step["problems"] as? [String] ?? [], durationMs: step["durationMs"] as? Double ?? 0,
                              seq: (step["seq"] as? Int).map(UInt64.init))
            }, failure: failure.map { (id: $0.0, message: $0.1) })
            return report(run, dryRun: dryRun, io: io, commandPath: ["migrate", name])
        }
        let run = try await session.run(io, commandPath: ["migrate", name], closeSnapshot: dryRun ? .never : .whenAnythingFolded) { (engine) throws(CommandFailure) in
            try await CommandFailure.awaiting { () throws(EngineError) in try await migrate(engine) }
        }
        return report(run, dryRun: dryRun, io: io, commandPath: ["migrate", name])
    }

    /// Prints a run's steps and failure; its exit status.
    static func report(_ run: MigrationRun, dryRun: Bool, io: CommandIO, commandPath: [String]) -> ExitStatus {
        for step in run.steps {
            let verb = dryRun ? "would \(step.direction == .up ? "apply" : "revert")" : (step.direction == .up ? "applied" : "reverted")
            io.print("\(verb) \(step.id): \(step.changes)\(step.seq.map { " (seq \($0))" } ?? "")")
            for problem in step.problems { io.print("  problem: \(problem)") }
        }
        if let failure = run.failure {
            io.printError("\(failure.id) failed, nothing of it was appended\(run.steps.isEmpty ? "" : "; the steps above stay"): \(failure.message)", commandPath: commandPath)
            return .checkFailed
        }
        if run.steps.isEmpty { io.print("nothing to do") } else if dryRun { io.print("dry run: nothing appended") }
        return .success
    }
}

/// `migrate status [--json]`: applied migrations with their times and checksums, pending ones, drift.
struct MigrateStatusCommand: Command {
    static let asJSON = Flag("--json", help: #"print {"applied":[…],"pending":[…],"drift":[…]}"#)
    static let spec = CommandSpec(
        "status", summary: "list applied and pending migrations, and any drift",
        discussion: ["Exit 1 when a recorded checksum differs from the code's (drift), which blocks migrate up."],
        arguments: [asJSON] + DataFolder.arguments,
        exits: [.checkFailed: "drift"])

    let data: DataFolder
    let asJSON: Bool

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        asJSON = arguments.isSet(Self.asJSON)
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        // A folder without a journal yet has every migration pending.
        var schema = SchemaProjection()
        if FileManager.default.fileExists(atPath: data.journalDirectory) {
            var configuration = EngineConfiguration(dataDirectory: data.path)
            configuration.warn = { io.printError($0, commandPath: ["migrate", "status"]) }
            let builder = configuration.stateBuilder
            schema = try CommandFailure.engine { () throws(EngineError) in try builder.state(atSeq: nil) }.projections.schema
        }
        let status = MigrationRegistry.shipped.status(of: schema)
        if asJSON {
            io.print(JSONLine.value { json in
                json.writeObject { json in
                    for (key, entries) in [("applied", status.entries.filter { $0.applied != nil }), ("pending", status.pending)] {
                        json.writeKey(key)
                        json.writeArray { json in
                            for entry in entries {
                                json.writeObject { json in
                                    json.write(entry.id, forKey: "id")
                                    json.write(entry.summary, forKey: "summary")
                                    json.write(entry.codeChecksum, forKey: "checksum")
                                    if let applied = entry.applied {
                                        json.write(applied.checksum, forKey: "appliedChecksum")
                                        json.write(Timestamp.iso8601(microseconds: applied.appliedAt), forKey: "appliedAt")
                                        json.write(applied.appliedSeq, forKey: "appliedSeq")
                                    }
                                }
                            }
                        }
                    }
                    json.writeKey("drift")
                    json.writeArray { json in for problem in status.drift { json.write(problem) } }
                }
            })
        } else {
            for entry in status.entries { io.print(MigrateCommand.line(entry)) }
            io.print("schema version \(schema.currentVersion); \(status.pending.count) pending")
        }
        for problem in status.drift { io.printError("drift: \(problem)", commandPath: ["migrate", "status"]) }
        return status.drift.isEmpty ? .success : .checkFailed
    }
}

/// What `migrate up` and `migrate down` read from their arguments: the engine session, the
/// `--to` migration and `--dry-run`.
struct MigrateRequest: Sendable {
    let session: EngineSession
    let target: String?
    let dryRun: Bool

    init(_ arguments: ParsedArguments, target option: Option<String>) {
        session = EngineSession(arguments)
        target = arguments.value(of: option)
        dryRun = arguments.isSet(MigrateCommand.dryRun)
    }
}

/// `migrate up [--to ID] [--dry-run]`: applies pending migrations in order.
struct MigrateUpCommand: AsyncCommand {
    static let target = Option<String>("--to", value: "ID", help: "stop after this migration; default: apply all pending")
    static let spec = CommandSpec(
        "up", summary: "apply pending migrations in order, each with its events and migration.applied in one commit",
        discussion: ["Refused while migrations have drifted. A migration that fails appends nothing; those before it stay applied."],
        arguments: [target, MigrateCommand.dryRun] + EngineSession.arguments,
        exits: [.checkFailed: "drift, or a migration failed", .usageOrUnreadable: "no such migration, or no data folder"])

    let request: MigrateRequest

    init(_ arguments: ParsedArguments) { request = MigrateRequest(arguments, target: Self.target) }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        let (target, dryRun) = (request.target, request.dryRun)
        return try await MigrateCommand.run(io, request.session, "up", target: target, dryRun: dryRun) { (engine) throws(EngineError) in
            try await engine.migrateUp(.shipped, to: target, dryRun: dryRun)
        }
    }
}

/// `migrate down --to ID [--dry-run]`: reverts applied migrations after ID, newest first.
struct MigrateDownCommand: AsyncCommand {
    static let target = Option<String>(required: "--to", value: "ID", help: "the last migration to keep applied (none: revert all)",
                                       whenMissing: "name the last migration to keep (none reverts all)")
    static let spec = CommandSpec(
        "down", summary: "revert applied migrations after --to ID, newest first, each with migration.reverted",
        discussion: ["Refused before anything is appended when one of them cannot be reverted."],
        arguments: [target, MigrateCommand.dryRun] + EngineSession.arguments,
        exits: [.checkFailed: "a migration cannot be reverted, or failed", .usageOrUnreadable: "--to names no applied migration, or no data folder"])

    let request: MigrateRequest

    init(_ arguments: ParsedArguments) { request = MigrateRequest(arguments, target: Self.target) }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        guard let target = request.target else { throw .usage("give --to ID: the last migration to keep (none reverts all)", argument: "--to") }
        let dryRun = request.dryRun
        return try await MigrateCommand.run(io, request.session, "down", target: target, dryRun: dryRun) { (engine) throws(EngineError) in
            try await engine.migrateDown(.shipped, to: target, dryRun: dryRun)
        }
    }
}
