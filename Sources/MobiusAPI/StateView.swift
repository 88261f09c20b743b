import Journal
import MobiusCore

/// `?seq=N` or `?at=ISO-8601` on a projection GET; neither: now.
enum PointInTime: Sendable, Equatable {
    case now
    case seq(UInt64)
    case time(UInt64)

    /// Reads the query; a bad value or both given is a one-line 400 message.
    static func parse(_ query: QueryParameters) -> Result<PointInTime, ParseFailure> {
        switch (query["seq"], query["at"]) {
        case (nil, nil): return .success(.now)
        case (.some, .some): return .failure(ParseFailure("give ?seq=N or ?at=TIME, not both"))
        case (let seq?, nil):
            guard let value = UInt64(seq) else { return .failure(ParseFailure("seq must be a whole number of 0 or more, got \(seq.prefix(40))")) }
            return .success(.seq(value))
        case (nil, let at?):
            guard let value = Timestamp.parse(at) else { return .failure(ParseFailure("at must be an ISO 8601 time such as 2026-11-27T10:15:03Z, got \(at.prefix(40))")) }
            return .success(.time(value))
        }
    }

    /// A 400 message.
    struct ParseFailure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}

/// The projections a GET answers from: live ones now, or a replay at a past point, with the seq
/// they reflect and the time metrics windows are measured back from.
struct StateView {
    var projections: ProjectionSet
    /// The seq the answer reflects.
    var seq: UInt64
    /// The chain at the journal's head (now), or "" for a past point.
    var chain: String
    /// The query time, µs: now, or the point's time.
    var time: UInt64
    /// Whether the journal can be written (a past point: true; it was).
    var journalWritable: Bool
    var summary: MetricsSummary

    init(engine: Engine, point: PointInTime) throws(EngineError) {
        switch point {
        case .now:
            projections = engine.projections
            let head = engine.head
            chain = head.chain.hex
            time = max(JournalConfiguration.systemClock(), projections.timestamp)
            journalWritable = engine.journalProblem == nil
        case .seq(let seq):
            projections = try engine.builder.state(atSeq: seq).projections
            chain = ""
            time = projections.timestamp
            journalWritable = true
        case .time(let at):
            projections = try engine.builder.state(atTime: at).projections
            chain = ""
            time = at
            journalWritable = true
        }
        seq = projections.seq
        summary = projections.metricsSummary(at: time)
    }
}
