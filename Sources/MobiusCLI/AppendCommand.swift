import Journal

/// `mobius-dhash append`: appends one event (`--type T --payload JSON`) or JSON Lines from
/// standard input (`--stdin`), printing each seq once it is acknowledged.
///
/// With `--stdin`, lines that arrive together become one append (one frame), so piping many
/// lines is fast, but an ack never waits for more input. Malformed lines are reported on
/// standard error as `line N: what is wrong` and skipped; the exit status is then 1 (after all
/// input is processed), otherwise 0. Failures of the journal itself (locked, disk errors) stop
/// the command with exit status 1; nothing unacknowledged is ever printed.
struct AppendCommand: Command {
    static let name = "append"
    static let summary = "append events (--type T --payload JSON, or --stdin JSON Lines); prints seqs"

    /// Where the journal is (`--data`).
    let location: JournalLocation
    /// When an append counts as done (`--durability`, default `always`).
    let durability: Durability
    /// The single event, or nil for `--stdin`.
    let single: EventDraft?

    init(arguments: inout ArgumentList) throws(UsageError) {
        location = try JournalLocation(arguments: &arguments)
        durability = try Durability.parse(&arguments)
        let fromStandardInput = arguments.flag("--stdin")
        let type = try arguments.option("--type")
        let payload = try arguments.option("--payload")
        let requestId = try arguments.option("--request-id")
        try arguments.finish()
        if fromStandardInput {
            guard type == nil, payload == nil, requestId == nil else {
                throw UsageError("--stdin reads events from standard input; do not combine it with --type, --payload or --request-id")
            }
            single = nil
        } else {
            guard let type, let payload else { throw UsageError("give --type T and --payload JSON, or --stdin") }
            do {
                single = try EventDraft(type: type, requestId: requestId, json: payload)
            } catch {
                throw UsageError(error.message)
            }
        }
    }

    func run(_ io: CommandIO) throws -> ExitStatus {
        let writer: JournalWriter
        do {
            writer = try JournalWriter.open(JournalConfiguration(directory: location.journalDirectory, durability: durability))
        } catch {
            io.printError("mobius-dhash append: \(error)")
            return .checkFailed
        }
        defer { try? writer.close() }
        if let single {
            do {
                io.print(String(try writer.append([single]).lowerBound))
                return .success
            } catch {
                io.printError("mobius-dhash append: \(error)")
                return .checkFailed
            }
        }
        var parser = EventLineParser()
        var skipped = 0
        while let chunk = io.readChunk() {
            let drafts = parser.parse(chunk) { line, problem in
                io.printError("line \(line): \(problem)")
                skipped += 1
            }
            guard !drafts.isEmpty else { continue }
            do {
                let seqs = try writer.append(drafts)
                io.print(seqs.map(String.init).joined(separator: "\n"))
            } catch {
                io.printError("mobius-dhash append: \(error)")
                return .checkFailed
            }
        }
        if let problem = parser.finish() {
            io.printError("line \(problem.line): \(problem.message)")
            skipped += 1
        }
        return skipped > 0 ? .checkFailed : .success
    }
}
