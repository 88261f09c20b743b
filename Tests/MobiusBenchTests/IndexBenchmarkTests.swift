import Imaging
@testable import MobiusBench
import Testing

/// The parts of `bench index` that do not depend on timing: its workload, its brute-force check
/// and its percentiles.
@Suite struct IndexBenchmarkTests {
    @Test func workloadIsSeededAndClusteredQueriesAreNearTheLibrary() {
        let workload = IndexBenchmark.Workload(entries: 500, queries: 40, seed: 7)
        let again = IndexBenchmark.Workload(entries: 500, queries: 40, seed: 7)
        #expect(workload.hashes == again.hashes && workload.randomQueries == again.randomQueries && workload.clusteredQueries == again.clusteredQueries)
        #expect(workload.hashes != IndexBenchmark.Workload(entries: 500, queries: 40, seed: 8).hashes)
        #expect(Set(workload.hashes).count == 500)
        for query in workload.clusteredQueries {
            let nearest = workload.hashes.map { ($0 ^ query).nonzeroBitCount }.min()!
            #expect((1...8).contains(nearest))
        }
    }

    @Test(arguments: [1 as UInt64, 2])
    func theIndexAgreesWithBruteForce(seed: UInt64) {
        // Near-duplicates in the library too, so distances tie and order matters.
        var workload = IndexBenchmark.Workload(entries: 3000, queries: 30, seed: seed)
        workload.hashes += workload.clusteredQueries
        var index = HammingIndex<Int>()
        for (id, hash) in workload.hashes.enumerated() { index.insert(hash, id: id) }
        for query in workload.randomQueries + workload.clusteredQueries {
            #expect(IndexBenchmark.answersAgree(index, workload.hashes, query: query))
        }
    }

    @Test func theBruteForceCheckNoticesAWrongIndex() {
        let hashes: [UInt64] = [0b0000, 0b0001, 0b0011, 0b1111]
        var shuffled = HammingIndex<Int>()
        // Same hashes under swapped ids: the brute force ranks id 0 first for query 0.
        for (id, hash) in zip([1, 0, 2, 3], hashes) { shuffled.insert(hash, id: id) }
        #expect(!IndexBenchmark.answersAgree(shuffled, hashes, query: 0))
        var correct = HammingIndex<Int>()
        for (id, hash) in hashes.enumerated() { correct.insert(hash, id: id) }
        #expect(IndexBenchmark.answersAgree(correct, hashes, query: 0))
    }

    @Test func percentilesAreNearestRank() {
        let samples = (1...200).reversed().map { Duration.milliseconds($0) }
        let summary = LatencySummary(samples)
        #expect(summary.median == .milliseconds(100))
        #expect(summary.p99 == .milliseconds(198))
        #expect(summary.maximum == .milliseconds(200))
        let single = LatencySummary([.seconds(3)])
        #expect(single.median == .seconds(3) && single.p99 == .seconds(3) && single.maximum == .seconds(3))
    }

    @Test func runPrintsEveryKindAndAnExactVerdict() {
        var lines: [String] = []
        IndexBenchmark.run(entries: 2000, queries: 20, seed: 3) { lines.append($0) }
        let text = lines.joined(separator: "\n")
        for kind in ["nearest, random", "10 nearest, clustered", "within 10, clustered", "build:"] {
            #expect(text.contains(kind))
        }
        #expect(text.contains("identical to a brute-force scan"))
    }
}
