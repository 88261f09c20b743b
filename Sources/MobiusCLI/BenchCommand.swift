import MobiusBench

/// `mobius-dhash bench journal|index`: benchmarks that print figures, never pass or fail.
///
/// `bench journal` measures the journal on this machine's disk and prints a table with the ratios
/// to the targets (`--json`: one JSON object instead). It runs in a scratch folder inside
/// `--data DIR` (same disk as the real journal), removed afterwards. `--emit-stream N` instead
/// prints the benchmark's N-event stream as JSON Lines, so `tools/bench-journal` can insert the
/// very same events into SQLite.
///
/// `bench index [--entries N] [--queries N] [--seed S]` measures nearest-match search over a
/// library of seeded random hashes (`IndexBenchmark`).
struct BenchCommand: Command {
    static let name = "bench"
    static let summary = "bench journal [--events N] [--quick] [--json] [--emit-stream N] | bench index [--entries N]"

    /// What `bench index` was asked for; nil for `bench journal`.
    let index: (entries: Int, queries: Int, seed: UInt64)?
    let location: JournalLocation
    let plan: JournalBenchmark.Plan
    let json: Bool
    let emitCount: Int?

    init(arguments: inout ArgumentList) throws(UsageError) {
        let entries = try arguments.integer("--entries", in: 1...100_000_000)
        let queries = try arguments.integer("--queries", in: 1...1_000_000)
        let seed = try arguments.integer("--seed", in: 0...Int.max)
        location = try JournalLocation(arguments: &arguments)
        let quick = arguments.flag("--quick")
        json = arguments.flag("--json")
        emitCount = try arguments.integer("--emit-stream", in: 1...100_000_000)
        let events = try arguments.integer("--events", in: 1_000...100_000_000)
        let words = try arguments.remainingPositionals()
        switch words {
        case ["index"]:
            index = (entries ?? 1_000_000, queries ?? 200, UInt64(seed ?? 1))
        case ["journal"]:
            guard entries == nil, queries == nil, seed == nil else {
                throw UsageError("--entries, --queries and --seed belong to 'bench index'")
            }
            index = nil
        default:
            throw UsageError("usage: mobius-dhash bench journal [--events N] [--quick] [--json] [--emit-stream N] | bench index [--entries N] [--queries N] [--seed S]")
        }
        var plan = quick ? JournalBenchmark.Plan.quick : JournalBenchmark.Plan()
        if let events { plan.batches = max(1, events / plan.batchSize) }
        self.plan = plan
    }

    func run(_ io: CommandIO) throws -> ExitStatus {
        if let index {
            IndexBenchmark.run(entries: index.entries, queries: index.queries, seed: index.seed, printLine: io.print)
            return .success
        }
        if let emitCount {
            JournalBenchmark.emitStream(count: emitCount, printLine: io.print)
            return .success
        }
        let bench = try JournalBenchmark.run(inDataFolder: location.dataDirectory, plan: plan)
        json ? bench.printJSON(io.print) : bench.printTable(io.print)
        return .success
    }
}
