import Foundation
import MobiusBench
import Testing

/// The core benchmarks' figures are not tested; what they compare is: both replays reach the
/// same state, startup really starts from the snapshot and ends at the head, and a snapshot
/// loads back to the bytes written — or the figures they print mean nothing.
@Suite struct CoreBenchmarkTests {
    /// A fresh data folder, removed when `body` returns.
    private func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let path = NSTemporaryDirectory() + "/mobius-core-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    @Test func bothReplaysFoldEveryEventToTheSameState() async throws {
        let report = try await withFolder { try ReplayBenchmark.run(events: 3_000, rounds: 1, inDataFolder: $0) }
        #expect(report.foldedCounts == [3_000, 3_000])
        #expect(report.stateHashes.count == 2 && report.stateHashes[0] == report.stateHashes[1])
        #expect(report.decodedKnownCount == 3_000)
    }

    @Test func startupOpensFromTheSnapshotAndReplaysTheTail() async throws {
        var plan = StartupBenchmark.Plan()
        plan.events = 6_000
        plan.libraryImages = 300
        plan.tailEvents = 1_200
        plan.rounds = 1
        let report = try await withFolder { try await StartupBenchmark.run(plan, inDataFolder: $0) }
        #expect(report.usedSnapshot)
        #expect(report.snapshotSeq == 4_500 && report.tailEvents == 1_500)
        #expect(report.libraryImages > 200)
    }

    @Test func aSnapshotLoadsBackToTheBytesWritten() async throws {
        let report = try await withFolder { try SnapshotBenchmark.run(images: 2_000, rounds: 1, inDataFolder: $0) }
        #expect(report.roundTrips)
        #expect(report.images == 2_000 && report.stateBytes > 2_000 * 49, "every image is in the state (a table record is at least 49 bytes)")
    }
}
