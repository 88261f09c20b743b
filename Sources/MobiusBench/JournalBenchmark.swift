import Foundation
import Journal

/// The measurements behind `mobius-dhash bench journal`, run in a scratch folder.
package struct JournalBenchmark {
    /// Size knobs (scaled down by `--quick`).
    package struct Plan: Sendable {
        var rawSyncs = 2_000
        /// Single-event appends, one appender.
        package var singleAppends = 4_000
        /// Events appended by 16 or 64 concurrent appenders.
        package var concurrentEvents = 40_000
        /// Full batches appended (`--events N` sets N / `batchSize`).
        package var batches = 300
        /// Events per full batch.
        package var batchSize = 1_000
        var replayEvents = 1_000_000

        /// The full-size plan (a few minutes on this machine).
        package init() {}

        /// The plan of `--quick`: a smoke run of a few seconds.
        package static let quick = Plan(rawSyncs: 300, singleAppends: 600, concurrentEvents: 6_400, batches: 30, batchSize: 1_000, replayEvents: 200_000)

        private init(rawSyncs: Int, singleAppends: Int, concurrentEvents: Int, batches: Int, batchSize: Int, replayEvents: Int) {
            self.rawSyncs = rawSyncs
            self.singleAppends = singleAppends
            self.concurrentEvents = concurrentEvents
            self.batches = batches
            self.batchSize = batchSize
            self.replayEvents = replayEvents
        }
    }

    /// One measured row.
    package struct Row {
        /// What was measured, as the table prints it.
        package var name: String
        /// Throughput.
        package var eventsPerSecond: Double
        /// Median latency of one append in ms, when latencies were taken.
        package var p50: Double?
        /// 99th-percentile latency in ms, when latencies were taken.
        package var p99: Double?
    }

    let scratch: String
    /// The sizes this run used.
    package let plan: Plan
    /// The measured rows by key (`rawFresh`, `appenders64`, `replay`, …).
    package private(set) var rows: [String: Row] = [:]
    /// The keys of `rows` in the order they were measured.
    package private(set) var order: [String] = []
    /// Compression ratios by key (`oneEventPerFrame`, `fullBatches`, `groupCommit64`).
    package private(set) var ratios: [String: Double] = [:]

    init(scratch: String, plan: Plan) {
        self.scratch = scratch
        self.plan = plan
    }

    private mutating func add(_ key: String, _ row: Row) {
        rows[key] = row
        order.append(key)
    }

    /// The realistic stream: drafts and the bytes of their JSON Lines.
    static func stream(count: Int) -> (drafts: [EventDraft], jsonBytes: Int) {
        var stream = BenchStream()
        var drafts: [EventDraft] = []
        drafts.reserveCapacity(count)
        var bytes = 0
        for _ in 0..<count {
            let (type, data) = stream.nextLine()
            bytes += #"{"type":"","data":}"#.utf8.count + type.utf8.count + data.utf8.count + 1
            drafts.append(try! EventDraft(type: type, json: data))
        }
        return (drafts, bytes)
    }

    /// Raw 4 KiB pwrite + fdatasync, appending to a fresh file or overwriting a preallocated one.
    mutating func measureRawSync() throws {
        for preallocated in [false, true] {
            let path = scratch + "/raw-\(preallocated)"
            let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw JournalError(.io, "cannot create \(path)") }
            defer { close(fd); unlink(path) }
            let block = [UInt8](repeating: 0x5A, count: 4096)
            if preallocated {
                let zeros = [UInt8](repeating: 0, count: 1 << 20)
                var offset = 0
                while offset < plan.rawSyncs * 4096 {
                    _ = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
                    offset += zeros.count
                }
                fsync(fd)
            }
            var sample = LatencySample()
            let start = LatencySample.now()
            for index in 0..<plan.rawSyncs {
                let before = LatencySample.now()
                _ = block.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(index * 4096)) }
                fdatasync(fd)
                sample.record(LatencySample.now() - before)
            }
            let seconds = Double(LatencySample.now() - start) / 1e9
            add(preallocated ? "rawPreallocated" : "rawFresh", Row(
                name: preallocated ? "raw 4 KiB write+fdatasync, preallocated" : "raw 4 KiB write+fdatasync, fresh file",
                eventsPerSecond: Double(plan.rawSyncs) / seconds,
                p50: sample.percentileMilliseconds(0.5), p99: sample.percentileMilliseconds(0.99)))
        }
    }

    /// Who calls `append`: OS threads on the blocking API, or tasks on the async one.
    enum Appenders {
        case threads(Int)
        case tasks(Int)
        /// Tasks, with one commit-feed subscriber draining every committed frame meanwhile.
        case tasksWithSubscriber(Int)
    }

    /// `appenders` appending single events with `always`, each waiting for its acknowledgement
    /// before the next, until `total` are in. Tasks are recorded as `appendersN` (the async API a
    /// server uses), threads as `threadsN`. Returns the journal folder.
    mutating func measureAppenders(_ appenders: Appenders, total: Int, drafts: [EventDraft]) throws -> String {
        let (count, key, label) = switch appenders {
        case .tasks(let count): (count, "appenders\(count)", "async task")
        case .tasksWithSubscriber(let count): (count, "appenders\(count)Subscribed", "async task")
        case .threads(let count): (count, "threads\(count)", "thread")
        }
        let directory = scratch + "/" + key
        let perAppender = max(1, total / count)
        let batches = (0..<(perAppender * count)).map { [drafts[$0 % drafts.count]] }
        let (seconds, sample) = try JournalBenchmark.append(batches, by: appenders, into: directory, durability: .always)
        add(key, Row(
            name: key.hasSuffix("Subscribed") ? "same, with a commit-feed subscriber" : "durable append, \(count) \(label)\(count == 1 ? "" : "s") (always)",
            eventsPerSecond: Double(batches.count) / seconds,
            p50: sample.percentileMilliseconds(0.5), p99: sample.percentileMilliseconds(0.99)))
        return directory
    }

    /// `threads` threads appending `plan.batchSize`-event batches (`plan.batches` in all). With
    /// two, one thread's frame is compressed while the other's is written and synced.
    mutating func measureBatches(_ durability: Durability, threads: Int, drafts: [EventDraft]) throws -> String {
        let directory = scratch + "/batches-\(durability)-\(threads)"
        let batchSize = plan.batchSize
        let batches = stride(from: 0, to: plan.batches * batchSize, by: batchSize).map { offset in
            (0..<batchSize).map { drafts[(offset + $0) % drafts.count] }
        }
        let (seconds, sample) = try JournalBenchmark.append(batches, by: .threads(threads), into: directory, durability: durability)
        add("batches\(durability.rawValue.capitalized)\(threads)", Row(
            name: "\(batchSize)-event batches, \(threads) thread\(threads == 1 ? "" : "s") (\(durability))",
            eventsPerSecond: Double(plan.batches * batchSize) / seconds,
            p50: sample.percentileMilliseconds(0.5), p99: sample.percentileMilliseconds(0.99)))
        return directory
    }

    /// Appends `batches` (one append call each) from `appenders` sharing one writer, appender a
    /// taking batches a, a+n, …; returns the wall time and every append's latency.
    private static func append(_ batches: [[EventDraft]], by appenders: Appenders, into directory: String, durability: Durability) throws -> (seconds: Double, latencies: LatencySample) {
        let writer = try JournalWriter.open(JournalConfiguration(directory: directory, durability: durability))
        let results = AppenderResults()
        let start = LatencySample.now()
        switch appenders {
        case .threads(let count):
            let group = DispatchGroup()
            for thread in 0..<count {
                group.enter()
                Thread.detachNewThread {
                    var local = LatencySample()
                    for batch in stride(from: thread, to: batches.count, by: count) {
                        let before = LatencySample.now()
                        do { _ = try writer.append(batches[batch]) } catch { results.failures.withLock { $0.append("\(error)") }; break }
                        local.record(LatencySample.now() - before)
                    }
                    results.samples.withLock { $0.merge(local) }
                    group.leave()
                }
            }
            group.wait()
        case .tasks(let count), .tasksWithSubscriber(let count):
            // Block this (non-pool) thread until the tasks, on the cooperative pool, are done.
            let done = DispatchSemaphore(value: 0)
            let drained = DispatchSemaphore(value: 0)
            if case .tasksWithSubscriber = appenders {
                let subscription = writer.subscribe()
                let expected = batches.reduce(0) { $0 + $1.count }
                Task.detached {
                    var seen = 0
                    for await item in subscription {
                        if case .frame(let frame) = item { seen += frame.events.count }
                        if seen >= expected { break }
                    }
                    drained.signal()
                }
            } else {
                drained.signal()
            }
            Task.detached {
                await withTaskGroup(of: Void.self) { group in
                    for task in 0..<count {
                        group.addTask {
                            var local = LatencySample()
                            for batch in stride(from: task, to: batches.count, by: count) {
                                let before = LatencySample.now()
                                do { _ = try await writer.append(batches[batch]) } catch { results.failures.withLock { $0.append("\(error)") }; break }
                                local.record(LatencySample.now() - before)
                            }
                            results.samples.withLock { [local] in $0.merge(local) }
                        }
                    }
                }
                done.signal()
            }
            done.wait()
            drained.wait()
        }
        let seconds = Double(LatencySample.now() - start) / 1e9
        try writer.close()
        if let failure = results.failures.withLock({ $0.first }) { throw JournalError(.io, "benchmark append failed: \(failure)") }
        return (seconds, results.samples.withLock { $0 })
    }

    /// What concurrent appenders report, shared by reference with threads and tasks.
    private final class AppenderResults: Sendable {
        let samples = Mutex<LatencySample>(LatencySample())
        let failures = Mutex<[String]>([])
    }

    /// Single-threaded replay (read + CRC + chain + inflate + decode) of `directory`, repeated
    /// until `plan.replayEvents` events were read.
    mutating func measureReplay(_ directory: String) throws {
        var events = 0
        var checksum: UInt64 = 0
        let start = LatencySample.now()
        while events < plan.replayEvents {
            let summary = try JournalReader(directory: directory).read { event in
                checksum &+= event.seq &+ UInt64(event.data.count)
                return true
            }
            guard summary.damage == nil, summary.deliveredCount > 0 else { throw JournalError(.corrupt, "benchmark journal did not replay cleanly") }
            events += summary.deliveredCount
        }
        let seconds = Double(LatencySample.now() - start) / 1e9
        precondition(checksum != 0)
        add("replay", Row(name: "replay, 1 thread (decode + CRC + chain)", eventsPerSecond: Double(events) / seconds))
    }

    /// Stream JSON bytes per byte on disk (segment headers + frames) of a journal.
    mutating func measureCompression(_ key: String, directory: String, drafts: [EventDraft], eventCount: Int) throws {
        let stats = try JournalStats.collect(directory: directory)
        var json = 0
        for index in 0..<eventCount {
            let draft = drafts[index % drafts.count]
            json += #"{"type":"","data":}"#.utf8.count + draft.type.utf8.count + draft.data.count + 1
        }
        ratios[key] = Double(json) / Double(stats.bytesOnDisk)
    }
}

import Synchronization
