import MobiusCore

/// The option group of every command that reads the domain at a point in time (`replay`,
/// `library list|show`, `lcm list`): `--seq N` (inclusive) or `--at TIME` (every event stamped
/// at or before it); neither means the journal's head. Reading replays from the newest
/// verified snapshot at or before the point and never opens the journal for writing, so it
/// works beside a running server.
struct PointInTimeOptions: Sendable {
    /// `--seq N`.
    static let seq = Option.integer("--seq", in: 0...Int.max, help: "the state after event N (inclusive); default: the journal's head")
    /// `--at TIME`.
    static let at = Option.time("--at", help: "the state after every event stamped at or before TIME (ISO 8601)")

    /// The group's arguments, for a command's `CommandSpec`.
    static let arguments: [any CommandArgument] = [seq, at] + DataFolder.arguments

    /// Where the journal and snapshots are (`--data`).
    let data: DataFolder
    /// `--seq`, if given.
    let seq: UInt64?
    /// `--at`, if given (µs since the epoch).
    let time: UInt64?

    /// Reads the group's options from `arguments`.
    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        seq = arguments.value(of: Self.seq).map(UInt64.init)
        time = arguments.value(of: Self.at)
    }

    /// Refuses `--seq` and `--at` together.
    func validate() throws(CommandFailure) {
        if seq != nil && time != nil { throw .usage("give --seq N or --at TIME, not both", argument: "--at") }
    }

    /// The state at the point asked for; snapshot and decoding warnings go to standard error.
    func state(_ io: CommandIO, commandPath: [String]) throws(CommandFailure) -> RebuiltState {
        try data.requireJournal()
        var configuration = EngineConfiguration(dataDirectory: data.path)
        configuration.warn = { io.printError($0, commandPath: commandPath) }
        let builder = configuration.stateBuilder
        let state = try CommandFailure.engine { () throws(EngineError) in
            if let time { return try builder.state(atTime: time) }
            return try builder.state(atSeq: seq)
        }
        if let warning = state.warning { configuration.warn(warning) }
        return state
    }
}
