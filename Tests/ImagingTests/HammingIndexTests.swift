@testable import Imaging
import PopcountExtensions
import Testing
import TestSupport

@Suite struct HammingIndexTests {
    /// A seeded library with near-duplicates, so distances cluster and ties happen.
    private func library(seed: UInt64, count: Int) -> (HammingIndex<Int>, [UInt64]) {
        var generator = SeededGenerator(seed: seed)
        var index = HammingIndex<Int>()
        var hashes: [UInt64] = []
        for id in 0..<count {
            var hash = UInt64.random(in: .min ... .max, using: &generator)
            if id > 0 && Bool.random(using: &generator) {
                hash = hashes[Int.random(in: 0..<id, using: &generator)] ^ (1 << UInt64.random(in: 0..<64, using: &generator))
            }
            hashes.append(hash)
            index.insert(hash, id: id)
        }
        return (index, hashes)
    }

    /// What a plain sort over every entry gives: distance, then insertion order.
    private func bruteForce(_ hashes: [UInt64], _ query: UInt64) -> [(id: Int, distance: Int)] {
        hashes.enumerated().map { ($0.offset, ($0.element ^ query).nonzeroBitCount) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
    }

    @Test(arguments: [1 as UInt64, 2, 3])
    func answersEqualBruteForce(seed: UInt64) {
        let (index, hashes) = library(seed: seed, count: 2000)
        var generator = SeededGenerator(seed: seed + 100)
        for _ in 0..<50 {
            let query = Bool.random(using: &generator) ? hashes.randomElement(using: &generator)! ^ 0b101 : UInt64.random(in: .min ... .max, using: &generator)
            let expected = bruteForce(hashes, query)
            let nearest = index.nearest(to: query)
            #expect(nearest?.id == expected[0].id && nearest?.distance == expected[0].distance)
            let k = Int.random(in: 1...40, using: &generator)
            #expect(index.nearest(to: query, count: k).map(\.id) == expected.prefix(k).map(\.id))
            let radius = Int.random(in: 0...30, using: &generator)
            #expect(index.matches(within: radius, of: query).map(\.id) == expected.filter { $0.distance <= radius }.map(\.id))
        }
    }

    @Test func emptyAndRemoval() {
        var index = HammingIndex<String>()
        #expect(index.nearest(to: 0) == nil)
        #expect(index.nearest(to: 0, count: 3).isEmpty)
        index.insert(0b1111, id: "a")
        index.insert(0b0111, id: "b")
        index.insert(0b0000, id: "c")
        #expect(index.nearest(to: 0b1111, count: 10).map(\.id) == ["a", "b", "c"])
        index.removeAll { $0 == "a" }
        #expect(index.count == 2)
        #expect(index.nearest(to: 0b1111)?.id == "b")
    }

    @Test(arguments: [4 as UInt64, 5])
    func removalByPositionSkipsTombstonesUntilCompacted(seed: UInt64) {
        var (index, hashes) = library(seed: seed, count: 1500)
        var generator = SeededGenerator(seed: seed + 200)
        var live = Array(0..<hashes.count)
        for round in 0..<6 {
            for _ in 0..<120 {
                let position = Int.random(in: 0..<index.positionCount, using: &generator)
                let id = index.id(atPosition: position)
                index.remove(atPosition: position)
                live.removeAll { $0 == id }
            }
            if round % 2 == 1 { index.compact() }
            #expect(index.count == live.count)
            let kept = live.map { hashes[$0] }
            for _ in 0..<20 {
                let query = hashes.randomElement(using: &generator)! ^ 0b11
                let expected = bruteForce(kept, query).map { (id: live[$0.id], distance: $0.distance) }
                #expect(index.nearest(to: query)?.id == expected[0].id)
                #expect(index.nearest(to: query, count: 12).map(\.id) == expected.prefix(12).map(\.id))
                #expect(index.matches(within: 9, of: query).map(\.id) == expected.filter { $0.distance <= 9 }.map(\.id))
            }
        }
    }

    /// The POPCNT scan and the portable one agree on position and distance, tombstones and
    /// exact hits included (the index uses only one of them on a given CPU).
    @Test(.enabled(if: PopcountScan.isAvailable, "the CPU has no POPCNT"), arguments: [6 as UInt64, 7])
    func popcountScanEqualsPortableScan(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let hashes = (0..<3000).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
        let tombstones = hashes.indices.map { _ in Int.random(in: 0..<10, using: &generator) == 0 }
        for isRemoved in [[], tombstones] {
            for _ in 0..<100 {
                let query = Bool.random(using: &generator) ? hashes.randomElement(using: &generator)! : UInt64.random(in: .min ... .max, using: &generator)
                hashes.withUnsafeBufferPointer { hashes in
                    isRemoved.withUnsafeBufferPointer { isRemoved in
                        let fast = PopcountScan.nearest(to: query, in: hashes, skipping: isRemoved)
                        let portable = HammingIndex<Int>.nearest(to: query, in: hashes, skipping: isRemoved)
                        #expect(fast == portable)
                    }
                }
            }
        }
        let allRemoved = [Bool](repeating: true, count: 3)
        [1, 2, 3].withUnsafeBufferPointer { hashes in
            allRemoved.withUnsafeBufferPointer { #expect(PopcountScan.nearest(to: 1, in: hashes, skipping: $0).position == -1) }
        }
    }
}
