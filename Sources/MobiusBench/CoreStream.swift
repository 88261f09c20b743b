import Imaging
import MobiusCore

/// The service's own events as a running service writes them, seeded, for the event-sourced
/// core's benchmarks (`bench replay`, `bench startup`).
///
/// Mix of `next()`: ≈46% `extraction.completed` (matched against the library so far), 4%
/// `extraction.failed`, 4% `lcm.enqueued` and 3% `lcm.resolved`, 20% `log.record`, 15%
/// `metric.sample`, `libraryShare` `library.image.added`, 0.05% `library.image.removed`, and a
/// few health checks and metrics resets (timestamps are the journal writer's). It counts seqs
/// itself, so appended in order from an empty journal its events get seqs 1, 2, …
package struct CoreStream {
    private var random: SplitMix64
    /// Seq of the last event handed out.
    package private(set) var seq: UInt64 = 0
    /// Seqs of the `library.image.added` events so far (their images' ids are `img-<seq>`).
    package private(set) var librarySeqs: [UInt64] = []
    /// Library images removed so far.
    package private(set) var removedCount = 0
    private var openItems: [UInt64] = []

    /// A stream; the same seed gives the same events.
    package init(seed: UInt64 = 8) { random = SplitMix64(seed: seed) }

    private mutating func hex(_ digits: Int) -> String {
        var text = ""
        text.reserveCapacity(digits + 16)
        while text.utf8.count < digits { text += DifferenceHash(value: random.next()).hex }
        return String(text.prefix(digits))
    }

    /// The next event: a `library.image.added` with a distinct random dHash and SHA-256 with
    /// probability `libraryShare`, else one of the mix above.
    package mutating func next(libraryShare: Double = 0.05) -> DomainEvent {
        seq += 1
        let roll = Double(random.next() % 1_000_000) / 1_000_000
        let event: DomainEvent
        if roll < libraryShare {
            event = libraryImage()
        } else {
            event = operational((roll - libraryShare) / (1 - libraryShare))
        }
        return event
    }

    /// A `library.image.added` (default id), counted as the next seq's.
    private mutating func libraryImage() -> DomainEvent {
        librarySeqs.append(seq)
        let page = random.next() % 400
        return .libraryImageAdded(LibraryImageAdded(
            imageId: nil, source: "rulebooks/\(BenchStream.games[Int(page % 10)])/page-\(page).png", sha256: hex(64), hash: hex(16),
            width: 64 + Int(random.next() % 1_900), height: 64 + Int(random.next() % 1_400), byteSize: 1_000 + Int(random.next() % 2_000_000), format: "png"))
    }

    private mutating func operational(_ roll: Double) -> DomainEvent {
        switch roll {
        case ..<0.48:
            let hash = random.next()
            let match = librarySeqs.isEmpty ? nil
                : MatchSummary(imageId: LibraryProjection.defaultId(seq: librarySeqs[Int(random.next() % UInt64(librarySeqs.count))]),
                               distance: Int(random.next() % 24), confidence: 0)
            let confidence = match.map { 1 - Double($0.distance) / 64 } ?? 0
            return .extractionCompleted(ExtractionCompleted(
                source: "uploads/\(hex(12)).png", sha256: hex(64), byteSize: 10_000 + Int(random.next() % 3_000_000), format: "png",
                width: 200 + Int(random.next() % 1_800), height: 200 + Int(random.next() % 1_400),
                hash: DifferenceHash(value: hash).hex, hashBase64: DifferenceHash(value: hash).base64, bits: 64,
                durationMs: Double(random.next() % 90_000) / 1_000, match: match.map { MatchSummary(imageId: $0.imageId, distance: $0.distance, confidence: confidence) },
                confidence: confidence, lowConfidence: confidence < 0.8))
        case ..<0.52:
            return .extractionFailed(ExtractionFailed(source: "uploads/\(hex(12)).png", reason: "PNG: bad CRC in IDAT chunk", kind: "undecodable",
                                                      durationMs: Double(random.next() % 5_000) / 1_000, sha256: hex(64), byteSize: Int(random.next() % 100_000)))
        case ..<0.56:
            openItems.append(seq)
            return .reviewItemEnqueued(ReviewItemEnqueued(hash: hex(16), source: "uploads/\(hex(12)).png", candidate: nil, confidence: 0.7))
        case ..<0.59 where !openItems.isEmpty:
            let item = openItems.remove(at: Int(random.next() % UInt64(openItems.count)))
            return .reviewItemResolved(ReviewItemResolved(itemId: ReviewQueueProjection.itemId(seq: item), decision: .accept, imageId: nil, note: nil))
        case ..<0.79:
            return .logRecorded(LogRecorded(level: "info", message: "\(BenchStream.messages[Int(random.next() % 6)]) in \(random.next() % 90) ms",
                                            category: BenchStream.loggers[Int(random.next() % 4)], metadata: .object([("requestId", .string(hex(32)))])))
        case ..<0.94:
            return .metricSampled(MetricSampled(values: ["rss_bytes": Double(random.next() % 400_000_000), "open_fds": Double(random.next() % 200)]))
        case ..<0.9995:
            return .healthChecked(HealthChecked(isPassing: random.next() % 20 != 0, status: "OK", reason: nil))
        case ..<0.99955 where !librarySeqs.isEmpty:
            removedCount += 1
            return .libraryImageRemoved(LibraryImageRemoved(imageId: LibraryProjection.defaultId(seq: librarySeqs[Int(random.next() % UInt64(librarySeqs.count))]), reason: "duplicate"))
        default:
            return .metricsReset(MetricsReset(reason: "deployment"))
        }
    }
}
