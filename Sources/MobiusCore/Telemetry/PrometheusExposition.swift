/// Prometheus text exposition format 0.0.4 (what `GET /metrics` serves and `promtool check
/// metrics` accepts), written family by family.
///
/// Each family gets `# HELP` and `# TYPE` once, then its samples; names follow the
/// conventions swift-prometheus and the Prometheus docs set (`_total` for counters, base units
/// such as `_seconds` and `_bytes`). A family written twice, a bad metric or label name, or
/// histogram buckets that are not ascending and cumulative are programmer errors.
public struct PrometheusExposition: Sendable {
    /// The kinds of metric family.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    private var lines: [String] = []
    private var families: Set<String> = []

    /// An empty exposition.
    public init() {}

    /// The exposition text (ends with a newline when not empty).
    public var text: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    /// A counter: a value that only goes up (`name` should end in `_total`).
    public mutating func counter(_ name: String, help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
        family(name, .counter, help: help)
        for sample in samples { line(name, sample.labels, sample.value) }
    }

    /// A counter with one unlabelled sample.
    public mutating func counter(_ name: String, help: String, value: Double) { counter(name, help: help, [([], value)]) }

    /// A gauge: a value that goes up and down.
    public mutating func gauge(_ name: String, help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
        family(name, .gauge, help: help)
        for sample in samples { line(name, sample.labels, sample.value) }
    }

    /// A gauge with one unlabelled sample.
    public mutating func gauge(_ name: String, help: String, value: Double) { gauge(name, help: help, [([], value)]) }

    /// A histogram: cumulative `_bucket{le=…}` counts for ascending upper bounds (the `+Inf`
    /// bucket is added and equals `count`), then `_sum` and `_count`.
    public mutating func histogram(_ name: String, help: String, _ snapshots: [(labels: [(String, String)], histogram: HistogramSnapshot)]) {
        family(name, .histogram, help: help)
        for (labels, histogram) in snapshots {
            precondition(zip(histogram.upperBounds, histogram.upperBounds.dropFirst()).allSatisfy { $0 < $1 }, "histogram \(name): bounds must ascend")
            var cumulative: UInt64 = 0
            for (bound, count) in zip(histogram.upperBounds, histogram.bucketCounts) {
                cumulative += count
                line(name + "_bucket", labels + [("le", PrometheusExposition.number(bound))], Double(cumulative))
            }
            line(name + "_bucket", labels + [("le", "+Inf")], Double(histogram.count))
            line(name + "_sum", labels, histogram.sum)
            line(name + "_count", labels, Double(histogram.count))
        }
    }

    private mutating func family(_ name: String, _ kind: Kind, help: String) {
        precondition(PrometheusExposition.isMetricName(name), "\(name) is not a Prometheus metric name")
        precondition(families.insert(name).inserted, "metric family \(name) written twice")
        lines.append("# HELP \(name) \(PrometheusExposition.escapeHelp(help))")
        lines.append("# TYPE \(name) \(kind.rawValue)")
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: Double) {
        var text = name
        if !labels.isEmpty {
            precondition(labels.allSatisfy { PrometheusExposition.isLabelName($0.0) }, "bad label name in \(labels)")
            text += "{" + labels.map { "\($0.0)=\"\(PrometheusExposition.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
        }
        lines.append(text + " " + PrometheusExposition.number(value))
    }

    /// A sample value as the format spells it: `+Inf`, `-Inf`, `NaN`, integers without `.0`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func escapeLabel(_ text: String) -> String {
        escapeHelp(text).replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first.isNameStart || first == UInt8(ascii: ":") else { return false }
        return name.utf8.allSatisfy { $0.isNameStart || $0.isDigit || $0 == UInt8(ascii: ":") }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved).
    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first.isNameStart, !name.hasPrefix("__") else { return false }
        return name.utf8.allSatisfy { $0.isNameStart || $0.isDigit }
    }
}

private extension UInt8 {
    var isNameStart: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) || self == UInt8(ascii: "_") }
    var isDigit: Bool { (0x30...0x39).contains(self) }
}

/// A histogram's buckets at one moment: per-bucket (not cumulative) counts for each upper
/// bound, the observations above the last bound included in `count` only.
public struct HistogramSnapshot: Sendable, Equatable {
    /// Upper bounds, ascending.
    public var upperBounds: [Double]
    /// Observations with value ≤ bound and > the previous bound, per bound.
    public var bucketCounts: [UInt64]
    /// Sum of all observations.
    public var sum: Double
    /// Number of observations.
    public var count: UInt64

    /// An empty histogram over `upperBounds`.
    public init(upperBounds: [Double]) {
        precondition(!upperBounds.isEmpty && zip(upperBounds, upperBounds.dropFirst()).allSatisfy { $0 < $1 }, "bounds must ascend")
        self.upperBounds = upperBounds
        bucketCounts = Array(repeating: 0, count: upperBounds.count)
        sum = 0
        count = 0
    }

    /// Records `value` (NaN is ignored).
    public mutating func observe(_ value: Double) {
        guard !value.isNaN else { return }
        count += 1
        sum += value
        var low = 0, high = upperBounds.count
        while low < high {
            let middle = (low + high) / 2
            if value <= upperBounds[middle] { high = middle } else { low = middle + 1 }
        }
        if low < bucketCounts.count { bucketCounts[low] += 1 }
    }

    /// The observations made since `earlier` (a snapshot of the same histogram taken before).
    public func subtracting(_ earlier: HistogramSnapshot) -> HistogramSnapshot {
        precondition(earlier.upperBounds == upperBounds, "snapshots of different histograms")
        var difference = self
        difference.bucketCounts = zip(bucketCounts, earlier.bucketCounts).map { $0 &- $1 }
        difference.sum = sum - earlier.sum
        difference.count = count &- earlier.count
        return difference
    }

    /// The upper bound of the bucket holding the `q`-quantile observation (the estimate
    /// Prometheus's `histogram_quantile` rounds up to); infinity when it lies above the last
    /// bound, nil with no observations.
    public func quantileUpperBound(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = UInt64((q * Double(count)).rounded(.up))
        var seen: UInt64 = 0
        for (bound, bucket) in zip(upperBounds, bucketCounts) {
            seen += bucket
            if seen >= max(rank, 1) { return bound }
        }
        return .infinity
    }

    /// Prometheus's default buckets for latencies in seconds (5 ms … 10 s).
    public static let latencySeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
}
