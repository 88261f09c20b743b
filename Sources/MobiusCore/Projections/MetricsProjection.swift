import JSON

/// Extraction counts and timings (DESIGN.md "Metrics"): totals since the last `metrics.reset`
/// (or the first event), hash time over the last 1,000 timed extractions, and per-second
/// buckets for the last hour, so 5/15/60-minute windows can be measured back from any point.
///
/// Bounded whatever the journal's length: 1,000 samples and at most 3,600 buckets.
public struct MetricsProjection: Sendable, Equatable {
    public static let name = "metrics"
    public static let version = 1
    /// Samples kept for the p95.
    public static let sampleLimit = 1_000
    /// Seconds of buckets kept (the longest window).
    public static let windowSeconds: UInt64 = 3_600

    /// One second's extractions.
    struct SecondBucket: Sendable, Equatable {
        var second: UInt64
        var total: Int
        var failed: Int
        var timed: Int
        var durationSumMs: Double
    }

    /// When counting last started (a reset's timestamp, or the first event's); nil before any.
    public internal(set) var countingSince: UInt64?
    /// Extractions since then.
    public internal(set) var total = 0
    /// Of those, completed.
    public internal(set) var successful = 0
    /// Of those, failed.
    public internal(set) var failed = 0
    /// Completed extractions with a recorded duration since then, and their sum.
    var timedCount = 0
    var durationSumMs = 0.0
    /// The last `sampleLimit` durations since then, oldest first once full (a ring at `nextSample`).
    var samples: [Double] = []
    var nextSample = 0
    /// Buckets by `second % windowSeconds`.
    var buckets: [UInt64: SecondBucket] = [:]

    /// Nothing counted yet.
    public init() {}

    /// Folds `event`.
    public mutating func apply(_ event: RecordedEvent) {
        if countingSince == nil { countingSince = event.timestamp }
        switch event.event {
        case .extractionCompleted(let extraction): record(at: event.timestamp, isFailure: false, durationMs: extraction.durationMs)
        case .extractionFailed: record(at: event.timestamp, isFailure: true, durationMs: nil)
        case .metricsReset:
            countingSince = event.timestamp
            total = 0
            successful = 0
            failed = 0
            timedCount = 0
            durationSumMs = 0
            samples = []
            nextSample = 0
        default: break
        }
    }

    private mutating func record(at timestamp: UInt64, isFailure: Bool, durationMs: Double?) {
        total += 1
        if isFailure { failed += 1 } else { successful += 1 }
        if let durationMs {
            timedCount += 1
            durationSumMs += durationMs
            if samples.count < MetricsProjection.sampleLimit {
                samples.append(durationMs)
            } else {
                samples[nextSample] = durationMs
                nextSample = (nextSample + 1) % MetricsProjection.sampleLimit
            }
        }
        let second = timestamp / 1_000_000
        let slot = second % MetricsProjection.windowSeconds
        var bucket = buckets[slot].flatMap { $0.second == second ? $0 : nil } ?? SecondBucket(second: second, total: 0, failed: 0, timed: 0, durationSumMs: 0)
        bucket.total += 1
        if isFailure { bucket.failed += 1 }
        if let durationMs {
            bucket.timed += 1
            bucket.durationSumMs += durationMs
        }
        buckets[slot] = bucket
    }

    /// Failed / total since counting started; 0 with none.
    public var failureRate: Double { total == 0 ? 0 : Double(failed) / Double(total) }

    /// Mean hash time since counting started, ms; 0 with none.
    public var averageHashTimeMs: Double { timedCount == 0 ? 0 : durationSumMs / Double(timedCount) }

    /// The sorted sample at index ⌊0.95·n⌋ of the last (up to) 1,000 timed extractions; 0 with none.
    public var p95HashTimeMs: Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        return sorted[Int((0.95 * Double(sorted.count)).rounded(.down))]
    }

    /// Extractions in the `seconds` before `timestamp` (the second of `timestamp` included).
    public func window(seconds: UInt64, endingAt timestamp: UInt64) -> MetricsWindow {
        let end = timestamp / 1_000_000
        let start = end >= seconds ? end - seconds + 1 : 0
        var window = MetricsWindow(seconds: seconds)
        for bucket in buckets.values where bucket.second >= start && bucket.second <= end {
            window.total += bucket.total
            window.failed += bucket.failed
            window.timed += bucket.timed
            window.durationSumMs += bucket.durationSumMs
        }
        return window
    }
}

/// Extractions in a window of time.
public struct MetricsWindow: Sendable, Equatable {
    /// The window's length.
    public var seconds: UInt64
    /// Extractions in it.
    public var total = 0
    /// Of those, failed.
    public var failed = 0
    /// Timed ones and their durations' sum, ms.
    var timed = 0
    var durationSumMs = 0.0

    /// Failed / total; 0 with none.
    public var failureRate: Double { total == 0 ? 0 : Double(failed) / Double(total) }
    /// Mean hash time, ms; 0 with none.
    public var averageHashTimeMs: Double { timed == 0 ? 0 : durationSumMs / Double(timed) }
}
