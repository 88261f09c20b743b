import MobiusCore
import Journal

/// `mobius-dhash append`: appends one event (`--type T --payload JSON`) or JSON Lines from
/// standard input (`--stdin`), printing each seq once it is acknowledged.
///
/// With `--stdin`, lines that arrive together become one append (one frame), so piping many
/// lines is fast, but an ack never waits for more input. Malformed lines are reported on
/// standard error as `mobius-dhash append: line N: what is wrong` and skipped; the exit status
/// is then 1 (after all input is processed), otherwise 0. Failures of the journal itself
/// (locked, disk errors) stop the command with exit status 1; nothing unacknowledged is ever
/// printed.
struct AppendCommand: Command {
    static let type = Option<String>("--type", value: "T", help: "the event's type, e.g. extraction.completed (letters, digits, '.', '_', '-')")
    static let payload = Option<String>(
        "--payload", value: "JSON", help: "the event's data: one JSON object",
        invalidUTF8Advice: "JSON text must be UTF-8: re-encode it, or send the event as a line on standard input with --stdin")
    static let requestId = Option<String>("--request-id", value: "R", help: "the request that caused the event (printable ASCII without quotes or backslashes)")
    static let readsStandardInput = Flag(
        "--stdin", help: #"read events from standard input instead, one JSON object per line: {"type":T,"data":{…}}, optionally with "v":N and "requestId":R"#)

    static let spec = CommandSpec(
        "append", summary: "append events (--type T --payload JSON, or --stdin JSON Lines); prints each seq",
        discussion: [
            "Each seq is printed once its event is acknowledged (with --durability always: on stable storage). With --stdin, lines that arrive together share one commit; a malformed line, or a last line without its newline, is reported as 'line N: …' and skipped.",
        ],
        arguments: [type, payload, requestId, readsStandardInput] + DataFolder.arguments + JournalWriteOptions.arguments,
        exits: [
            .checkFailed: "a line was skipped, or the journal could not be written (damaged before its tail, locked by another writer, a failed write or sync)",
            .usageOrUnreadable: "the data folder does not exist, or it or its journal/ is a file",
        ])

    /// Where the journal is (`--data`).
    let data: DataFolder
    /// How the journal is written (`--durability`, `--segment-bytes`).
    let writing: JournalWriteOptions
    /// `--type`, `--payload`, `--request-id` of the single event; nil when not given.
    let type: String?, payload: String?, requestId: String?
    /// Read JSON Lines from standard input (`--stdin`).
    let readsStandardInput: Bool

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        writing = JournalWriteOptions(arguments)
        type = arguments.value(of: Self.type)
        payload = arguments.value(of: Self.payload)
        requestId = arguments.value(of: Self.requestId)
        readsStandardInput = arguments.isSet(Self.readsStandardInput)
    }

    func validate() throws(CommandFailure) {
        if readsStandardInput {
            guard type == nil, payload == nil, requestId == nil else {
                throw .usage("--stdin reads events from standard input; do not combine it with --type, --payload or --request-id")
            }
        } else {
            _ = try singleEvent()
        }
    }

    /// The event of `--type` and `--payload`.
    private func singleEvent() throws(CommandFailure) -> EventDraft {
        guard let type, let payload else { throw .usage("give --type T and --payload JSON, or --stdin") }
        let draft = try EventDraft.echoingType(type, requestId: requestId, data: Array(payload.utf8)).mapError { CommandFailure.usage($0.message) }.get()
        if let problem = draft.domainProblem { throw .usage(problem, argument: "--payload") }
        return draft
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        try data.requireFolderForWriting()
        if let server = RunningServer.holding(data) {
            server.announce(io, commandPath: [Self.spec.name])
            return try append(io) { (drafts) throws(CommandFailure) in try Self.send(drafts, through: server) }
        }
        let writer = try CommandFailure.catching(as: .checkFailed) { try JournalWriter.open(writing.configuration(directory: data.journalDirectory)) }
        defer { try? writer.close() }
        return try append(io) { (drafts) throws(CommandFailure) in
            try CommandFailure.catching(as: .checkFailed) { try writer.append(drafts).seqs }
        }
    }

    /// Appends the `--type`/`--payload` event or the lines of standard input through `commit`
    /// (the journal, or a server holding it), printing each seq once acknowledged.
    private func append(_ io: CommandIO, through commit: ([EventDraft]) throws(CommandFailure) -> ClosedRange<UInt64>) throws(CommandFailure) -> ExitStatus {
        if !readsStandardInput {
            io.print(String(try commit([singleEvent()]).lowerBound))
            return .success
        }
        var parser = EventLineParser()
        var skipped = 0
        let skip = { (line: Int, problem: String) in
            io.printError("line \(line): \(problem)", commandPath: [Self.spec.name])
            skipped += 1
        }
        while let chunk = io.readChunk() {
            let drafts = parser.parse(chunk, reportProblem: skip)
            guard !drafts.isEmpty else { continue }
            io.print(try commit(drafts).map(String.init).joined(separator: "\n"))
        }
        if let problem = parser.finish() { skip(problem.line, problem.message) }
        return skipped > 0 ? .checkFailed : .success
    }
}
