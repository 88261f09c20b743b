import JSON
import MobiusCore

/// `mobius-dhash lcm list|resolve`: the review queue of low-confidence matches.
enum ReviewQueueCommand {
    /// The `lcm` group and its subcommands.
    static let node = CommandNode.group(
        CommandSpec("lcm", summary: "the review queue of low-confidence matches: list, resolve",
                    exits: [.checkFailed: "the item is resolved already"]),
        [.command(ReviewListCommand.self), .command(ReviewResolveCommand.self)])
}

/// `lcm list [--all] [--seq N|--at TIME]`: open (or all) review items as JSON Lines.
struct ReviewListCommand: Command {
    static let all = Flag("--all", help: "also list resolved items (the newest 10,000 kept)")

    static let spec = CommandSpec(
        "list", summary: "print the open review items as JSON Lines (--all: resolved ones too)",
        discussion: [#"One object per item, oldest first: {"id","status","seq","enqueuedAt","hash","source","candidate","confidence","requestId"} and, once resolved, "decision","resolvedAt","addedImageId","note"."#],
        arguments: [all] + PointInTimeOptions.arguments,
        exits: [.usageOrUnreadable: "there is no journal, or it cannot be read"])

    let point: PointInTimeOptions
    let includesResolved: Bool

    init(_ arguments: ParsedArguments) {
        point = PointInTimeOptions(arguments)
        includesResolved = arguments.isSet(Self.all)
    }

    func validate() throws(CommandFailure) { try point.validate() }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        let queue = try point.state(io, commandPath: ["lcm", "list"]).projections.reviewQueue
        let items = includesResolved ? (queue.resolved + queue.openItems).sorted { $0.seq < $1.seq } : queue.openItems
        for item in items { io.print(JSONLine.value { item.writeObject(to: &$0) }) }
        return .success
    }
}

/// `lcm resolve ID --decision accept|reject|add-to-library [--image-id ID] [--note TEXT]`.
struct ReviewResolveCommand: AsyncCommand {
    static let id = Positional<String>("ID", help: "the review item (lcm-<seq>)", required: true, whenMissing: "name the review item ('lcm list' shows them)")
    static let decision = Option<ReviewDecision>.choice("--decision", value: "D", help: "accept (the match is right), reject (it is not), add-to-library (a new image)")
    static let imageId = Option<String>("--image-id", value: "ID", help: "with add-to-library: the new image's id; default img-<item's seq>")
    static let note = Option<String>("--note", value: "TEXT", help: "a note recorded with the decision")

    static let spec = CommandSpec(
        "resolve", summary: "resolve a review item: accept, reject, or add-to-library; prints the item",
        arguments: [id, decision, imageId, note] + EngineSession.arguments,
        exits: [.checkFailed: "the item is resolved already, or the image id is taken", .usageOrUnreadable: "there is no such item"])

    let session: EngineSession
    let id: String
    let decision: ReviewDecision?
    let imageId: String?
    let note: String?

    init(_ arguments: ParsedArguments) {
        session = EngineSession(arguments)
        id = arguments.values(of: Self.id)[0]
        decision = arguments.value(of: Self.decision)
        imageId = arguments.value(of: Self.imageId)
        note = arguments.value(of: Self.note)
    }

    func validate() throws(CommandFailure) {
        guard decision != nil else { throw .usage("give --decision accept, reject or add-to-library", argument: "--decision") }
        if imageId != nil, decision != .addToLibrary { throw .usage("--image-id goes with --decision add-to-library only", argument: "--image-id") }
    }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        if let server = RunningServer.holding(session.data) { return try run(through: server, io) }
        let (id, decision, imageId, note) = (id, decision!, imageId, note)
        let item = try await session.run(io, commandPath: ["lcm", "resolve"]) { (engine) throws(CommandFailure) in
            try await CommandFailure.awaiting { () throws(EngineError) in
                try await engine.resolve(itemId: id, decision: decision, imageId: imageId, note: note)
            }
        }
        io.print(JSONLine.value { item.writeObject(to: &$0) })
        return .success
    }
}
