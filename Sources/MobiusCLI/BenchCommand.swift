import MobiusBench

/// `mobius-dhash bench journal|index|json|replay|startup|snapshot`: benchmarks that print figures, never pass or fail.
///
/// The measurements live in the `MobiusBench` target; these commands only parse and print.
enum BenchCommand {
    /// The `bench` group and its subcommands.
    static let node = CommandNode.group(
        CommandSpec(
            "bench", summary: "benchmarks that print figures on this machine, never pass or fail",
            exits: [.checkFailed: "not used by the benchmarks"]),
        [.command(BenchJournalCommand.self), .command(BenchIndexCommand.self), .command(BenchJSONCommand.self),
         .command(BenchReplayCommand.self), .command(BenchStartupCommand.self), .command(BenchSnapshotCommand.self)])
}

/// `mobius-dhash bench journal`: measures the journal on the data folder's disk and prints a
/// table with the ratios to the targets (`--json`: one JSON object instead).
///
/// It runs in a scratch folder inside `--data DIR` (same disk as the real journal), removed
/// afterwards. `--emit-stream N` instead prints the benchmark's N-event stream as JSON Lines, so
/// `tools/bench-journal` can insert the very same events into SQLite.
struct BenchJournalCommand: Command {
    static let events = Option.integer("--events", in: 1_000...100_000_000, help: "events appended in full batches (the plan's other sizes stay)")
    static let quick = Flag("--quick", help: "a smaller plan, for a smoke run of a few seconds")
    static let asJSON = Flag("--json", help: "print one JSON object instead of the table (tools/bench-journal reads it)")
    static let emitStream = Option.integer("--emit-stream", in: 1...100_000_000, help: "print the benchmark's first N events as JSON Lines instead, and measure nothing")

    static let spec = CommandSpec(
        "journal", summary: "durable appends, group commit, batches, replay and compression on this disk",
        discussion: [
            "Runs in a scratch folder .bench-journal-<pid> inside the data folder, on the same disk as the real journal, and removes it afterwards. Ratios to SQLite need SQLite measured in the same run: tools/bench-journal does both.",
        ],
        arguments: [events, quick, asJSON, emitStream] + DataFolder.arguments,
        exits: [.checkFailed: "not used by the benchmarks", .usageOrUnreadable: "the scratch folder could not be written"])

    /// Where the scratch folder goes (`--data`).
    let data: DataFolder
    /// The sizes to run.
    let plan: JournalBenchmark.Plan
    /// Print JSON instead of the table.
    let isJSON: Bool
    /// Print this many stream events instead of measuring; nil measures.
    let emitCount: Int?

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        var plan = arguments.isSet(Self.quick) ? JournalBenchmark.Plan.quick : JournalBenchmark.Plan()
        if let events = arguments.value(of: Self.events) { plan.batches = max(1, events / plan.batchSize) }
        self.plan = plan
        isJSON = arguments.isSet(Self.asJSON)
        emitCount = arguments.value(of: Self.emitStream)
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        if let emitCount {
            JournalBenchmark.emitStream(count: emitCount, printLine: io.print)
            return .success
        }
        try data.refuseFilesInPlaceOfFolders()
        let bench = try CommandFailure.catching(as: .unreadableInput) { try JournalBenchmark.run(inDataFolder: data.path, plan: plan) }
        isJSON ? bench.printJSON(io.print) : bench.printTable(io.print)
        return .success
    }
}

/// `mobius-dhash bench index`: nearest-match search over a library of seeded random hashes
/// (`IndexBenchmark`). Takes no `--data`: it touches no files.
struct BenchIndexCommand: Command {
    static let entries = Option.integer("--entries", in: 1...100_000_000, default: 1_000_000, help: "hashes in the library")
    static let queries = Option.integer("--queries", in: 1...1_000_000, default: 200, help: "queries of each kind")
    static let seed = Option.integer("--seed", value: "S", in: 0...Int.max, default: 1, help: "the random seed; the same seed gives the same library and queries")

    static let spec = CommandSpec(
        "index", summary: "nearest-match search over a seeded library of random hashes",
        discussion: [
            "Times nearest, 10 nearest and within-distance-10 queries over random and clustered query sets, then checks a sample of the answers against a brute-force scan.",
        ],
        arguments: [entries, queries, seed],
        exits: [.checkFailed: "not used by the benchmarks"])

