import Foundation
import Journal

/// `mobius-dhash stats [--json]`: events by type, segments, bytes, compression, head and chain.
///
/// "Bytes on disk" counts segment headers and frames (everything but preallocated zero padding,
/// which is shown separately as file bytes); the ratio is uncompressed record bytes per byte
/// on disk.
struct StatsCommand: Command {
    static let name = "stats"
    static let summary = "events by type, segments, bytes on disk, compression ratio, head seq, chain (--json)"

    /// Where the journal is (`--data`).
    let location: JournalLocation
    /// Print one JSON object instead of the table (`--json`).
    let isJSON: Bool

    init(arguments: inout ArgumentList) throws(UsageError) {
        location = try JournalLocation(arguments: &arguments)
        isJSON = arguments.flag("--json")
        try arguments.finish()
    }

    func run(_ io: CommandIO) throws -> ExitStatus {
        try location.requireExistingJournal()
        let stats = try JournalStats.collect(directory: location.journalDirectory)
        let types = stats.eventsByType.sorted { $0.key < $1.key }
        let ratio = String(format: "%.2f", stats.compressionRatio)
        if isJSON {
            let byType = types.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
            var line = #"{"eventsByType":{\#(byType)},"segments":\#(stats.segmentCount),"frames":\#(stats.frameCount),"bytesOnDisk":\#(stats.bytesOnDisk),"fileBytes":\#(stats.fileBytes),"uncompressedBytes":\#(stats.uncompressedBytes),"compressionRatio":\#(ratio),"headSeq":\#(stats.headSeq),"chain":"\#(stats.chain.hex)""#
            if let damage = stats.damage { line += #","damage":"\#(String(describing: damage).replacingOccurrences(of: "\"", with: "'"))""# }
            io.print(line + "}")
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
