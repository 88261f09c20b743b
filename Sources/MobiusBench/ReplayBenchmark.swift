import Integrity
import Journal
import MobiusCore

/// `mobius-dhash bench replay`: a full replay with every projection folded against the
/// journal's own replay (read, CRC, chain, inflate, decode into typed events) of the same
/// journal, in one run, single-threaded and pipelined on two threads.
package enum ReplayBenchmark {
    /// What one run measured (fastest of the rounds).
    package struct Report: Sendable {
        /// Events in the journal.
        package var events: Int
        /// Library images added among them.
        package var libraryImages: Int
        /// Journal replay alone (read, CRC, chain, inflate, record checks), events/s.
        package var journalEventsPerSecond: Double
        /// Journal replay decoding every event into a `RecordedEvent` straight from the reader's
        /// buffer (as the replays do), events/s: the reference.
        package var decodedEventsPerSecond: Double
        /// The same through `JournalReader.read`, which copies each event into a `JournalEvent`
        /// first, events/s (for comparison).
        package var copiedDecodedEventsPerSecond: Double
        /// `StateBuilder` from scratch, one thread, events/s.
        package var foldedEventsPerSecond: Double
        /// The same with decoding on a second thread, events/s.
        package var pipelinedEventsPerSecond: Double
        /// Events each replay folded.
        package var foldedCounts: [Int]
        /// The state hash of the single-threaded and the pipelined replay.
        package var stateHashes: [SHA256Digest]
        /// Events the decoding replay decoded to a known type.
        package var decodedKnownCount: Int
        /// Load averages before and after.
        package var load: (before: String, after: String)

        /// Folded (one thread) / decoded journal replay; target ≥ 0.6.
        package var foldedRatio: Double { foldedEventsPerSecond / decodedEventsPerSecond }
        /// Pipelined / decoded journal replay (one thread); target ≥ 1.0.
        package var pipelinedRatio: Double { pipelinedEventsPerSecond / decodedEventsPerSecond }

        /// The table printed.
        package var lines: [String] {
            func row(_ name: String, _ rate: Double, _ note: String = "") -> String {
                name.padding(toLength: 52, withPad: " ", startingAt: 0) + Measure.grouped(rate).leftPadded(12) + " events/s" + note
            }
            return [
                "replay benchmark: \(events) events (\(libraryImages) library images), fastest of the rounds; load \(load.before) → \(load.after)",
                row("journal replay alone (read, CRC, chain, inflate)", journalEventsPerSecond),
                row("journal replay + decode via JournalEvent copies", copiedDecodedEventsPerSecond),
                row("journal replay + decode into typed events", decodedEventsPerSecond, "  (the reference)"),
                row("full replay, every projection folded, 1 thread", foldedEventsPerSecond, String(format: "  %.2f× (target ≥ 0.6)", foldedRatio)),
                row("full replay, decode pipelined with folding", pipelinedEventsPerSecond, String(format: "  %.2f× (target ≥ 1.0)", pipelinedRatio)),
                "same state from both replays: \(stateHashes.count == 2 && stateHashes[0] == stateHashes[1] ? "yes" : "NO") (\(stateHashes.first?.hex.prefix(16) ?? "none"))",
            ]
        }
    }

    /// Writes `events` stream events (5% library additions) to a scratch journal inside
    /// `dataFolder` (removed afterwards) and replays it `rounds` times each way, interleaved.
    package static func run(events: Int, rounds: Int, inDataFolder dataFolder: String) throws -> Report {
        let scratch = try CoreScratch(inDataFolder: dataFolder, name: "replay")
        defer { scratch.remove() }
        var stream = CoreStream()
        try scratch.append(events, of: &stream, libraryShare: 0.05)
        let before = Measure.loadAverage()
        let reader = JournalReader(directory: scratch.journalDirectory)
        var best = [Double](repeating: .infinity, count: 5)
        var hashes: [SHA256Digest] = [], counts: [Int] = [], known = 0
        for round in 0..<max(rounds, 1) {
            best[0] = min(best[0], try Measure.time { _ = try reader.read { _ in true } }.1)
            let (decoded, decodeTime) = try Measure.time {
                var count = 0
                var kinds = EventKindCache()
                _ = try reader.readFrames { _, events in
                    for event in events {
                        if let recorded = try? RecordedEvent(event, kinds: &kinds) { if case .unknown = recorded.event {} else { count += 1 } }
                    }
                    return true
                }
                return count
            }
            best[1] = min(best[1], decodeTime)
            known = decoded
            best[4] = min(best[4], try Measure.time {
                var count = 0
                _ = try reader.read { event in
                    if let recorded = try? RecordedEvent(event) { if case .unknown = recorded.event {} else { count += 1 } }
                    return true
                }
                return count
            }.1)
            for (slot, pipelined) in [(2, false), (3, true)] {
                let (rebuilt, time) = try Measure.time { try scratch.builderFromScratch(pipelined: pipelined).state() }
                best[slot] = min(best[slot], time)
                if round == 0 {
                    hashes.append(rebuilt.projections.stateHash)
                    counts.append(rebuilt.replayedEventCount)
                }
            }
        }
        let rates = best.map { Double(events) / max($0, 1e-9) }
        return Report(events: events, libraryImages: stream.librarySeqs.count, journalEventsPerSecond: rates[0], decodedEventsPerSecond: rates[1],
                      copiedDecodedEventsPerSecond: rates[4],
                      foldedEventsPerSecond: rates[2], pipelinedEventsPerSecond: rates[3], foldedCounts: counts, stateHashes: hashes,
                      decodedKnownCount: known, load: (before, Measure.loadAverage()))
    }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
