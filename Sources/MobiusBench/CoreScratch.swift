import Foundation
import Journal
import MobiusCore

/// A scratch data folder (`<data>/.bench-<name>-<pid>`, with `journal/` and `snapshots/`) for
/// the event-sourced core's benchmarks: on the same disk as the real data, removed afterwards.
package struct CoreScratch {
    /// The scratch data folder.
    package let path: String

    /// Frames the benchmarks append hold this many events, so every multiple of it is a frame
    /// end (the only points a snapshot can be taken at).
    package static let frameEvents = 500

    /// Creates an empty scratch folder inside `dataFolder`.
    package init(inDataFolder dataFolder: String, name: String) throws {
        path = dataFolder + "/.bench-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The journal folder.
    package var journalDirectory: String { path + "/journal" }
    /// The snapshot folder.
    package var snapshotDirectory: String { path + "/snapshots" }

    /// Removes the folder.
    package func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// The engine's configuration for this folder: no automatic snapshots, none on close.
    package func engineConfiguration(durability: Durability = .none) -> EngineConfiguration {
        var configuration = EngineConfiguration(dataDirectory: path) { $0.durability = durability }
        configuration.snapshotInterval = 0
        configuration.snapshotsOnClose = false
        return configuration
    }

    /// A replay path that ignores every snapshot: a replay from the start of the journal.
    package func builderFromScratch(pipelined: Bool = false) -> StateBuilder {
        StateBuilder(journalDirectory: journalDirectory, snapshots: SnapshotStore(directory: path + "/no-snapshots"), pipelinesDecoding: pipelined)
    }

    /// Appends `count` events of `stream` (durability none) in frames of `frameEvents`.
    package func append(_ count: Int, of stream: inout CoreStream, libraryShare: Double) throws {
        let writer = try JournalWriter.open(JournalConfiguration(directory: journalDirectory, durability: .none))
        var drafts: [EventDraft] = []
        drafts.reserveCapacity(Self.frameEvents)
        for _ in 0..<count {
            if let draft = try stream.next(libraryShare: libraryShare).draft() { drafts.append(draft) }
            if drafts.count == Self.frameEvents {
                _ = try writer.append(drafts)
                drafts.removeAll(keepingCapacity: true)
            }
        }
        if !drafts.isEmpty { _ = try writer.append(drafts) }
        try writer.close()
    }
}

/// Small helpers the core benchmarks share.
package enum Measure {
    /// `duration` in seconds.
    package static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Runs `body` and returns its result with the seconds it took.
    package static func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let result = try body()
        return (result, seconds(ContinuousClock.now - start))
    }

    /// The 1-, 5- and 15-minute load averages, as `uptime` prints them (`/proc/loadavg`).
    package static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: ", ")
    }

    /// `value` with thousands separators, no decimals.
    package static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    /// Milliseconds with one decimal.
    package static func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}
