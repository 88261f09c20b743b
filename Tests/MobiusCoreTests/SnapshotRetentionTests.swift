@testable import MobiusCore
import Testing

/// Retention: the newest, the referenced, and a spaced history behind them.
@Suite struct SnapshotRetentionTests {
    /// Snapshots every 100,000 events up to 2,000,000, newest first.
    private static let listings = stride(from: 2_000_000, through: 100_000, by: -100_000).map { (id: "s\($0)", seq: UInt64($0)) }

    private static func kept(_ rule: SnapshotRetention, referenced: Set<String> = []) -> [UInt64] {
        let removed = Set(rule.removable(from: listings, referenced: referenced))
        return listings.filter { !removed.contains($0.id) }.map(\.seq)
    }

    @Test func behindTheNewestOneIsKeptPerSpacing() {
        let kept = Self.kept(SnapshotRetention(newest: 10, historySpacing: 200_000))
        #expect(kept == Array(stride(from: 2_000_000, through: 1_100_000, by: -100_000)) + [1_000_000, 800_000, 600_000, 400_000, 200_000, 100_000])
        // Any point after the first snapshot has one at most 200,000 events before it.
        for point in stride(from: UInt64(100_000), through: 2_000_000, by: 7_919) {
            let start = kept.first { $0 <= point }!
            #expect(point - start < 200_000, "point \(point) starts at \(start)")
        }
    }

    @Test func withoutHistoryOnlyTheNewestAndTheReferencedStay() {
        #expect(Self.kept(SnapshotRetention(newest: 3, historySpacing: 0), referenced: ["s500000"]) == [2_000_000, 1_900_000, 1_800_000, 500_000])
        #expect(Self.kept(SnapshotRetention(newest: 0, historySpacing: 0)).isEmpty)
    }

    @Test func aSpacingWiderThanTheGridKeepsTheFirstOneFarEnoughBack() {
        #expect(Self.kept(SnapshotRetention(newest: 1, historySpacing: 450_000)) == [2_000_000, 1_800_000, 1_400_000, 900_000, 500_000, 100_000])
    }

    @Test func retentionAfterEverySnapshotKeepsWhatItKeepsAtOnce() {
        // The engine applies retention after each snapshot: what survives must not depend on when.
        let rule = SnapshotRetention(newest: 10, historySpacing: 200_000)
        var folder: [(id: String, seq: UInt64)] = []
        for listing in Self.listings.reversed() {
            folder.insert(listing, at: 0)
            let removed = Set(rule.removable(from: folder, referenced: []))
            folder.removeAll { removed.contains($0.id) }
        }
        #expect(folder.map(\.seq) == Self.kept(rule))
    }
}
