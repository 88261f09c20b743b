import Foundation
@testable import MobiusCore
import Testing
import TestSupport

/// The exposition text: what promtool checks, and what it does not (buckets, duplicates).
@Suite struct PrometheusExpositionTests {
    static func sample() -> PrometheusExposition {
        var exposition = PrometheusExposition()
        exposition.counter("mobius_extractions_total", help: "Extractions by outcome.", [([("outcome", "success")], 12), ([("outcome", "failure")], 3)])
        exposition.gauge("mobius_review_queue_items", help: "Open review items.", value: 4)
        var latency = HistogramSnapshot(upperBounds: HistogramSnapshot.latencySeconds)
        for value in [0.0004, 0.003, 0.003, 0.2, 7, 30] { latency.observe(value) }
        exposition.histogram("mobius_hash_duration_seconds", help: "Time to decode and hash one image.", [([], latency)])
        exposition.gauge("mobius_build_info", help: "Build information; the value is always 1.", [([("version", "0.3.0"), ("note", "quote \" and \\ and\nnewline")], 1)])
        return exposition
    }

    @Test func promtoolAcceptsIt() throws {
        let run = try #require(try ExpositionCheck.runPromtool(on: PrometheusExpositionTests.sample().text), "run tools/require-promtool (tools/test does)")
        #expect(run.status == 0, "promtool: \(run.report)")
        #expect(run.report.isEmpty, "promtool found lint problems: \(run.report)")
    }

    /// What promtool does not check: a `+Inf` bucket per histogram, `le` ascending, buckets
    /// cumulative and ending at `_count`, and no series twice.
    @Test func bucketsAreCumulativeAscendingAndSeriesUnique() throws {
        let text = PrometheusExpositionTests.sample().text
        #expect(ExpositionCheck.problems(in: text) == [])
        #expect(ExpositionCheck.problems(in: text.replacingOccurrences(of: "_count 6", with: "_count 7")).count == 1)
        #expect(ExpositionCheck.problems(in: text + "mobius_review_queue_items 4\n") == ["series twice: mobius_review_queue_items"])
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        let series = samples.map { $0.split(separator: " ").dropLast().joined(separator: " ") }
        #expect(Set(series).count == series.count, "a series appears twice")
        let buckets = samples.filter { $0.hasPrefix("mobius_hash_duration_seconds_bucket") }
        let les = buckets.map { line -> Double in
            let value = line.split(separator: "\"")[1]
            return value == "+Inf" ? .infinity : Double(value)!
        }
        #expect(les.last == .infinity)
        #expect(zip(les, les.dropFirst()).allSatisfy { $0 < $1 })
        let counts = buckets.map { Double($0.split(separator: " ").last!)! }
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(counts.last == 6 && text.contains("mobius_hash_duration_seconds_count 6"))
        #expect(text.contains(#"le="0.005"} 3"#), "0.0004, 0.003, 0.003 are at or under 5 ms")
        #expect(text.contains(#"note="quote \" and \\ and\nnewline""#))
    }

    @Test func anIntervalsQuantileIsTheUpperBoundOfItsBucket() {
        var histogram = HistogramSnapshot(upperBounds: [0.001, 0.01, 0.1])
        #expect(histogram.quantileUpperBound(0.5) == nil)
        for value in [0.0005, 0.0005, 0.005, 0.05] { histogram.observe(value) }
        #expect(histogram.quantileUpperBound(0.5) == 0.001)
        #expect(histogram.quantileUpperBound(0.99) == 0.1)
        let earlier = histogram
        histogram.observe(5)
        let interval = histogram.subtracting(earlier)
        #expect(interval.count == 1 && interval.sum == 5)
        #expect(interval.quantileUpperBound(0.5) == .infinity, "above the last bound")
    }
}
