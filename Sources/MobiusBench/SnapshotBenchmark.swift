import Integrity
import Journal
import MobiusCore

/// `mobius-dhash bench snapshot`: writing and loading a snapshot of a big library (issue 8: a
/// 1-million-image library written in under 1 s, loaded in under 0.5 s, state bytes per image
/// reported).
///
/// The state is built in memory by folding `library.image.added` events of the core stream (no
/// journal: the snapshot store does not read it); write = encode + `SnapshotStore.write` (hashes,
/// temporary file, fsync, rename, sidecar); load = what the engine's startup does,
/// `SnapshotStore.load(id:decoding:)`: read, then the file's SHA-256 on a second thread while the
/// state decodes (the library's rows and index rebuilt). The parts are timed on their own too.
package enum SnapshotBenchmark {
    /// What one run measured (fastest of the rounds, each phase on its own).
    package struct Report: Sendable {
        /// Library images in the state, and whether each has an explicit id.
        package var images: Int
        package var explicitIds: Bool
        /// State bytes, and the whole file's.
        package var stateBytes: Int
        package var fileBytes: Int
        /// Seconds: canonical encoding, the store's write (hashing, files, fsync), the store's
        /// checked read alone, decoding the state alone, and the load as startup does it (read,
        /// hash and decode at once).
        package var encodeSeconds: Double
        package var writeSeconds: Double
        package var readSeconds: Double
        package var decodeSeconds: Double
        package var loadSeconds: Double
        /// Whether the state loaded back encodes to the same bytes.
        package var roundTrips: Bool
        /// Load averages before and after.
        package var load: (before: String, after: String)

        /// State bytes per library image.
        package var bytesPerImage: Double { Double(stateBytes) / Double(max(images, 1)) }

        /// The table printed.
        package var lines: [String] {
            func row(_ name: String, _ seconds: Double, _ note: String = "") -> String {
                name.padding(toLength: 46, withPad: " ", startingAt: 0) + Measure.ms(seconds).leftPadded(12) + note
            }
            return [
                "snapshot benchmark: \(images) library images\(explicitIds ? " with explicit ids" : ""), state \(stateBytes) bytes (\(String(format: "%.1f", bytesPerImage)) bytes per image), file \(fileBytes) bytes; fastest of the rounds; load \(load.before) → \(load.after)",
                row("encode the state (JSON + image table)", encodeSeconds),
                row("write: hash, file, fsync, rename, sidecar", writeSeconds),
                row("snapshot written (encode + write)", encodeSeconds + writeSeconds, "  (target < 1 s at 1,000,000 images)"),
                row("  alone: read, check the file's SHA-256", readSeconds),
                row("  alone: decode the state, rebuild the index", decodeSeconds),
                row("snapshot loaded (read, hash while decoding)", loadSeconds, "  (target < 0.5 s at 1,000,000 images)"),
                "state reloaded encodes the same bytes: \(roundTrips ? "yes" : "NO")",
            ]
        }
    }

    /// Builds a library of `images` images (each with an id of its own when `explicitIds`) and
    /// writes and loads its snapshot `rounds` times in a scratch folder inside `dataFolder`
    /// (removed afterwards).
    package static func run(images: Int, explicitIds: Bool = false, rounds: Int, inDataFolder dataFolder: String) throws -> Report {
        let scratch = try CoreScratch(inDataFolder: dataFolder, name: "snapshot")
        defer { scratch.remove() }
        let projections = libraryState(images: images, explicitIds: explicitIds)
        let store = SnapshotStore(directory: scratch.snapshotDirectory)
        let before = Measure.loadAverage()
        var best = [Double](repeating: .infinity, count: 5)
        var stateBytes = 0, fileBytes = 0, roundTrips = true
        for _ in 0..<max(rounds, 1) {
            let (state, encodeTime) = Measure.time { projections.encoded() }
            let (written, writeTime) = try Measure.time {
                try store.write(seq: projections.seq, timestamp: projections.timestamp, chain: .zero,
                                projectionVersions: ProjectionSet.versions, state: state)
            }
            let (loaded, readTime) = try Measure.time { try store.load(id: written.header.id) }
            let (_, decodeTime) = try Measure.time { try ProjectionSet(decoding: loaded.state) }
            let ((_, decodedResult), loadTime) = try Measure.time {
                try store.load(id: written.header.id) { state in Result { () throws(ProjectionDecodingError) in try ProjectionSet(decoding: state) } }
            }
            let decoded = try decodedResult.get()
            best = zip(best, [encodeTime, writeTime, readTime, decodeTime, loadTime]).map { min($0, $1) }
            stateBytes = state.count
            fileBytes = written.fileBytes
            roundTrips = roundTrips && decoded.library.count == images && decoded.encoded() == state
            try store.remove(id: written.header.id)
        }
        return Report(images: images, explicitIds: explicitIds, stateBytes: stateBytes, fileBytes: fileBytes, encodeSeconds: best[0], writeSeconds: best[1],
                      readSeconds: best[2], decodeSeconds: best[3], loadSeconds: best[4], roundTrips: roundTrips, load: (before, Measure.loadAverage()))
    }

    /// The projections after `images` `library.image.added` events of the core stream (seqs 1…,
    /// a millisecond apart), with ids `card-0`, `card-1`, … when `explicitIds`.
    package static func libraryState(images: Int, explicitIds: Bool = false) -> ProjectionSet {
        var stream = CoreStream()
        var projections = ProjectionSet()
        for index in 0..<images {
            var event = stream.next(libraryShare: 1)
            if explicitIds, case .libraryImageAdded(var added) = event {
                added.imageId = "card-\(index)"
                event = .libraryImageAdded(added)
            }
            projections.apply(RecordedEvent(seq: stream.seq, timestamp: 1_795_000_000_000_000 + stream.seq * 1_000, requestId: nil, event: event)) {
                (_: UInt64) -> DomainState in preconditionFailure("the library stream has no rollbacks")
            }
        }
        return projections
    }
}
