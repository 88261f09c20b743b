import Imaging
import Integrity
import Journal

/// What one extraction recorded and returned.
public struct ExtractionOutcome: Sendable {
    /// The seq of its `extraction.completed` or `extraction.failed` event.
    public var seq: UInt64
    /// The commit timestamp, µs.
    public var timestamp: UInt64
    /// The request it belongs to.
    public var requestId: String?
    /// What was recorded: the result, or why there is none.
    public var result: Result<ExtractionCompleted, ExtractionFailure>
    /// The review item opened for a low-confidence match (`lcm-<seq>`).
    public var reviewItemId: String?
}

/// An extraction that failed, as recorded in its `extraction.failed` event.
public struct ExtractionFailure: Error, Sendable {
    /// What kind of failure (`missing` → HTTP 404, `undecodable` → 422, …).
    public var kind: ImageReadFailure
    /// The event's data.
    public var event: ExtractionFailed
}

/// An image file read once (SHA-256, size, fingerprint), or why it could not be, before it is
/// matched: what `Engine.scanFile` gives. It needs no engine, so a command can read its first
/// files while the engine opens.
public struct ScannedFile: Sendable {
    fileprivate enum Content: Sendable {
        case scanned(ScannedImage)
        case unreadable(ImageReadError)
    }

    fileprivate var content: Content
    /// What the extraction records as the source.
    fileprivate var source: String

    fileprivate init(_ scan: Result<ScannedImage, ImageReadError>, source: String) {
        switch scan {
        case .success(let scanned): content = .scanned(scanned)
        case .failure(let error): content = .unreadable(error)
        }
        self.source = source
    }
}

/// An extraction read, decoded, hashed and matched, but not yet recorded: what
/// `Engine.prepareExtraction` gives and `Engine.record` appends.
///
/// Splitting the two lets a caller keep its threads on the CPU-bound part while earlier files
/// wait for their commit (`extract` does).
public struct PreparedExtraction: Sendable {
    fileprivate enum Result: Sendable {
        case completed(ExtractionCompleted)
        case failed(ExtractionFailed, ImageReadFailure)
    }

    fileprivate var result: Result
}

extension Engine {
    /// Extracts the image file at `path`: `prepareExtraction(path:source:)`, then `record`.
    public func extract(path: String, source: String? = nil, requestId: String? = nil) async throws(EngineError) -> ExtractionOutcome {
        try await record(prepareExtraction(path: path, source: source), requestId: requestId)
    }

    /// Extracts `bytes`: `prepareExtraction(bytes:source:)`, then `record`.
    public func extract(bytes: [UInt8], source: String?, requestId: String? = nil) async throws(EngineError) -> ExtractionOutcome {
        try await record(prepareExtraction(bytes: bytes, source: source), requestId: requestId)
    }

    /// Reads the image file at `path` in one pass (through `configuration`'s syscall funnel,
    /// at most `maxImageBytes`, one chunk in memory at a time); `source` (default `path`) is
    /// what its extraction records.
    public static func scanFile(path: String, source: String? = nil, configuration: EngineConfiguration) -> ScannedFile {
        let loader = ImageFileLoader(kernel: configuration.kernel, maxBytes: configuration.maxImageBytes)
        return ScannedFile(loader.scan(path, limits: configuration.decodingLimits), source: source ?? path)
    }

    /// Reads the image files `claim` hands out (nil: no more) as `scanFile` reads one, two at a
    /// time side by side (`ImageFileScanner`): each, once read, with the index `claim` gave it.
    /// What each `extract` worker reads its files with.
    public static func scanFiles(configuration: EngineConfiguration,
                                 claim: @escaping () -> (index: Int, path: String)?) -> AnyIterator<(Int, ScannedFile)> {
        let loader = ImageFileLoader(kernel: configuration.kernel, maxBytes: configuration.maxImageBytes)
        let scanner = ImageFileScanner(loader: loader, limits: configuration.decodingLimits, claim: claim)
        return AnyIterator { scanner.next().map { ($0.index, ScannedFile($0.scan, source: $0.path)) } }
    }

