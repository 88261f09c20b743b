import Integrity
import Journal
import MobiusCore

/// `mobius-dhash bench startup`: opening the engine on a long journal with a big library and a
/// snapshot near the head (issue 8: 10 million events, a snapshot within the last 100,000, a
/// 1-million-image library, ready in under 1 s), with the time split into snapshot load and
/// tail replay.
///
/// The journal is the core stream (`CoreStream`) with the library share that gives the asked
/// number of images; the snapshot is written by a full replay to the last frame end at least
/// `tailEvents` before the head, then the tail is appended. Each round opens the engine (write
/// open, snapshot check and load, tail replay) and closes it without a snapshot.
package enum StartupBenchmark {
    /// The sizes.
    package struct Plan: Sendable {
        /// Events in the journal.
        package var events = 1_000_000
        /// Library images among them.
        package var libraryImages = 100_000
        /// Events after the snapshot (rounded up to a frame end).
        package var tailEvents = 50_000
        /// Opens measured; the fastest is reported.
        package var rounds = 3

        /// The default plan.
        package init() {}
    }

    /// What one run measured.
    package struct Report: Sendable {
        package var plan: Plan
        /// Images in the library at the head.
        package var libraryImages: Int
        /// The snapshot's seq, and its file's size.
        package var snapshotSeq: UInt64
        package var snapshotBytes: Int
        /// Events the open replayed after the snapshot.
        package var tailEvents: Int
        /// Seconds to write the journal, and to replay it to the snapshot point and write the snapshot.
        package var buildSeconds: Double
        package var snapshotSeconds: Double
        /// Fastest open, sequential tail replay: total, snapshot load, tail replay.
        package var open: (total: Double, snapshot: Double, tail: Double)
        /// The same with the tail replay pipelined on two threads.
        package var pipelinedOpen: (total: Double, snapshot: Double, tail: Double)
        /// Whether every open started from the snapshot and ended at the head.
        package var usedSnapshot: Bool
        /// Load averages before and after the opens.
        package var load: (before: String, after: String)

        /// The table printed.
        package var lines: [String] {
            func row(_ name: String, _ times: (total: Double, snapshot: Double, tail: Double)) -> String {
                name.padding(toLength: 40, withPad: " ", startingAt: 0) + Measure.ms(times.total).leftPadded(11)
                    + "  = snapshot " + Measure.ms(times.snapshot) + " + tail " + Measure.ms(times.tail)
                    + " + opening the journal " + Measure.ms(max(0, times.total - times.snapshot - times.tail))
            }
            return [
                "startup benchmark: \(plan.events) events, \(libraryImages) library images, snapshot at seq \(snapshotSeq) (\(snapshotBytes) bytes), \(tailEvents) tail events; fastest of \(plan.rounds) opens; load \(load.before) → \(load.after)",
                "  (built in \(String(format: "%.1f", buildSeconds)) s; full replay and snapshot in \(String(format: "%.1f", snapshotSeconds)) s)",
                row("engine open, tail replayed on 1 thread", open),
                row("engine open, tail replay pipelined", pipelinedOpen),
                "target: ready in under 1 s at 10,000,000 events and 1,000,000 images; started from the snapshot: \(usedSnapshot ? "yes" : "NO")",
            ]
        }
    }

    /// Builds the scratch data folder inside `dataFolder` (removed afterwards) and measures.
    package static func run(_ plan: Plan, inDataFolder dataFolder: String) async throws -> Report {
        let scratch = try CoreScratch(inDataFolder: dataFolder, name: "startup")
        defer { scratch.remove() }
        var stream = CoreStream()
        let share = Double(plan.libraryImages) / Double(max(plan.events, 1))
        let frame = CoreScratch.frameEvents
        let snapshotSeq = max(frame, (plan.events - plan.tailEvents) / frame * frame)
        let (_, buildHead) = try Measure.time { try scratch.append(snapshotSeq, of: &stream, libraryShare: share) }
        let (written, snapshotSeconds) = try Measure.time { () throws -> WrittenSnapshot in
            let rebuilt = try scratch.builderFromScratch(pipelined: true).state()
            guard let chain = rebuilt.frameEndChain else { throw EngineError(.integrity, "the replay did not end at a frame end") }
            let projections = rebuilt.projections
            return try SnapshotStore(directory: scratch.snapshotDirectory).write(
                seq: projections.seq, timestamp: projections.timestamp, chain: chain, projectionVersions: ProjectionSet.versions, state: projections.encoded())
        }
        let (_, buildTail) = try Measure.time { try scratch.append(plan.events - snapshotSeq, of: &stream, libraryShare: share) }
        let before = Measure.loadAverage()
        var best = [(total: Double.infinity, snapshot: 0.0, tail: 0.0), (total: Double.infinity, snapshot: 0.0, tail: 0.0)]
        var usedSnapshot = true, tailEvents = 0, images = 0
        for _ in 0..<max(plan.rounds, 1) {
            for (slot, pipelined) in [(0, false), (1, true)] {
                var configuration = scratch.engineConfiguration()
                configuration.pipelinesReplay = pipelined
                let (engine, total) = try Measure.time { try Engine.open(configuration) }
                let startup = engine.startup
                usedSnapshot = usedSnapshot && startup.snapshot?.seq == UInt64(snapshotSeq) && engine.read({ $0.seq }) == UInt64(plan.events)
                tailEvents = startup.replayedEventCount
                images = engine.read { $0.library.count }
                try await engine.close()
                if total < best[slot].total {
                    best[slot] = (total, Measure.seconds(startup.snapshotLoadTime), Measure.seconds(startup.tailReplayTime))
                }
            }
        }
        return Report(plan: plan, libraryImages: images, snapshotSeq: UInt64(snapshotSeq), snapshotBytes: written.fileBytes, tailEvents: tailEvents,
                      buildSeconds: buildHead + buildTail, snapshotSeconds: snapshotSeconds, open: best[0], pipelinedOpen: best[1],
                      usedSnapshot: usedSnapshot, load: (before, Measure.loadAverage()))
    }
}
