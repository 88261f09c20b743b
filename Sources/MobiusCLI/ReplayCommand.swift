import JSON
import Journal
import MobiusCore

/// `mobius-dhash replay [--seq N | --at TIME] [--projection NAME]`: rebuilds every projection
/// at a point in time, read-only, and prints a summary (or one projection's canonical state).
struct ReplayCommand: Command {
    static let projection = Option<String>(
        "--projection", value: "NAME", help: "print this projection's canonical JSON instead of the summary",
        accepted: ProjectionSet.projectionNames.joined(separator: ", ")) { text throws(ValueProblem) in
        guard ProjectionSet.projectionNames.contains(text) else {
            throw ValueProblem(expected: "one of " + ProjectionSet.projectionNames.joined(separator: ", "))
        }
        return text
    }

    static let spec = CommandSpec(
        "replay", summary: "rebuild every projection at a point in time (read-only); print a summary or one projection",
        discussion: [
            #"Starts from the newest verified snapshot at or before the point and replays the journal to it; a snapshot that does not verify is skipped with one warning. The summary is {"seq","timestamp","stateHash","snapshot","replayedEvents","library","reviewQueueOpen","schemaVersion","activeReleases","metrics":{…as GET /metrics/dhash},"health":{…}}; stateHash is the SHA-256 of the canonical state, equal for a full replay, a replay from any verified snapshot and the live service."#,
        ],
        arguments: [projection] + PointInTimeOptions.arguments,
        exits: [.usageOrUnreadable: "there is no journal, it cannot be read, or --seq is past its head"])

    let point: PointInTimeOptions
    let projection: String?

    init(_ arguments: ParsedArguments) {
        point = PointInTimeOptions(arguments)
        projection = arguments.value(of: Self.projection)
    }

    func validate() throws(CommandFailure) { try point.validate() }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        let state = try point.state(io, commandPath: [Self.spec.name])
        let projections = state.projections
        let releases = projections.domainState.activeReleases
        if let projection, let bytes = projections.encoded(projection: projection) {
            io.print(String(decoding: bytes, as: UTF8.self))
            return .success
        }
        let summary = projections.metricsSummary(at: projections.timestamp)
        io.print(JSONLine.object { json in
            json.write(projections.seq, forKey: "seq")
            json.write(projections.seq == 0 ? nil : Timestamp.iso8601(microseconds: projections.timestamp), forKey: "timestamp")
            json.write(projections.stateHash.hex, forKey: "stateHash")
            json.write(state.base?.id, forKey: "snapshot")
            json.write(state.replayedEventCount, forKey: "replayedEvents")
            json.write(projections.library.count, forKey: "library")
            json.write(projections.reviewQueue.open.count, forKey: "reviewQueueOpen")
            json.write(projections.schema.currentVersion, forKey: "schemaVersion")
            json.writeKey("activeReleases")
            json.writeObject(sortingKeys: releases.keys) { key, json in json.write(releases[key]!) }
            json.writeKey("metrics")
            summary.writeContractObject(to: &json)
            json.writeKey("health")
            summary.health(projections.health).writeObject(to: &json)
        })
        return .success
    }
}