    /// `scanFile`, then `prepareExtraction(_:)`.
    public func prepareExtraction(path: String, source: String? = nil) -> PreparedExtraction {
        prepareExtraction(Self.scanFile(path: path, source: source, configuration: configuration))
    }

    /// Matches a scanned file as `prepareExtraction(bytes:source:)` does; a file that could not
    /// be read becomes a failed extraction too.
    public func prepareExtraction(_ file: ScannedFile) -> PreparedExtraction {
        switch file.content {
        case .scanned(let scanned):
            return prepareExtraction(scanned, source: file.source)
        case .unreadable(let error):
            let failed = ExtractionFailed(source: file.source, reason: error.reason, kind: error.kind.rawValue, durationMs: nil, sha256: nil, byteSize: nil)
            return PreparedExtraction(result: .failed(failed, error.kind))
        }
    }

    /// Takes the SHA-256 of `bytes`, decodes and hashes them, and matches the hash against the
    /// library (nearest by Hamming distance, ties to the image added first): the
    /// `extraction.completed` to append — low-confidence when below the threshold — or the
    /// `extraction.failed` of a bad image. Appends nothing.
    public func prepareExtraction(bytes: [UInt8], source: String?) -> PreparedExtraction {
        prepareExtraction(ImageScan.scan(bytes, limits: configuration.decodingLimits), source: source)
    }

    private func prepareExtraction(_ scanned: ScannedImage, source: String?) -> PreparedExtraction {
        let fingerprint: Fingerprint
        switch scanned.fingerprint {
        case .success(let value):
            fingerprint = value
        case .failure(let error):
            let failed = ExtractionFailed(source: source, reason: error.description, kind: ImageReadFailure.undecodable.rawValue,
                                          durationMs: scanned.durationMs, sha256: scanned.sha256, byteSize: scanned.byteSize)
            return PreparedExtraction(result: .failed(failed, .undecodable))
        }
        let hashValue = fingerprint.hash.value ?? 0
        let match = read { $0.library.nearest(to: hashValue) }
        let confidence = match?.confidence ?? 0
        let completed = ExtractionCompleted(
            source: source, sha256: scanned.sha256, byteSize: scanned.byteSize, format: fingerprint.format.rawValue,
            width: fingerprint.width, height: fingerprint.height, hash: fingerprint.hash.hex, hashBase64: fingerprint.hash.base64,
            bits: 64, durationMs: scanned.durationMs, match: match, confidence: confidence,
            lowConfidence: confidence < configuration.lowConfidenceThreshold)
        return PreparedExtraction(result: .completed(completed))
    }

    /// Appends a prepared extraction — `extraction.completed`, with `lcm.enqueued` in the same
    /// frame when it is low-confidence, or `extraction.failed` — and returns once it is folded.
    /// Throws only when nothing could be recorded (the journal failed); a bad image is an
    /// outcome, not an error.
    public func record(_ prepared: PreparedExtraction, requestId: String? = nil) async throws(EngineError) -> ExtractionOutcome {
        switch prepared.result {
        case .completed(let completed):
            var events: [DomainEvent] = [.extractionCompleted(completed)]
            if completed.lowConfidence {
                let item = ReviewItemEnqueued(hash: completed.hash, source: completed.source, candidate: completed.match, confidence: completed.confidence)
                events.append(.reviewItemEnqueued(item))
            }
            let receipt = try await append(events, requestId: requestId)
            return ExtractionOutcome(seq: receipt.seqs.lowerBound, timestamp: receipt.timestamp, requestId: requestId, result: .success(completed),
                                     reviewItemId: completed.lowConfidence ? ReviewQueueProjection.itemId(seq: receipt.seqs.upperBound) : nil)
        case .failed(let failed, let kind):
            let receipt = try await append([.extractionFailed(failed)], requestId: requestId)
            return ExtractionOutcome(seq: receipt.seqs.lowerBound, timestamp: receipt.timestamp, requestId: requestId,
                                     result: .failure(ExtractionFailure(kind: kind, event: failed)), reviewItemId: nil)
        }
    }
}
