import Foundation
import JSON

/// Decoding the journal benchmark's event data three ways on the same bytes, in the same run:
/// the `JSON` target's pull reader into typed structs, Foundation's `JSONDecoder` into
/// `Decodable` structs with the same fields, and `JSONValidator.validateObject` alone (what the
/// journal runs on every event it reads).
///
/// Rounds interleave the three (reader, Foundation, validator, reader, …) so a change in the
/// machine's load during the run affects all of them alike, and each figure is the fastest
/// round: on a shared machine the fastest round is the one least disturbed by other work.
public enum JSONBenchmark {
    /// The figures of one run.
    public struct Report: Sendable, CustomStringConvertible {
        /// Samples decoded per round (those of the three known shapes).
        public var events: Int
        /// Their total size in bytes.
        public var bytes: Int
        /// Rounds run per method.
        public var rounds: Int
        /// Pull reader into typed structs: events per second (fastest round).
        public var readerEventsPerSecond: Double
        /// Foundation `JSONDecoder` into `Decodable` structs: events per second (fastest round).
        public var foundationEventsPerSecond: Double
        /// `JSONValidator.validateObject` alone: events per second (fastest round).
        public var validatorEventsPerSecond: Double
        /// Whether the reader and Foundation decoded every sample to equal values.
        public var decodedAlike: Bool

        /// How many times the pull reader's rate is Foundation's.
        public var readerToFoundation: Double { readerEventsPerSecond / foundationEventsPerSecond }
        /// The validator's rate in bytes per second.
        public var validatorBytesPerSecond: Double { validatorEventsPerSecond * Double(bytes) / Double(max(events, 1)) }

        /// A small table for people.
        public var description: String {
            func rate(_ value: Double) -> String { String(format: "%12.0f events/s", value) }
            return """
            JSON decode of \(events) event data objects (\(bytes / max(events, 1)) bytes on average), fastest of \(rounds) rounds
              pull reader → typed structs   \(rate(readerEventsPerSecond))
              Foundation JSONDecoder        \(rate(foundationEventsPerSecond))
              validator alone               \(rate(validatorEventsPerSecond))  (\(String(format: "%.2f", validatorBytesPerSecond / 1e9)) GB/s)
              reader / Foundation           \(String(format: "%12.1f", readerToFoundation))×
              decoded alike                 \(decodedAlike ? "yes" : "NO")
            """
        }
    }

    /// `count` event data objects from the journal benchmark's seeded stream (BenchStream).
    public static func samples(count: Int, seed: UInt64 = 0x6D6F_6269_7573) -> [[UInt8]] {
        var stream = BenchStream(seed: seed)
        return (0..<count).map { _ in Array(stream.nextLine().data.utf8) }
    }

    /// Decodes `samples` (event data objects; those not of the three shapes are left out)
    /// `rounds` times with each method and reports the fastest round of each.
    public static func run(samples: [[UInt8]], rounds: Int) -> Report {
        let known = samples.compactMap { sample in BenchEventKind(data: sample).map { (kind: $0, bytes: sample) } }
        let datas = known.map { Data($0.bytes) }
        var best = (reader: Duration.seconds(1_000_000), foundation: Duration.seconds(1_000_000), validator: Duration.seconds(1_000_000))
        var checksums = (reader: 0, foundation: 0, validator: 0)
        let clock = ContinuousClock()
        for _ in 0..<max(rounds, 1) {
            var sum = 0
            best.reader = min(best.reader, clock.measure { sum = decodeWithReader(known) })
            checksums.reader = sum
            best.foundation = min(best.foundation, clock.measure { sum = decodeWithFoundation(known, datas) })
            checksums.foundation = sum
            best.validator = min(best.validator, clock.measure { sum = validate(known) })
            checksums.validator = sum
        }
        func perSecond(_ duration: Duration) -> Double {
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
            return Double(known.count) / max(seconds, 1e-9)
        }
        return Report(events: known.count, bytes: known.reduce(0) { $0 + $1.bytes.count }, rounds: max(rounds, 1),
                      readerEventsPerSecond: perSecond(best.reader), foundationEventsPerSecond: perSecond(best.foundation),
                      validatorEventsPerSecond: perSecond(best.validator),
                      decodedAlike: checksums.reader == checksums.foundation && checksums.validator == known.count && decodedAlike(known, datas))
    }

    /// Decodes every sample with the pull reader; returns the sum of checksums (-1 on an error).
    private static func decodeWithReader(_ samples: [(kind: BenchEventKind, bytes: [UInt8])]) -> Int {
        var sum = 0
        do {
            for sample in samples {
                switch sample.kind {
                case .extraction: sum &+= try JSONReader.decode(ExtractionCompletedData.self, from: sample.bytes).checksum
                case .metric: sum &+= try JSONReader.decode(MetricSampleData.self, from: sample.bytes).checksum
                case .log: sum &+= try JSONReader.decode(LogRecordData.self, from: sample.bytes).checksum
                }
            }
        } catch {
            return -1
        }
        return sum
    }

    /// Decodes every sample with Foundation; returns the sum of checksums (-1 on an error).
    private static func decodeWithFoundation(_ samples: [(kind: BenchEventKind, bytes: [UInt8])], _ datas: [Data]) -> Int {
        let decoder = JSONDecoder()
        var sum = 0
        do {
            for (sample, data) in zip(samples, datas) {
                switch sample.kind {
                case .extraction: sum &+= try decoder.decode(ExtractionCompletedData.self, from: data).checksum
                case .metric: sum &+= try decoder.decode(MetricSampleData.self, from: data).checksum
                case .log: sum &+= try decoder.decode(LogRecordData.self, from: data).checksum
                }
            }
        } catch {
            return -1
        }
        return sum
    }

    /// Validates every sample; returns how many passed.
    private static func validate(_ samples: [(kind: BenchEventKind, bytes: [UInt8])]) -> Int {
        var valid = 0
        for sample in samples {
            sample.bytes.withUnsafeBytes { raw in
                if (try? JSONValidator.validateObject(raw)) != nil { valid += 1 }
            }
        }
        return valid
    }

    /// Whether the reader and Foundation decode each sample to equal values (checked once,
    /// outside the timed rounds).
    private static func decodedAlike(_ samples: [(kind: BenchEventKind, bytes: [UInt8])], _ datas: [Data]) -> Bool {
        let decoder = JSONDecoder()
        func same<T: Decodable & JSONDecodable & Equatable>(_ type: T.Type, _ bytes: [UInt8], _ data: Data) -> Bool {
            guard let ours = try? JSONReader.decode(type, from: bytes), let theirs = try? decoder.decode(type, from: data) else { return false }
            return ours == theirs
        }
        for (sample, data) in zip(samples, datas) {
            let alike: Bool
            switch sample.kind {
            case .extraction: alike = same(ExtractionCompletedData.self, sample.bytes, data)
            case .metric: alike = same(MetricSampleData.self, sample.bytes, data)
            case .log: alike = same(LogRecordData.self, sample.bytes, data)
            }
            if !alike { return false }
        }
        return true
    }
}
