import Foundation
import Journal
import MobiusCore
import Synchronization

/// What this process measured since it started, for `GET /metrics`: request counts by route
/// and status, and latency histograms (hash time, journal append, fsync, request duration).
///
/// Counts since process start, as Prometheus expects (a restart is a counter reset it handles);
/// the projection-derived figures (totals since `metrics.reset`, queue length) come from the
/// engine at scrape time instead.
public final class ServiceTelemetry: Sendable {
    private struct State {
        var requests: [RequestKey: UInt64] = [:]
        var hashSeconds = HistogramSnapshot(upperBounds: ServiceTelemetry.fastLatencyBounds)
        var appendSeconds = HistogramSnapshot(upperBounds: ServiceTelemetry.fastLatencyBounds)
        var fsyncSeconds = HistogramSnapshot(upperBounds: ServiceTelemetry.fastLatencyBounds)
        var requestSeconds = HistogramSnapshot(upperBounds: HistogramSnapshot.latencySeconds)
    }

    struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let state = Mutex(State())
    /// The histograms as the last `sample` saw them, so each sample covers its own interval.
    private let lastSample = Mutex<State?>(nil)
    private let openConnections = Mutex<(@Sendable () -> Int)?>(nil)
    /// When the process started, µs since the epoch.
    let startTime = JournalConfiguration.systemClock()

    /// Buckets for sub-millisecond to one-second latencies, in seconds.
    static let fastLatencyBounds = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    /// Empty counts.
    public init() {}

    /// Counts one answered request and its duration.
    func countRequest(route: String, method: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RequestKey(route: route, method: method, status: status), default: 0] += 1
            state.requestSeconds.observe(seconds)
        }
    }

    /// Records one extraction's hash time.
    func observeHash(seconds: Double) { state.withLock { $0.hashSeconds.observe(seconds) } }

    /// Records one journal append, from the request to durable (what the engine reports).
    public func observeAppend(_ duration: Duration) { state.withLock { $0.appendSeconds.observe(duration.seconds) } }

    /// Records one `fdatasync` of the journal.
    public func observeSync(_ duration: Duration) { state.withLock { $0.fsyncSeconds.observe(duration.seconds) } }

    /// Where the open-connection gauge reads from (the server, once it listens).
    public func countConnections(with count: @escaping @Sendable () -> Int) { openConnections.withLock { $0 = count } }

    /// The values of one `metric.sample` event: process RSS, open connections, requests
    /// answered since start, the review queue, library size and head seq, and — over the
    /// interval since the previous sample — the p50/p99 of journal append and fsync latency and
    /// the p99 of request duration, as the upper bound of the bucket they fall in (absent when
    /// nothing was observed).
    public func sample(engine: Engine) -> MetricSampled {
        let now = state.withLock { $0 }
        let previous = lastSample.withLock { last in defer { last = now }; return last } ?? State()
        var values: [String: Double] = [
            "http_requests_total": Double(now.requests.values.reduce(0, +)),
            "journal_head_seq": Double(engine.head.seq),
            "library_images": Double(engine.projections.library.count),
            "review_queue_open": Double(engine.projections.reviewQueue.open.count),
        ]
        if let rss = Self.residentBytes() { values["process_rss_bytes"] = Double(rss) }
        if let count = openConnections.withLock({ $0 }) { values["http_open_connections"] = Double(count()) }
        let intervals: [(String, HistogramSnapshot, [Double])] = [
            ("journal_append_seconds", now.appendSeconds.subtracting(previous.appendSeconds), [0.5, 0.99]),
            ("journal_fsync_seconds", now.fsyncSeconds.subtracting(previous.fsyncSeconds), [0.5, 0.99]),
            ("http_request_seconds", now.requestSeconds.subtracting(previous.requestSeconds), [0.99]),
        ]
        for (name, histogram, quantiles) in intervals {
            for q in quantiles {
                guard let bound = histogram.quantileUpperBound(q), bound.isFinite else { continue }
                values["\(name)_p\(Int(q * 100))"] = bound
            }
        }
        return MetricSampled(values: values)
    }

    /// This process's resident set in bytes, from `/proc/self/statm` (nil where there is none).
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Writes the process-side families into `exposition`.
    func write(to exposition: inout PrometheusExposition) {
        let state = state.withLock { $0 }
        exposition.gauge("process_start_time_seconds", help: "Start time of the process since the Unix epoch, in seconds", value: Double(startTime) / 1e6)
        if let count = openConnections.withLock({ $0 }) {
            exposition.gauge("mobius_http_open_connections", help: "HTTP connections open now", value: Double(count()))
        }
        let requests = state.requests.sorted { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }
        exposition.counter("mobius_http_requests_total", help: "HTTP requests answered, by route, method and status",
                           requests.map { ([("route", $0.key.route), ("method", $0.key.method), ("status", String($0.key.status))], Double($0.value)) })
        exposition.histogram("mobius_http_request_duration_seconds", help: "Time from a request's last byte to its response", [([], state.requestSeconds)])
        exposition.histogram("mobius_hash_duration_seconds", help: "Decode and dHash time of extractions served by this process", [([], state.hashSeconds)])
        exposition.histogram("mobius_journal_append_duration_seconds", help: "Journal append latency, from the request to the event being durable", [([], state.appendSeconds)])
        exposition.histogram("mobius_journal_fsync_duration_seconds", help: "Latency of each fdatasync of the journal", [([], state.fsyncSeconds)])
    }
}
