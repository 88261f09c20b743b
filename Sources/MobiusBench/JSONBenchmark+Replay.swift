import Foundation
import JSON
import Journal

extension JSONBenchmark {
    /// Journal replay with and without decoding every event's data into typed structs, on the
    /// same journal in the same run: what folding projections over a replay will cost.
    public struct ReplayReport: Sendable, CustomStringConvertible {
        /// Events in the journal.
        public var events: Int
        /// Replay alone (read, CRC, chain, inflate, record checks): events per second.
        public var replayEventsPerSecond: Double
        /// Replay plus a pull-reader decode of every event's data: events per second.
        public var replayAndDecodeEventsPerSecond: Double

        /// How many times slower replay gets with the decode (target: at most 2).
        public var slowdown: Double { replayEventsPerSecond / replayAndDecodeEventsPerSecond }

        /// A small table for people.
        public var description: String {
            func rate(_ value: Double) -> String { String(format: "%12.0f events/s", value) }
            return """
            journal replay of the same \(events) events, fastest of the rounds
              replay alone                  \(rate(replayEventsPerSecond))
              replay + typed decode         \(rate(replayAndDecodeEventsPerSecond))
              slowdown                      \(String(format: "%12.2f", slowdown))×  (target ≤ 2)
            """
        }
    }

    /// Appends `count` stream events to a scratch journal in `directory` (removed afterwards)
    /// and replays it `rounds` times each way.
    public static func replay(count: Int, rounds: Int, inScratchFolderOf directory: String) throws -> ReplayReport {
        let scratch = directory + "/.bench-json-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let writer = try JournalWriter.open(JournalConfiguration(directory: scratch, durability: .none))
        var stream = BenchStream()
        var batch: [EventDraft] = []
        for _ in 0..<count {
            let line = stream.nextLine()
            batch.append(try EventDraft(type: line.type, json: line.data))
            if batch.count == 1_000 { _ = try writer.append(batch); batch.removeAll(keepingCapacity: true) }
        }
        if !batch.isEmpty { _ = try writer.append(batch) }
        try writer.close()
        let reader = JournalReader(directory: scratch)
        let clock = ContinuousClock()
        var best = (replay: Duration.seconds(1_000_000), decode: Duration.seconds(1_000_000))
        for _ in 0..<max(rounds, 1) {
            best.replay = min(best.replay, try clock.measure { _ = try reader.read { _ in true } })
            best.decode = min(best.decode, try clock.measure {
                var sum = 0
                _ = try reader.read { event in
                    switch event.type {
                    case "extraction.completed": sum &+= try JSONReader.decode(ExtractionCompletedData.self, from: event.data).checksum
                    case "metric.sample": sum &+= try JSONReader.decode(MetricSampleData.self, from: event.data).checksum
                    case "log.record": sum &+= try JSONReader.decode(LogRecordData.self, from: event.data).checksum
                    default: break
                    }
                    return true
                }
                precondition(sum != 0, "decoded nothing")
            })
        }
        func perSecond(_ duration: Duration) -> Double {
            Double(count) / max(Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18, 1e-9)
        }
        return ReplayReport(events: count, replayEventsPerSecond: perSecond(best.replay), replayAndDecodeEventsPerSecond: perSecond(best.decode))
    }
}