    let entries: Int, queries: Int, seed: UInt64

    init(_ arguments: ParsedArguments) {
        entries = arguments[Self.entries]
        queries = arguments[Self.queries]
        seed = UInt64(arguments[Self.seed])
    }

    func run(_ io: CommandIO) -> ExitStatus {
        IndexBenchmark.run(entries: entries, queries: queries, seed: seed, printLine: io.print)
        return .success
    }
}

/// `mobius-dhash bench json`: the pull reader against Foundation's `JSONDecoder` on the same
/// event data, and journal replay with and without that decode, in one run.
struct BenchJSONCommand: Command {
    static let events = Option.integer("--events", in: 1_000...10_000_000, default: 200_000, help: "stream events to decode and to replay")
    static let rounds = Option.integer("--rounds", in: 1...100, default: 5, help: "rounds of each measurement; the fastest is reported")

    static let spec = CommandSpec(
        "json", summary: "JSON decoding against Foundation, and replay with and without decoding",
        discussion: [
            "Decodes the data of the journal benchmark's event stream into typed structs with the pull reader and with Foundation's JSONDecoder, validates it alone, then replays a scratch journal of the same events (inside the data folder, removed afterwards) with and without decoding every event.",
        ],
        arguments: [events, rounds] + DataFolder.arguments,
        exits: [.checkFailed: "not used by the benchmarks", .usageOrUnreadable: "the scratch folder could not be written"])

    /// Where the scratch journal goes (`--data`).
    let data: DataFolder
    /// Events to measure.
    let eventCount: Int
    /// Rounds per measurement.
    let roundCount: Int

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        eventCount = arguments[Self.events]
        roundCount = arguments[Self.rounds]
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        try data.refuseFilesInPlaceOfFolders()
        let decode = JSONBenchmark.run(samples: JSONBenchmark.samples(count: eventCount), rounds: roundCount)
        io.print(decode.description)
        let replay = try CommandFailure.catching(as: .unreadableInput) {
            try JSONBenchmark.replay(count: eventCount, rounds: roundCount, inScratchFolderOf: data.path)
        }
        io.print(replay.description)
        io.print(String(format: "  reader / replay alone        %12.2f×  (target ≥ 0.5)", decode.readerEventsPerSecond / replay.replayEventsPerSecond))
        return .success
    }
}

/// `mobius-dhash bench replay`: a full replay with every projection folded, one thread and
/// pipelined, against the journal's own replay with typed decoding, on one scratch journal.
struct BenchReplayCommand: Command {
    static let events = Option.integer("--events", in: 1_000...100_000_000, default: 1_000_000, help: "events in the scratch journal (5% library additions)")
    static let rounds = Option.integer("--rounds", in: 1...100, default: 3, help: "rounds of each replay; the fastest is reported")

    static let spec = CommandSpec(
        "replay", summary: "full replay with every projection folded against the journal's own replay",
        discussion: [
            "Writes a scratch journal of the service's own events inside the data folder (removed afterwards), then replays it: the journal alone, the journal decoding every event into typed events, and StateBuilder folding every projection from scratch on one thread and with decoding pipelined on a second thread.",
        ],
        arguments: [events, rounds] + DataFolder.arguments,
        exits: [.checkFailed: "not used by the benchmarks", .usageOrUnreadable: "the scratch folder could not be written"])

    let data: DataFolder, eventCount: Int, roundCount: Int

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        eventCount = arguments[Self.events]
        roundCount = arguments[Self.rounds]
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        try data.refuseFilesInPlaceOfFolders()
        let report = try CommandFailure.catching(as: .unreadableInput) {
            try ReplayBenchmark.run(events: eventCount, rounds: roundCount, inDataFolder: data.path)
        }
        report.lines.forEach(io.print)
        return .success
    }
}

