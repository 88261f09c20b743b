import Foundation
import Journal

/// `mobius-dhash bench journal|index`: benchmarks that print figures, never pass or fail.
///
/// `bench journal` measures the journal on this machine's disk and prints a table with the ratios
/// to the issue's targets (`--json`: one JSON object instead). It runs in a scratch folder inside
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
        var plan = JournalBenchmark.Plan()
        if quick {
            plan = JournalBenchmark.Plan(rawSyncs: 300, singleAppends: 600, concurrentEvents: 6_400, batches: 30, batchSize: 1_000, replayEvents: 200_000)
        }
        if let events { plan.batches = max(1, events / plan.batchSize) }
        self.plan = plan
    }

    func run(_ io: CommandIO) throws -> ExitStatus {
        if let index {
            IndexBenchmark.run(entries: index.entries, queries: index.queries, seed: index.seed, io: io)
            return .success
        }
        if let emitCount {
            var stream = BenchStream()
            for _ in 0..<emitCount {
                let (type, data) = stream.nextLine()
                io.print(#"{"type":"\#(type)","data":\#(data)}"#)
            }
            return .success
        }
        let scratch = location.dataDirectory + "/.bench-journal-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var bench = JournalBenchmark(scratch: scratch, plan: plan)
        let streamCount = max(plan.batches * plan.batchSize, plan.concurrentEvents, plan.singleAppends)
        let (drafts, _) = JournalBenchmark.stream(count: streamCount)
        try bench.measureRawSync()
        let single = try bench.measureAppenders(.tasks(1), total: plan.singleAppends, drafts: drafts)
        try bench.measureCompression("oneEventPerFrame", directory: single, drafts: drafts, eventCount: plan.singleAppends)
        _ = try bench.measureAppenders(.tasks(16), total: plan.concurrentEvents, drafts: drafts)
        let grouped = try bench.measureAppenders(.tasks(64), total: plan.concurrentEvents, drafts: drafts)
        try bench.measureCompression("groupCommit64", directory: grouped, drafts: drafts, eventCount: plan.concurrentEvents / 64 * 64)
        _ = try bench.measureAppenders(.threads(1), total: plan.singleAppends, drafts: drafts)
        _ = try bench.measureAppenders(.threads(16), total: plan.concurrentEvents, drafts: drafts)
        _ = try bench.measureAppenders(.threads(64), total: plan.concurrentEvents, drafts: drafts)
        let batched = try bench.measureBatches(.always, threads: 1, drafts: drafts)
        try bench.measureCompression("fullBatches", directory: batched, drafts: drafts, eventCount: plan.batches * plan.batchSize)
        _ = try bench.measureBatches(.always, threads: 2, drafts: drafts)
        _ = try bench.measureBatches(.batch, threads: 1, drafts: drafts)
        _ = try bench.measureBatches(.batch, threads: 2, drafts: drafts)
        try bench.measureReplay(batched)
        json ? printJSON(bench, io) : printTable(bench, io)
        return .success
    }

    private func targets(_ bench: JournalBenchmark) -> [(String, Double, String)] {
        let rows = bench.rows
        let single = rows["appenders1"]!, many = rows["appenders64"]!
        return [
            ("single async appender p99 / raw fresh-file fdatasync p99", single.p99! / rows["rawFresh"]!.p99!, "≤ 3"),
            ("single async appender p99 / raw preallocated fdatasync p99", single.p99! / rows["rawPreallocated"]!.p99!, "≤ 3"),
            ("64 async appenders / single async appender", many.eventsPerSecond / single.eventsPerSecond, "≥ 30"),
            ("64 async appenders / single thread appender (blocking API)", many.eventsPerSecond / rows["threads1"]!.eventsPerSecond, "≥ 30"),
            ("64 async appenders / 100,000 events/s", many.eventsPerSecond / 100_000, "≥ 1"),
            ("64 thread appenders / single thread appender", rows["threads64"]!.eventsPerSecond / rows["threads1"]!.eventsPerSecond, "(≥ 30)"),
            ("replay / 1,000,000 events/s", rows["replay"]!.eventsPerSecond / 1_000_000, "≥ 1"),
            ("compression, one event per frame", bench.ratios["oneEventPerFrame"]!, "≥ 2"),
            ("compression, full batches", bench.ratios["fullBatches"]!, "≥ 5"),
            ("compression, 64 async appenders' group-commit frames", bench.ratios["groupCommit64"]!, "(none)"),
        ]
    }

    private func printTable(_ bench: JournalBenchmark, _ io: CommandIO) {
        func cell(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "" }
        io.print("measurement".padding(toLength: 48, withPad: " ", startingAt: 0) + "   events/s     p50 ms     p99 ms")
        for key in bench.order {
            let row = bench.rows[key]!
            io.print(row.name.padding(toLength: 48, withPad: " ", startingAt: 0)
                + cell(row.eventsPerSecond, "%11.0f") + cell(row.p50, "%11.3f") + cell(row.p99, "%11.3f"))
        }
        io.print("")
        io.print("ratio".padding(toLength: 76, withPad: " ", startingAt: 0) + " measured  target")
        for (name, value, target) in targets(bench) {
            io.print(name.padding(toLength: 76, withPad: " ", startingAt: 0) + String(format: "%9.2f", value) + "  " + target)
        }
        // The SQLite targets need the peer measured on the same disk in the same run.
        io.print("ratios to SQLite: run tools/bench-journal, which measures SQLite beside this benchmark")
    }

    private func printJSON(_ bench: JournalBenchmark, _ io: CommandIO) {
        var parts: [String] = []
        for key in bench.order {
            let row = bench.rows[key]!
            var fields = [#""eventsPerSecond":\#(String(format: "%.1f", row.eventsPerSecond))"#]
            if let p50 = row.p50 { fields.append(#""p50Ms":\#(String(format: "%.4f", p50))"#) }
            if let p99 = row.p99 { fields.append(#""p99Ms":\#(String(format: "%.4f", p99))"#) }
            parts.append(#""\#(key)":{\#(fields.joined(separator: ","))}"#)
        }
        for (key, value) in bench.ratios.sorted(by: { $0.key < $1.key }) {
            parts.append(#""compression_\#(key)":\#(String(format: "%.3f", value))"#)
        }
        parts.append(#""plan":{"singleAppends":\#(plan.singleAppends),"concurrentEvents":\#(plan.concurrentEvents),"batches":\#(plan.batches),"batchSize":\#(plan.batchSize)}"#)
        io.print("{" + parts.joined(separator: ",") + "}")
    }
}
