import Foundation
@testable import MobiusCore
import Testing
import TestSupport

/// The folds: deterministic, resumable from their encoding, equal to brute force.
@Suite struct ProjectionTests {
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func encodingThenContinuingEqualsFoldingStraight(seed: UInt64) throws {
        var stream = EventStream(seed: seed)
        let events = stream.take(1_500, allowingRollbacks: true)
        let straight = ProjectionSet.folding(events)
        var random = SeededGenerator(seed: seed + 100)
        for _ in 0..<6 {
            let split = Int.random(in: 0...events.count, using: &random)
            var resumed = try ProjectionSet(decoding: ProjectionSet.folding(Array(events[..<split])).encoded())
            for event in events[split...] { resumed.fold(event, history: events) }
            #expect(resumed.encoded() == straight.encoded(), "split at \(split)")
            #expect(resumed == straight)
        }
        #expect(ProjectionSet.folding(events).stateHash == straight.stateHash, "two folds give identical bytes")
    }

    @Test func aStateFromOtherProjectionVersionsIsRefused() throws {
        var bytes = String(decoding: ProjectionSet().encoded(), as: UTF8.self)
        bytes = bytes.replacingOccurrences(of: #""library":\#(LibraryProjection.version)"#, with: #""library":99"#)
        #expect { try ProjectionSet(decoding: Array(bytes.utf8)) } throws: { ($0 as? ProjectionDecodingError)?.isVersionMismatch == true }
    }

    /// Metrics straight from the events, the slow way.
    static func bruteForce(_ events: [RecordedEvent], at query: UInt64) -> (total: Int, failed: Int, average: Double, p95: Double, windows: [(Int, Int)], uptime: Double) {
        let lastReset = events.lastIndex { if case .metricsReset = $0.event { true } else { false } }
        let since = events[(lastReset ?? 0)...]
        let start = lastReset.map { events[$0].timestamp } ?? events.first?.timestamp ?? 0
        var total = 0, failed = 0
        var durations: [Double] = []
        for event in since {
            switch event.event {
            case .extractionCompleted(let extraction):
                total += 1
                if let duration = extraction.durationMs { durations.append(duration) }
            case .extractionFailed: total += 1; failed += 1
            default: break
            }
        }
        let last = Array(durations.suffix(1_000)).sorted()
        let p95 = last.isEmpty ? 0 : last[Int((0.95 * Double(last.count)).rounded(.down))]
        let average = durations.isEmpty ? 0 : durations.reduce(0, +) / Double(durations.count)
        let windows = [300, 900, 3_600].map { seconds -> (Int, Int) in
            let end = query / 1_000_000
            let begin = end - UInt64(seconds) + 1
            var count = 0, failures = 0
            for event in events where event.timestamp / 1_000_000 >= begin && event.timestamp / 1_000_000 <= end {
                if case .extractionCompleted = event.event { count += 1 }
                if case .extractionFailed = event.event { count += 1; failures += 1 }
            }
            return (count, failures)
        }
        return (total, failed, average, p95, windows, Double(query - start) / 1000)
    }

    @Test(arguments: [5, 6, 7] as [UInt64])
    func metricsEqualABruteForceRecomputationAtRandomPoints(seed: UInt64) {
        var stream = EventStream(seed: seed)
        let events = stream.take(3_000)
        var random = SeededGenerator(seed: seed)
        for _ in 0..<10 {
            let count = Int.random(in: 1...events.count, using: &random)
            let prefix = Array(events[..<count])
            let query = prefix.last!.timestamp + UInt64.random(in: 0...120_000_000, using: &random)
            let summary = ProjectionSet.folding(prefix).metricsSummary(at: query)
            let expected = ProjectionTests.bruteForce(prefix, at: query)
            #expect(summary.totalExtractions == expected.total && summary.failedExtractions == expected.failed, "at \(count)")
            #expect(abs(summary.averageHashTimeMs - expected.average) < 1e-6)
            #expect(summary.p95HashTimeMs == expected.p95)
            #expect(summary.failureRate == (expected.total == 0 ? 0 : Double(expected.failed) / Double(expected.total)))
            #expect(summary.windows.map { ($0.total) } == expected.windows.map { $0.0 })
            #expect(summary.windows.map { ($0.failed) } == expected.windows.map { $0.1 })
            #expect(summary.uptimeMs == expected.uptime)
        }
    }

    @Test func rollbackRestoresTheDomainAtItsSeqAndKeepsTheOperationalRecord() {
        var stream = EventStream(seed: 9)
        var events = stream.take(400)
        let toSeq: UInt64 = 150
        let rollback = RecordedEvent(seq: 401, timestamp: events.last!.timestamp + 1, requestId: nil, event: .rollbackPerformed(
            RollbackPerformed(toSeq: toSeq, snapshotId: nil, snapshotSha256: nil, reason: "test", trigger: "failure_rate", emergencySnapshot: nil)))
        events.append(rollback)
        let before = ProjectionSet.folding(Array(events[..<400]))
        let after = ProjectionSet.folding(events)
        let atTarget = ProjectionSet.folding(events.filter { $0.seq <= toSeq })
        #expect(after.domainState == atTarget.domainState)
        #expect(after.metrics == before.metrics, "metrics keep counting across a rollback")
        #expect(after.health == before.health)
        #expect(after.releases.deployments == before.releases.deployments, "the release history keeps everything")
        #expect(after.releases.rollbacks.last?.rollback.toSeq == toSeq)
    }

    @Test func theNearestImageWinsTiesByAdditionOrderAndRemovalLeavesTheIndex() {
        var projections = ProjectionSet()
        var seq: UInt64 = 0
        func add(_ hash: UInt64, id: String? = nil) {
            seq += 1
            projections.apply(RecordedEvent(seq: seq, timestamp: seq, requestId: nil, event: .libraryImageAdded(LibraryImageAdded(
                imageId: id, source: "s", sha256: String(repeating: "ab", count: 32), hash: String(hash, radix: 16).leftPadded(16), width: 1, height: 1, byteSize: 1, format: "png")))) { _ in preconditionFailure() }
        }
        #expect(projections.library.nearest(to: 0) == nil, "an empty library matches nothing")
        add(0b1111)            // img-1, distance 4 from 0
        add(0b1111_0000)       // img-2, distance 4 too: the earlier wins
        add(0b1, id: "near")   // distance 1
        #expect(projections.library.nearest(to: 0)?.imageId == "near")
        seq += 1
        projections.apply(RecordedEvent(seq: seq, timestamp: seq, requestId: nil, event: .libraryImageRemoved(LibraryImageRemoved(imageId: "near", reason: nil)))) { _ in preconditionFailure() }
        let match = projections.library.nearest(to: 0)
        #expect(match == MatchSummary(imageId: "img-1", distance: 4, confidence: 1 - 4.0 / 64))
        #expect(projections.library.count == 2 && projections.library.order == ["img-1", "img-2"])
        add(0b11, id: "img-1")
        #expect(projections.library.count == 2, "an id already in the library is not added again")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
