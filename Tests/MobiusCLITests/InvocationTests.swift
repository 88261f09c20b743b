import Journal
@testable import MobiusCLI
import MobiusCore
import Testing

/// Whole command lines against the real command tree, parsed without running anything.
@Suite struct InvocationTests {
    private func parse(_ words: [String]) -> Invocation {
        Invocation(parsing: words.map { CommandWord($0) }, root: MobiusCommandLine.root)
    }

    /// The command `words` parse to, or a recorded issue.
    private func command<C: ParsableCommand>(_ words: [String], as type: C.Type, sourceLocation: SourceLocation = #_sourceLocation) -> C? {
        guard case .run(_, let runnable) = parse(words), let command = runnable.command as? C else {
            Issue.record("\(words) did not parse to a \(C.self): \(parse(words))", sourceLocation: sourceLocation)
            return nil
        }
        return command
    }

    /// The failure `words` parse to, with the command path it is reported under.
    private func failure(_ words: [String]) -> (path: [String], failure: CommandFailure)? {
        guard case .failure(let path, let failure) = parse(words) else { return nil }
        return (path, failure)
    }

    private func help(_ words: [String]) -> String? {
        guard case .help(let text) = parse(words) else { return nil }
        return text
    }

    // The three command lines the order-dependent ArgumentList got wrong.

    @Test func wordsAfterDoubleDashAreFilesEvenWhenTheyLookLikeOptions() {
        let hash = command(["hash", "--", "--json"], as: HashCommand.self)
        #expect(hash?.files == ["--json"])
        #expect(hash?.isJSON == false)
    }

