import MobiusBench
import Testing

/// The benchmark's figures are not tested (timings live in `bench`); what it compares is: the
/// pull reader's decoders and Foundation's must decode the stream to the same values, or the
/// ratio it reports means nothing.
@Suite struct JSONBenchmarkTests {
    @Test func theReaderAndFoundationDecodeTheStreamAlike() {
        let samples = JSONBenchmark.samples(count: 2_000)
        let report = JSONBenchmark.run(samples: samples, rounds: 1)
        #expect(report.events == samples.count)  // every sample is one of the three shapes
        #expect(report.decodedAlike)
        #expect(report.bytes == samples.reduce(0) { $0 + $1.count })
    }

    @Test func samplesOfOtherShapesAreLeftOut() {
        let samples = JSONBenchmark.samples(count: 10) + [Array(#"{"other":1}"#.utf8)]
        #expect(JSONBenchmark.run(samples: samples, rounds: 1).events == 10)
    }

    @Test func theStreamIsSeeded() {
        #expect(JSONBenchmark.samples(count: 50) == JSONBenchmark.samples(count: 50))
        #expect(JSONBenchmark.samples(count: 50, seed: 1) != JSONBenchmark.samples(count: 50))
    }
}
