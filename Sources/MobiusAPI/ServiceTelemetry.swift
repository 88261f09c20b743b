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
