import Foundation
import Imaging

/// `mobius-dhash bench index`: how fast `HammingIndex` builds and answers over a seeded library.
///
/// Builds an index of `entries` seeded random 64-bit hashes, then times `queries` queries of each
/// kind — nearest, 10 nearest, every match within distance 10 — for two query sets: uniform random
/// hashes (the worst case: nothing is near, nothing ends a scan early) and clustered ones, each a
/// stored hash with 1 … 8 bits flipped (what looking up a re-scanned image does). Prints the build
/// time and p50 / p99 / max latency per kind, then checks a sample of the answers against a brute
/// force over every entry. Timings go to the output only; nothing here asserts on them.
package enum IndexBenchmark {
    /// The distance `within` queries use, the default review threshold's order of magnitude.
    package static let matchDistance = 10
    /// How many neighbours the k-nearest queries ask for.
    package static let neighbourCount = 10
    /// Queries per query set checked against brute force (each costs a few full scans).
    package static let checkedQueryCount = 5

    /// Runs the benchmark and hands its table to `printLine`, one line (without newline) per call.
    package static func run(entries: Int, queries: Int, seed: UInt64, printLine: (String) -> Void) {
        precondition(entries > 0 && queries > 0, "the benchmark needs entries and queries")
        let clock = ContinuousClock()
        let workload = Workload(entries: entries, queries: queries, seed: seed)
        var index = HammingIndex<Int>()
        let build = clock.measure {
            for (id, hash) in workload.hashes.enumerated() { index.insert(hash, id: id) }
        }
        printLine("index benchmark: \(entries) entries, \(queries) queries per kind, seed \(seed)")
        printLine("build: \(format(build)) ms (\(entries) inserts)")
        printLine("query".padding(toLength: 30, withPad: " ", startingAt: 0) + "   p50 ms   p99 ms   max ms   matches/query")
        let kinds: [(String, (UInt64) -> Int)] = [
            ("nearest", { index.nearest(to: $0) == nil ? 0 : 1 }),
            ("\(neighbourCount) nearest", { index.nearest(to: $0, count: neighbourCount).count }),
            ("within \(matchDistance)", { index.matches(within: matchDistance, of: $0).count }),
        ]
        for (setName, set) in [("random", workload.randomQueries), ("clustered", workload.clusteredQueries)] {
            for (kindName, query) in kinds {
                var latencies: [Duration] = []
                var matchCount = 0
                latencies.reserveCapacity(set.count)
                for hash in set {
                    latencies.append(clock.measure { matchCount += query(hash) })
                }
                let summary = LatencySummary(latencies)
                let name = "\(kindName), \(setName)".padding(toLength: 30, withPad: " ", startingAt: 0)
                printLine(name + [summary.median, summary.p99, summary.maximum].map { pad(format($0), 9) }.joined()
                    + pad(String(format: "%.1f", Double(matchCount) / Double(set.count)), 16))
            }
        }
        let checked = Array(workload.randomQueries.prefix(checkedQueryCount)) + Array(workload.clusteredQueries.prefix(checkedQueryCount))
        let mismatches = checked.filter { !answersAgree(index, workload.hashes, query: $0) }
        printLine(mismatches.isEmpty
            ? "exactness: \(checked.count) queries × 3 kinds identical to a brute-force scan"
            : "exactness: \(mismatches.count) of \(checked.count) queries DIFFER from a brute-force scan, e.g. \(hex(mismatches[0]))")
    }

    /// The seeded library and query sets.
    package struct Workload {
        /// The library, id = position.
        package var hashes: [UInt64]
        /// Uniform random queries.
        package var randomQueries: [UInt64]
        /// Each a library hash with 1 … 8 distinct bits flipped.
        package var clusteredQueries: [UInt64]

        /// The same `seed` gives the same workload on every machine.
        package init(entries: Int, queries: Int, seed: UInt64) {
            var random = SplitMix64(seed: seed)
            hashes = (0..<entries).map { _ in random.next() }
            randomQueries = (0..<queries).map { _ in random.next() }
            clusteredQueries = []
            for _ in 0..<queries {
                var query = hashes[Int.random(in: 0..<entries, using: &random)]
                var flipped: UInt64 = 0
                let flips = Int.random(in: 1...8, using: &random)
                while flipped.nonzeroBitCount < flips { flipped |= 1 << UInt64.random(in: 0..<64, using: &random) }
                query ^= flipped
                clusteredQueries.append(query)
            }
        }
    }

    /// Whether the index's three answers for `query` equal a brute force over `hashes` (entry i
    /// inserted with id i): every entry's distance, sorted by (distance, id).
    package static func answersAgree(_ index: HammingIndex<Int>, _ hashes: [UInt64], query: UInt64) -> Bool {
        let ranked = hashes.indices.map { (id: $0, distance: (hashes[$0] ^ query).nonzeroBitCount) }
            .sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
        let pairs = { (matches: [HammingIndex<Int>.Match]) in matches.map { [$0.id, $0.distance] } }
        let expected = { (entries: ArraySlice<(id: Int, distance: Int)>) in entries.map { [$0.id, $0.distance] } }
        return pairs(index.nearest(to: query).map { [$0] } ?? []) == expected(ranked.prefix(1))
            && pairs(index.nearest(to: query, count: neighbourCount)) == expected(ranked.prefix(neighbourCount))
            && pairs(index.matches(within: matchDistance, of: query)) == expected(ranked.prefix { $0.distance <= matchDistance })
    }

    /// Milliseconds with three decimals.
    private static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.3f", Double(seconds) * 1e3 + Double(attoseconds) / 1e15)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
