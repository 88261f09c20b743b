/// Median, 99th percentile and maximum of a set of latencies (nearest-rank percentiles).
package struct LatencySummary: Equatable {
    /// The sample at rank ⌈0.50·n⌉.
    package var median: Duration
    /// The sample at rank ⌈0.99·n⌉.
    package var p99: Duration
    /// The largest sample.
    package var maximum: Duration

    /// Summarises `samples`, which must not be empty.
    package init(_ samples: [Duration]) {
        precondition(!samples.isEmpty, "no latencies to summarise")
        let sorted = samples.sorted()
        let rank = { (fraction: Double) in sorted[max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)] }
        median = rank(0.5)
        p99 = rank(0.99)
        maximum = sorted[sorted.count - 1]
    }
}