/// `mobius-dhash bench startup`: engine open on a long journal with a big library and a snapshot
/// near the head, split into snapshot load and tail replay. `--full` is issue 8's size.
struct BenchStartupCommand: AsyncCommand {
    static let events = Option.integer("--events", in: 1_000...100_000_000, default: 1_000_000, help: "events in the scratch journal")
    static let library = Option.integer("--library", value: "M", in: 1...10_000_000, default: 100_000, help: "library images among them")
    static let tail = Option.integer("--tail", in: 0...10_000_000, default: 50_000, help: "events after the snapshot (to the next frame end)")
    static let rounds = Option.integer("--rounds", in: 1...100, default: 3, help: "opens of each kind; the fastest is reported")
    static let full = Flag("--full", help: "issue 8's size: 10,000,000 events and 1,000,000 library images (needs a few GB of disk and minutes to build)")

    static let spec = CommandSpec(
        "startup", summary: "engine open on a long journal with a big library and a snapshot near the head",
        discussion: [
            "Writes a scratch journal of the service's own events inside the data folder (removed afterwards), snapshots it --tail events before the head, appends the tail, then opens the engine: the time to open the journal, load and check the snapshot, and replay the tail, on one thread and pipelined.",
        ],
        arguments: [events, library, tail, rounds, full] + DataFolder.arguments,
        exits: [.checkFailed: "not used by the benchmarks", .usageOrUnreadable: "the scratch folder could not be written"])

    let data: DataFolder, plan: StartupBenchmark.Plan
    /// `--full` together with `--events` or `--library` (refused by `validate()`).
    let isFullWithSizes: Bool

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        var plan = StartupBenchmark.Plan()
        let isFull = arguments.isSet(Self.full)
        plan.events = isFull ? 10_000_000 : arguments[Self.events]
        plan.libraryImages = isFull ? 1_000_000 : arguments[Self.library]
        plan.tailEvents = arguments[Self.tail]
        plan.rounds = arguments[Self.rounds]
        self.plan = plan
        isFullWithSizes = isFull && (arguments.isGiven(Self.events) || arguments.isGiven(Self.library))
    }

    func validate() throws(CommandFailure) {
        guard !isFullWithSizes else { throw .usage("--full sets the sizes; give it without --events and --library", argument: "--full") }
        guard plan.libraryImages <= plan.events / 2 else { throw .usage("--library must be at most half of --events (\(plan.events / 2))", argument: "--library") }
        guard plan.tailEvents < plan.events else { throw .usage("--tail must be smaller than --events", argument: "--tail") }
    }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        try data.refuseFilesInPlaceOfFolders()
        let report: StartupBenchmark.Report
        do {
            report = try await StartupBenchmark.run(plan, inDataFolder: data.path)
        } catch {
            throw CommandFailure(.unreadableInput, "\(error)")
        }
        report.lines.forEach(io.print)
        return .success
    }
}

/// `mobius-dhash bench snapshot`: writing and loading the snapshot of a big library, and its
/// state bytes per image.
struct BenchSnapshotCommand: Command {
    static let images = Option.integer("--images", in: 1...10_000_000, default: 1_000_000, help: "library images in the state")
    static let rounds = Option.integer("--rounds", in: 1...100, default: 3, help: "writes and loads; the fastest of each phase is reported")
    static let explicitIds = Flag("--explicit-ids", help: "give every image an id of its own (card-N), as 'library add --id' does, instead of img-<seq>")

    static let spec = CommandSpec(
        "snapshot", summary: "snapshot write and load of a big library, and its bytes per image",
        discussion: [
            "Builds a library in memory from the service's own library.image.added events, then writes its snapshot into a scratch folder inside the data folder (removed afterwards) and loads it back: encoding, the store's write with its hashes and fsync, the store's checked read, and decoding the state with the index rebuilt.",
        ],
        arguments: [images, rounds, explicitIds] + DataFolder.arguments,
        exits: [.checkFailed: "not used by the benchmarks", .usageOrUnreadable: "the scratch folder could not be written"])

    let data: DataFolder, imageCount: Int, roundCount: Int, hasExplicitIds: Bool

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        imageCount = arguments[Self.images]
        roundCount = arguments[Self.rounds]
        hasExplicitIds = arguments.isSet(Self.explicitIds)
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        try data.refuseFilesInPlaceOfFolders()
        let report = try CommandFailure.catching(as: .unreadableInput) {
            try SnapshotBenchmark.run(images: imageCount, explicitIds: hasExplicitIds, rounds: roundCount, inDataFolder: data.path)
        }
        report.lines.forEach(io.print)
        return .success
    }
}

