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

extension Engine {
    /// Extracts the image file at `path` (read through the syscall funnel, at most
    /// `maxImageBytes`): see `extract(bytes:source:requestId:)`. A file that cannot be read is
    /// recorded as a failed extraction too.
    public func extract(path: String, source: String? = nil, requestId: String? = nil) async throws(EngineError) -> ExtractionOutcome {
        let loader = ImageFileLoader(kernel: configuration.kernel, maxBytes: configuration.maxImageBytes)
        switch loader.load(path) {
        case .success(let bytes):
            return try await extract(bytes: bytes, source: source ?? path, requestId: requestId)
        case .failure(let error):
            let failed = ExtractionFailed(source: source ?? path, reason: error.reason, kind: error.kind.rawValue, durationMs: nil, sha256: nil, byteSize: nil)
            return try await record(failed, kind: error.kind, requestId: requestId)
        }
    }

    /// Decodes and hashes `bytes`, matches the hash against the library (nearest by Hamming
    /// distance, ties to the image added first), and appends `extraction.completed` — with
    /// `lcm.enqueued` in the same frame when the confidence is below the threshold — or
    /// `extraction.failed`. Returns once the events are folded. Throws only when nothing could
    /// be recorded (the journal failed); a bad image is an outcome, not an error.
    public func extract(bytes: [UInt8], source: String?, requestId: String? = nil) async throws(EngineError) -> ExtractionOutcome {
        let sha256 = SHA256.hash(bytes).hex
        let start = ContinuousClock.now
        let fingerprint: Fingerprint
        do {
            fingerprint = try Fingerprinter.fingerprint(bytes, size: 8, limits: configuration.decodingLimits)
        } catch {
            let failed = ExtractionFailed(source: source, reason: error.description, kind: ImageReadFailure.undecodable.rawValue,
                                          durationMs: Self.milliseconds(since: start), sha256: sha256, byteSize: bytes.count)
            return try await record(failed, kind: .undecodable, requestId: requestId)
        }
        let durationMs = Self.milliseconds(since: start)
        let hashValue = fingerprint.hash.value ?? 0
        let match = read { $0.library.nearest(to: hashValue) }
        let confidence = match?.confidence ?? 0
        let isLow = confidence < configuration.lowConfidenceThreshold
        let completed = ExtractionCompleted(
            source: source, sha256: sha256, byteSize: bytes.count, format: fingerprint.format.rawValue,
            width: fingerprint.width, height: fingerprint.height, hash: fingerprint.hash.hex, hashBase64: fingerprint.hash.base64,
            bits: 64, durationMs: durationMs, match: match, confidence: confidence, lowConfidence: isLow)
        var events: [DomainEvent] = [.extractionCompleted(completed)]
        if isLow {
            events.append(.reviewItemEnqueued(ReviewItemEnqueued(hash: completed.hash, source: source, candidate: match, confidence: confidence)))
        }
        let receipt = try await append(events, requestId: requestId)
        return ExtractionOutcome(seq: receipt.seqs.lowerBound, timestamp: receipt.timestamp, requestId: requestId, result: .success(completed),
                                 reviewItemId: isLow ? ReviewQueueProjection.itemId(seq: receipt.seqs.upperBound) : nil)
    }

    /// Appends a failed extraction and returns it as the outcome.
    private func record(_ failed: ExtractionFailed, kind: ImageReadFailure, requestId: String?) async throws(EngineError) -> ExtractionOutcome {
        let receipt = try await append([.extractionFailed(failed)], requestId: requestId)
        return ExtractionOutcome(seq: receipt.seqs.lowerBound, timestamp: receipt.timestamp, requestId: requestId,
                                 result: .failure(ExtractionFailure(kind: kind, event: failed)), reviewItemId: nil)
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return elapsed.seconds * 1000
    }
}