    @Test func anOptionIsNeverTakenAsTheValueOfAnother() {
        let refused = failure(["append", "--type", "--stdin", "--payload", "{}"])
        #expect(refused?.path == ["append"])
        #expect(refused?.failure.message == "--type needs a value; got the option '--stdin' (write --type=VALUE for a value that starts with --)")
        #expect(refused?.failure.line(commandPath: ["append"])
            == "mobius-dhash append: --type needs a value; got the option '--stdin' (write --type=VALUE for a value that starts with --) (see 'mobius-dhash help append')")
    }

    @Test(arguments: [["hash"], ["append"], ["inspect"], ["verify"], ["stats"], ["bench", "journal"], ["bench", "index"], ["bench", "startup"], ["bench", "snapshot"], ["help"], ["bench"], []])
    func everyCommandAnswersHelpTheSameFourWays(path: [String]) throws {
        let text = try #require(help(path + ["--help"]))
        #expect(help(path + ["-h"]) == text)
        #expect(help(["help"] + path) == nil, "help COMMAND runs the help command, which prints the same text")
        if let helpCommand = command(["help"] + path, as: HelpCommand.self) {
            #expect(helpCommand.path == path)
        }
        #expect(text.hasPrefix((["mobius-dhash"] + path).joined(separator: " ") + " — "))
        #expect(text.contains("exit status"))
    }

    @Test func helpNamesOnlyCommandsThatExist() {
        #expect(failure(["help", "frob"])?.failure.message == "no command 'frob'; choose from help, hash, extract, library, lcm, replay, restore, snapshot, rollback, serve, append, inspect, verify, stats, bench")
        #expect(failure(["help", "bench", "jornal"])?.failure.message == "no command 'bench jornal'; did you mean 'bench journal'?")
        #expect(failure(["help", "hash", "x"])?.failure.message == "no command 'hash x'; 'hash' has no subcommands")
    }

    @Test func theVersionComesFromOnePlace() {
        guard case .version = parse(["--version"]) else {
            Issue.record("--version")
            return
        }
        #expect(failure(["--version", "x"])?.failure.message == "--version takes nothing after it")
        #expect(!MobiusVersion.current.isEmpty)
    }

    @Test func commandsAndSubcommandsAreResolvedOrRefused() {
        #expect(failure([])?.failure.message == "no command given; name one: help, hash, extract, library, lcm, replay, restore, snapshot, rollback, serve, append, inspect, verify, stats or bench")
        #expect(failure(["hsah"])?.failure.message == "unknown command 'hsah'; did you mean 'hash'?")
        #expect(failure(["bench"])?.path == ["bench"])
        #expect(failure(["bench"])?.failure.message == "needs a subcommand: journal, index, json, replay, startup or snapshot")
        #expect(failure(["bench", "--quick"])?.failure.message == "needs a subcommand before its options: journal, index, json, replay, startup or snapshot")
        #expect(failure(["bench", "jsno"])?.failure.message == "unknown subcommand 'jsno'; did you mean 'json'?")
        #expect(failure(["--data", "x", "verify"])?.failure.message == "options come after the command (mobius-dhash COMMAND [options]); got '--data' first")
    }

    /// `hash` and `help` touch no data folder, so they refuse `--data` and say who takes it.
    @Test func dataIsAnOptionOfTheCommandsThatTouchData() {
        #expect(failure(["hash", "--data", "d", "f"])?.failure.message
            == "unknown option '--data' (an option of extract, library add, library list, library show, library remove, lcm list, lcm resolve, replay, restore, snapshot create, snapshot list, snapshot verify, rollback, serve, append, inspect, verify, stats, bench journal, bench json, bench replay, bench startup, bench snapshot); hash takes --json, --size, --workers, --max-pixels")
        #expect(failure(["help", "--data", "d"])?.failure.message.hasPrefix("unknown option '--data' (an option of extract") == true)
        #expect(failure(["bench", "index", "--data", "d"]) != nil)
        for path in [["append", "--stdin"], ["inspect"], ["verify"], ["stats"], ["bench", "journal"], ["bench", "startup"], ["bench", "snapshot"]] {
            guard case .run(_, let runnable) = parse(path + ["--data", "/somewhere"]) else {
                Issue.record("\(path) refused --data")
                continue
            }
            #expect("\(runnable.command)".contains("/somewhere"), "\(path)")
        }
    }

    @Test func benchStartupTakesItsSizesOrFullButNotBoth() throws {
        let full = try #require(command(["bench", "startup", "--full"], as: BenchStartupCommand.self))
        #expect(full.plan.events == 10_000_000 && full.plan.libraryImages == 1_000_000)
        let small = try #require(command(["bench", "startup", "--events", "20000", "--library", "500", "--tail", "1000"], as: BenchStartupCommand.self))
        #expect(small.plan.events == 20_000 && small.plan.libraryImages == 500 && small.plan.tailEvents == 1_000)
        #expect(failure(["bench", "startup", "--full", "--events", "5000"])?.failure.message == "--full sets the sizes; give it without --events and --library")
        #expect(failure(["bench", "startup", "--events", "5000", "--library", "100", "--tail", "5000"])?.failure.message == "--tail must be smaller than --events")
        #expect(failure(["bench", "startup", "--events", "5000", "--library", "4000"])?.failure.message == "--library must be at most half of --events (2500)")
    }

    @Test func commandsReadTheirTypedValues() throws {
        let inspect = try #require(command(["inspect", "--type", "a", "--since", "2026-11-27", "--type", "b", "--to-seq", "9", "--limit", "2", "--follow"],
                                           as: InspectCommand.self))
        #expect(inspect.filter.types == ["a", "b"])
        #expect(inspect.filter.since == Timestamp.parse("2026-11-27"))
        #expect(inspect.filter.toSeq == 9 && inspect.filter.fromSeq == 1)
        #expect(inspect.limit == 2 && inspect.isFollowing)
        #expect(inspect.data.path == ".")

        let append = try #require(command(["append", "--type", "t", "--payload", "{}", "--durability", "batch", "--segment-bytes", "64KiB"], as: AppendCommand.self))
        #expect(append.writing.durability == .batch)
        #expect(append.writing.segmentByteLimit == 65_536)
        #expect(append.type == "t" && append.payload == "{}" && !append.readsStandardInput)

        let hash = try #require(command(["hash", "--size", "16", "--workers=3", "-"], as: HashCommand.self))
        #expect(hash.size == 16 && hash.workers == 3 && hash.files == ["-"])

        let bench = try #require(command(["bench", "index", "--entries", "50", "--seed", "9"], as: BenchIndexCommand.self))
        #expect(bench.entries == 50 && bench.queries == 200 && bench.seed == 9)
        let journal = try #require(command(["bench", "journal", "--quick", "--events", "5000"], as: BenchJournalCommand.self))
        #expect(journal.plan.batches == 5 && journal.plan.singleAppends == 600)
    }

    @Test(arguments: [
        (["inspect", "--from-seq", "5", "--to-seq", "2"], "--to-seq 2 is before --from-seq 5; swap them"),
        (["inspect", "--since", "2026-11-28", "--until", "2026-11-27"], "--until is before --since; swap them"),
        (["append", "--stdin", "--type", "t"], "--stdin reads events from standard input; do not combine it with --type, --payload or --request-id"),
        (["append", "--type", "t"], "give --type T and --payload JSON, or --stdin"),
        (["append", "--type", "t", "--payload", "[1]"], "data of a 't' event must be one JSON object: not a JSON object at byte 0: expected '{', found '['"),
        (["hash", "-", "-"], "'-' (standard input) can be given only once"),
        (["hash"], "needs at least one FILE; name the image files to hash, or '-' for standard input"),
        (["append", "--segment-bytes", "4095", "--stdin"], "--segment-bytes takes a size from 4 KiB to 1 GiB such as 64MiB or 4096, not '4095'"),
        (["append", "--durability", "sometimes", "--stdin"], "--durability takes always, batch or none, not 'sometimes'"),
    ])
    func validationRefusesWhatSingleValuesCannot(words: [String], message: String) {
        #expect(failure(words)?.failure.code == .usage)
        #expect(failure(words)?.failure.message == message)
    }

    /// A type that is long or holds a line break is echoed escaped and cut, not verbatim.
    @Test func anInvalidEventTypeIsEchoedSafely() throws {
        let long = String(repeating: "x y", count: 500)
        let message = try #require(failure(["append", "--type", long, "--payload", "{}"])?.failure.message)
        #expect(message.utf8.count < 400)
        #expect(message.contains("'\(Echoed(long))'") && message.contains("…"))
        let broken = try #require(failure(["append", "--type", "a\nb", "--payload", "{}"])?.failure.message)
        #expect(broken.contains("'a\\nb'") && !broken.contains("\n"))
    }

    @Test func invalidUTF8GetsAdviceForWhatItIs() {
        let bad = CommandWord(bytes: [0x7B, 0xFF, 0x7D])
        let payload = Invocation(parsing: ["append", "--type", "t", "--payload", bad], root: MobiusCommandLine.root)
        guard case .failure(_, let failure) = payload else {
            Issue.record("accepted")
            return
        }
        #expect(failure.message == "the value of --payload (argument 5, '{\u{FFFD}}') is not valid UTF-8; JSON text must be UTF-8: re-encode it, or send the event as a line on standard input with --stdin")
        let file = Invocation(parsing: ["hash", "é b.png", CommandWord(bytes: Array("bad".utf8) + [0xFF] + Array("\nname.png".utf8))], root: MobiusCommandLine.root)
        guard case .failure(_, let fileFailure) = file else {
            Issue.record("accepted")
            return
        }
        #expect(fileFailure.message == "argument 3 ('bad\u{FFFD}\\nname.png') is not valid UTF-8; rename the file, or pass its contents on standard input as '-'")
    }
}

