import JSON
import Journal
import MobiusCore

/// `mobius-dhash snapshot create|list|verify`: verified snapshots of every projection.
enum SnapshotCommand {
    /// The `snapshot` group and its subcommands.
    static let node = CommandNode.group(
        CommandSpec("snapshot", summary: "snapshots of every projection: create, list, verify",
                    exits: [.checkFailed: "a snapshot does not verify"]),
        [.command(SnapshotCreateCommand.self), .command(SnapshotListCommand.self), .command(SnapshotVerifyCommand.self)])

    /// One line per snapshot: `<id>  seq <n>  <time>  <bytes> bytes  <verdict>`.
    static func line(_ verdict: SnapshotVerdict) -> String {
        let listing = verdict.listing
        let time = listing.header.map { Timestamp.iso8601(microseconds: $0.timestamp) } ?? "?"
        let status = verdict.problem.map { "REFUSED: \($0)" } ?? (verdict.isDeeplyVerified ? "verified (deep)" : "verified")
        return "\(listing.id)  seq \(listing.seq)  \(time)  \(listing.fileBytes) bytes  \(status)"
    }

    /// `{"id","seq","timestamp","bytes","verified","deep","problem"}`.
    static func json(_ verdict: SnapshotVerdict) -> String {
        JSONLine.value { verdict.writeObject(to: &$0) }
    }

    /// The verdicts on every snapshot in the data folder's `snapshots/`.
    static func verdicts(_ data: DataFolder, deep: Bool) throws(CommandFailure) -> [SnapshotVerdict] {
        try data.requireJournal()
        return try CommandFailure.engine { () throws(EngineError) in
            try EngineConfiguration(dataDirectory: data.path).stateBuilder.verdicts(deep: deep)
        }
    }
}

/// `snapshot create`: a snapshot of the state at the journal's head.
struct SnapshotCreateCommand: AsyncCommand {
    static let spec = CommandSpec(
        "create", summary: "write a snapshot of every projection at the journal's head; prints its id",
        discussion: ["Writes snapshots/<id>.snapshot and its .sha256 sidecar, appends snapshot.created, and keeps the newest 10, every snapshot a deployment or rollback names, and the oldest of each span of 200,000 seqs (so a replay to any point starts less than 200,000 events back)."],
        arguments: EngineSession.arguments,
        exits: [.usageOrUnreadable: "the journal is empty, or the snapshot could not be written"])

    let session: EngineSession

    init(_ arguments: ParsedArguments) { session = EngineSession(arguments) }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        if let server = RunningServer.holding(session.data) { return try run(through: server, io) }
        let written = try await session.run(io, commandPath: ["snapshot", "create"], closeSnapshot: .never) { (engine) throws(CommandFailure) in
            try await CommandFailure.awaiting { () throws(EngineError) in try await engine.createSnapshot() }
        }
        io.print("\(written.header.id)  seq \(written.header.seq)  \(written.fileBytes) bytes  sha256 \(written.fileSha256.hex)")
        return .success
    }
}

/// `snapshot list [--json]`: every snapshot, newest first, each checked.
struct SnapshotListCommand: Command {
    static let asJSON = Flag("--json", help: #"print one JSON object per snapshot: {"id","seq","timestamp","bytes","verified","deep","problem"}"#)

    static let spec = CommandSpec(
        "list", summary: "list snapshots newest first, each checked (checksum, versions, chain)",
        arguments: [asJSON] + DataFolder.arguments,
        exits: [.usageOrUnreadable: "there is no journal, or the folder cannot be read"])

    let data: DataFolder
    let isJSON: Bool

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        isJSON = arguments.isSet(Self.asJSON)
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        for verdict in try SnapshotCommand.verdicts(data, deep: false) {
            io.print(isJSON ? SnapshotCommand.json(verdict) : SnapshotCommand.line(verdict))
        }
        return .success
    }
}

/// `snapshot verify [--deep] [ID]`: exit 1 when any snapshot checked does not verify.
struct SnapshotVerifyCommand: Command {
    static let deep = Flag("--deep", help: "also replay the journal to each snapshot's seq and compare the state hash")
    static let id = Positional<String>("ID", help: "the snapshot to check; default: all of them")

    static let spec = CommandSpec(
        "verify", summary: "check snapshots: sidecar SHA-256, versions, journal chain (--deep: a replay reproduces the state)",
        arguments: [deep, id] + DataFolder.arguments,
        exits: [.checkFailed: "a snapshot does not verify", .usageOrUnreadable: "there is no such snapshot, or no journal"])

    let data: DataFolder
    let isDeep: Bool
    let id: String?

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        isDeep = arguments.isSet(Self.deep)
        id = arguments.values(of: Self.id).first
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        var verdicts = try SnapshotCommand.verdicts(data, deep: isDeep)
        if let id {
            verdicts = verdicts.filter { $0.listing.id == id }
            if verdicts.isEmpty { throw CommandFailure(.unreadableInput, "there is no snapshot \(Echoed(id)); 'snapshot list' shows them") }
        }
        for verdict in verdicts { io.print(SnapshotCommand.line(verdict)) }
        let refused = verdicts.filter { !$0.isVerified }.count
        io.print(refused == 0 ? "\(verdicts.count) snapshot(s) verified\(isDeep ? " (deep)" : "")" : "\(refused) of \(verdicts.count) snapshot(s) do not verify")
        return refused == 0 ? .success : .checkFailed
    }
}
