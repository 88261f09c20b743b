import Foundation
import Journal

/// The whole journal benchmark as `bench journal` runs it, and its two reports: a table with the
/// ratios to the issue's targets, or one JSON object for `tools/bench-journal`.
extension JournalBenchmark {
    /// Runs every measurement in a scratch folder `.bench-journal-<pid>` inside `dataFolder`
    /// (the same disk as the real journal), removed afterwards.
    package static func run(inDataFolder dataFolder: String, plan: Plan) throws -> JournalBenchmark {
        let scratch = dataFolder + "/.bench-journal-\(getpid())"
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
        _ = try bench.measureAppenders(.tasksWithSubscriber(64), total: plan.concurrentEvents, drafts: drafts)
        _ = try bench.measureAppenders(.threads(1), total: plan.singleAppends, drafts: drafts)
        _ = try bench.measureAppenders(.threads(16), total: plan.concurrentEvents, drafts: drafts)
        _ = try bench.measureAppenders(.threads(64), total: plan.concurrentEvents, drafts: drafts)
        let batched = try bench.measureBatches(.always, threads: 1, drafts: drafts)
        try bench.measureCompression("fullBatches", directory: batched, drafts: drafts, eventCount: plan.batches * plan.batchSize)
        _ = try bench.measureBatches(.always, threads: 2, drafts: drafts)
        _ = try bench.measureBatches(.batch, threads: 1, drafts: drafts)
        _ = try bench.measureBatches(.batch, threads: 2, drafts: drafts)
        try bench.measureReplay(batched)
        return bench
    }

    /// The first `count` events of the benchmark's stream as JSON Lines (`--emit-stream N`), so
    /// `tools/bench-journal` can insert the very same events into SQLite.
    package static func emitStream(count: Int, printLine: (String) -> Void) {
        var stream = BenchStream()
        for _ in 0..<count {
            let (type, data) = stream.nextLine()
            printLine(#"{"type":"\#(type)","data":\#(data)}"#)
        }
    }

    /// The ratios the issue sets targets for: (what, measured, target).
    private var targets: [(String, Double, String)] {
        let single = rows["appenders1"]!, many = rows["appenders64"]!
        return [
            ("single async appender p99 / raw fresh-file fdatasync p99", single.p99! / rows["rawFresh"]!.p99!, "≤ 3"),
            ("single async appender p99 / raw preallocated fdatasync p99", single.p99! / rows["rawPreallocated"]!.p99!, "≤ 3"),
            ("64 async appenders / single async appender", many.eventsPerSecond / single.eventsPerSecond, "≥ 30"),
            ("64 async appenders / single thread appender (blocking API)", many.eventsPerSecond / rows["threads1"]!.eventsPerSecond, "≥ 30"),
            ("64 async appenders / 100,000 events/s", many.eventsPerSecond / 100_000, "≥ 1"),
            ("64 async appenders with one feed subscriber / without", rows["appenders64Subscribed"]!.eventsPerSecond / many.eventsPerSecond, "≥ 0.9"),
            ("64 thread appenders / single thread appender", rows["threads64"]!.eventsPerSecond / rows["threads1"]!.eventsPerSecond, "(≥ 30)"),
            ("replay / 1,000,000 events/s", rows["replay"]!.eventsPerSecond / 1_000_000, "≥ 1"),
            ("compression, one event per frame", ratios["oneEventPerFrame"]!, "≥ 2"),
            ("compression, full batches", ratios["fullBatches"]!, "≥ 5"),
            ("compression, 64 async appenders' group-commit frames", ratios["groupCommit64"]!, "(none)"),
        ]
    }

    /// The measurements and the target ratios as a table, one line per call to `printLine`.
    package func printTable(_ printLine: (String) -> Void) {
        func cell(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "" }
        printLine("measurement".padding(toLength: 48, withPad: " ", startingAt: 0) + "   events/s     p50 ms     p99 ms")
        for key in order {
            let row = rows[key]!
            printLine(row.name.padding(toLength: 48, withPad: " ", startingAt: 0)
                + cell(row.eventsPerSecond, "%11.0f") + cell(row.p50, "%11.3f") + cell(row.p99, "%11.3f"))
        }
        printLine("")
        printLine("ratio".padding(toLength: 76, withPad: " ", startingAt: 0) + " measured  target")
        for (name, value, target) in targets {
            printLine(name.padding(toLength: 76, withPad: " ", startingAt: 0) + String(format: "%9.2f", value) + "  " + target)
        }
        // The SQLite targets need the peer measured on the same disk in the same run.
        printLine("ratios to SQLite: run tools/bench-journal, which measures SQLite beside this benchmark")
    }

    /// Every measurement as one JSON object on one line (`--json`), keys in measuring order.
    package func printJSON(_ printLine: (String) -> Void) {
        var parts: [String] = []
        for key in order {
            let row = rows[key]!
            var fields = [#""eventsPerSecond":\#(String(format: "%.1f", row.eventsPerSecond))"#]
            if let p50 = row.p50 { fields.append(#""p50Ms":\#(String(format: "%.4f", p50))"#) }
            if let p99 = row.p99 { fields.append(#""p99Ms":\#(String(format: "%.4f", p99))"#) }
            parts.append(#""\#(key)":{\#(fields.joined(separator: ","))}"#)
        }
        for (key, value) in ratios.sorted(by: { $0.key < $1.key }) {
            parts.append(#""compression_\#(key)":\#(String(format: "%.3f", value))"#)
        }
        parts.append(#""plan":{"singleAppends":\#(plan.singleAppends),"concurrentEvents":\#(plan.concurrentEvents),"batches":\#(plan.batches),"batchSize":\#(plan.batchSize)}"#)
        printLine("{" + parts.joined(separator: ",") + "}")
    }
}