/// The tree itself, on a made-up one shaped like the commands to come: groups within groups
/// (`snapshot create|list`, `migrate status|up|down`).
@Suite struct CommandTreeTests {
    struct Leaf: Command {
        static let dryRun = Flag("--dry-run", help: "say what would happen")
        static let spec = CommandSpec("up", summary: "apply pending migrations", arguments: [dryRun])
        let isDryRun: Bool
        init(_ arguments: ParsedArguments) { isDryRun = arguments.isSet(Self.dryRun) }
        func run(_ io: CommandIO) -> MobiusCLI.ExitStatus { isDryRun ? .success : .checkFailed }
    }

    struct Status: Command {
        static let spec = CommandSpec("status", summary: "show the schema version")
        init(_ arguments: ParsedArguments) {}
        func run(_ io: CommandIO) -> MobiusCLI.ExitStatus { .success }
    }

    static let root = CommandNode.group(CommandSpec("mobius-dhash", summary: "a test tree"), [
        .group(CommandSpec("admin", summary: "administration"), [
            .group(CommandSpec("migrate", summary: "schema migrations"), [.command(Status.self), .command(Leaf.self)]),
        ]),
    ])

    @Test func nestedGroupsResolveToTheirCommands() {
        guard case .run(let path, let runnable) = Invocation(parsing: ["admin", "migrate", "up", "--dry-run"], root: Self.root) else {
            Issue.record("not parsed")
            return
        }
        #expect(path == ["admin", "migrate", "up"])
        #expect((runnable.command as? Leaf)?.isDryRun == true)
        #expect(Self.root.runnableCommands.map { $0.path } == [["admin", "migrate", "status"], ["admin", "migrate", "up"]])
    }

    @Test func aGroupSaysWhatItNeedsAndShowsItsHelp() {
        guard case .failure(let path, let failure) = Invocation(parsing: ["admin", "migrate"], root: Self.root) else {
            Issue.record("accepted")
            return
        }
        #expect(path == ["admin", "migrate"])
        #expect(failure.line(commandPath: path) == "mobius-dhash admin migrate: needs a subcommand: status or up (see 'mobius-dhash help admin migrate')")
        guard case .help(let text) = Invocation(parsing: ["admin", "migrate", "--dry-run", "--help"], root: Self.root) else {
            Issue.record("no help")
            return
        }
        #expect(text.contains("usage: mobius-dhash admin migrate SUBCOMMAND [options]"))
        #expect(text.contains("\n  status      show the schema version\n"))
        #expect(text.contains("Run 'mobius-dhash help admin migrate SUBCOMMAND' for a subcommand's arguments."))
    }

    @Test func failuresMapToTheDocumentedExitStatuses() {
        #expect(CommandFailure(.usage, "x").exitStatus.rawValue == 2)
        #expect(CommandFailure(.unreadableInput, "x").exitStatus.rawValue == 2)
        #expect(CommandFailure(.checkFailed, "x").exitStatus.rawValue == 1)
        #expect(CommandFailure(.unreadableInput, "x").line(commandPath: ["verify"]) == "mobius-dhash verify: x", "only usage errors point at help")
    }
}
