import Foundation
import Journal

/// The measurements behind `mobius-dhash bench journal`, run in a scratch folder.
struct JournalBenchmark {
    /// Size knobs (scaled down by `--quick`).
    struct Plan {
        var rawSyncs = 2_000
        var singleAppends = 4_000
        var concurrentEvents = 40_000
        var batches = 300
        var batchSize = 1_000
        var replayEvents = 1_000_000
    }

    /// One measured row.
    struct Row {
        var name: String
        var eventsPerSecond: Double
        var p50: Double?
        var p99: Double?
    }

    let scratch: String
    let plan: Plan
    private(set) var rows: [String: Row] = [:]
    private(set) var order: [String] = []
    private(set) var ratios: [String: Double] = [:]

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

    /// `appenders` threads appending single events with `always` until `total` are in.
    /// Returns the journal folder.
    mutating func measureAppenders(_ appenders: Int, total: Int, drafts: [EventDraft]) throws -> String {
        let directory = scratch + "/appenders-\(appenders)"
        let perThread = max(1, total / appenders)
        let batches = (0..<(perThread * appenders)).map { [drafts[$0 % drafts.count]] }
        let (seconds, sample) = try JournalBenchmark.append(batches, threads: appenders, into: directory, durability: .always)
        add("appenders\(appenders)", Row(
            name: "durable append, \(appenders) appender\(appenders == 1 ? "" : "s") (always)",
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
        let (seconds, sample) = try JournalBenchmark.append(batches, threads: threads, into: directory, durability: durability)
        add("batches\(durability.rawValue.capitalized)\(threads)", Row(
            name: "\(batchSize)-event batches, \(threads) thread\(threads == 1 ? "" : "s") (\(durability))",
            eventsPerSecond: Double(plan.batches * batchSize) / seconds,
            p50: sample.percentileMilliseconds(0.5), p99: sample.percentileMilliseconds(0.99)))
        return directory
    }

    /// Appends `batches` (one append call each) from `threads` threads sharing one writer, thread
    /// t taking batches t, t+threads, …; returns the wall time and every append's latency.
    private static func append(_ batches: [[EventDraft]], threads: Int, into directory: String, durability: Durability) throws -> (seconds: Double, latencies: LatencySample) {
        let writer = try JournalWriter.open(JournalConfiguration(directory: directory, durability: durability))
        let samples = Mutex<LatencySample>(LatencySample())
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        let start = LatencySample.now()
        for thread in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                var local = LatencySample()
                for batch in stride(from: thread, to: batches.count, by: threads) {
                    let before = LatencySample.now()
                    do { _ = try writer.append(batches[batch]) } catch { failures.withLock { $0.append("\(error)") }; break }
                    local.record(LatencySample.now() - before)
                }
                samples.withLock { $0.merge(local) }
                group.leave()
            }
        }
        group.wait()
        let seconds = Double(LatencySample.now() - start) / 1e9
        try writer.close()
        if let failure = failures.withLock({ $0.first }) { throw JournalError(.io, "benchmark append failed: \(failure)") }
        return (seconds, samples.withLock { $0 })
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
