import Foundation
import JSON
import Journal

/// `mobius-dhash stats [--json]`: events by type, segments, bytes, compression, head and chain.
///
/// "Bytes on disk" counts segment headers and frames (everything but preallocated zero padding,
/// which is shown separately as file bytes); the ratio is uncompressed record bytes per byte
/// on disk.
struct StatsCommand: Command {
    static let asJSON = Flag("--json", help: "print one JSON object instead of the table")

    static let spec = CommandSpec(
        "stats", summary: "events by type, segments, bytes on disk, compression ratio, head seq, chain",
        discussion: [
            "Bytes on disk count segment headers and frames, not the zeros preallocated ahead of them (file bytes include those); the compression ratio is uncompressed record bytes per byte on disk. Counting stops at the first damage, which is named.",
        ],
        arguments: [asJSON] + DataFolder.arguments,
        exits: [
            .checkFailed: "damage before the journal's tail stopped the count",
            .usageOrUnreadable: "there is no journal, or its files cannot be read",
        ])

    /// Where the journal is (`--data`).
    let data: DataFolder
    /// Print one JSON object instead of the table (`--json`).
    let isJSON: Bool

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        isJSON = arguments.isSet(Self.asJSON)
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        try data.requireJournal()
        let stats = try CommandFailure.catching(as: .unreadableInput) { try JournalStats.collect(directory: data.journalDirectory) }
        let types = stats.eventsByType.sorted { $0.key < $1.key }
        let ratio = String(format: "%.2f", stats.compressionRatio)
        if isJSON {
            io.print(JSONLine.object { json in
                json.writeKey("eventsByType")
                json.writeObject(sortingKeys: stats.eventsByType.keys) { type, json in json.write(stats.eventsByType[type]!) }
                json.write(stats.segmentCount, forKey: "segments")
                json.write(stats.frameCount, forKey: "frames")
                json.write(stats.bytesOnDisk, forKey: "bytesOnDisk")
                json.write(stats.fileBytes, forKey: "fileBytes")
                json.write(stats.uncompressedBytes, forKey: "uncompressedBytes")
                json.write((stats.compressionRatio * 100).rounded() / 100, forKey: "compressionRatio")
                json.write(stats.headSeq, forKey: "headSeq")
                json.write(stats.chain.hex, forKey: "chain")
                if let damage = stats.damage { json.write(String(describing: damage), forKey: "damage") }
            })
        } else {
            io.print("events by type:")
            for (type, count) in types { io.print("  \(type.padding(toLength: 28, withPad: " ", startingAt: 0)) \(count)") }
            io.print("segments:           \(stats.segmentCount)")
            io.print("frames:             \(stats.frameCount)")
            io.print("bytes on disk:      \(stats.bytesOnDisk) (files incl. preallocation: \(stats.fileBytes))")
            io.print("uncompressed bytes: \(stats.uncompressedBytes)")
            io.print("compression ratio:  \(ratio)×")
            io.print("head seq:           \(stats.headSeq)")
            io.print("chain:              \(stats.chain.hex)")
            if let damage = stats.damage { io.print("stopped at damage:  \(damage)") }
        }
        return stats.damage.map { $0.isTornTail ? .success : .checkFailed } ?? .success
    }
}
