import Imaging
import Integrity

/// What one pass over an image's bytes gives: the SHA-256 and size of the input, and its
/// fingerprint or why it has none.
public struct ScannedImage: Sendable {
    /// SHA-256 of every byte of the input, lowercase hex.
    public var sha256: String
    /// How many bytes the input has.
    public var byteSize: Int
    /// The 64-bit fingerprint, or why the bytes are not an image this decoder accepts.
    public var fingerprint: Result<Fingerprint, ImagingError>
    /// Time spent decoding and hashing the image (not reading or SHA-256), ms.
    public var durationMs: Double
}

/// Reads an image once, front to back, in chunks: each chunk goes to the SHA-256 and then to
/// the decoder while it is still in the cache, and nothing ever holds the whole file.
///
/// Bytes after a complete image, or after the decoder refused the image, still count for the
/// SHA-256 and the size (they are the input's), but are not decoded.
struct ImageScan {
    /// Bytes per chunk: what `hash` reads at a time.
    static let chunkByteCount = 256 << 10

    private var hasher = SHA256()
    private var stream: FingerprintStream
    private var failure: ImagingError?
    private var byteCount = 0
    private var decoding = Duration.zero

    /// A scan refusing images beyond `limits`.
    init(limits: DecodingLimits) {
        stream = FingerprintStream(size: 8, limits: limits)
    }

    /// The scan of `bytes`, fed chunk by chunk as a file would be.
    static func scan(_ bytes: [UInt8], limits: DecodingLimits) -> ScannedImage {
        var scan = ImageScan(limits: limits)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            repeat {
                let end = min(offset + chunkByteCount, raw.count)
                scan.feed(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                offset = end
            } while offset < raw.count
        }
        return scan.finish()
    }

    /// Consumes the next chunk of the input.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        hasher.update(chunk)
        decode(chunk)
    }

    /// Consumes the next chunk of two inputs: their SHA-256s side by side
    /// (`SHA256.update(_:with:_:with:)`, about 1.5× the bytes per second of one), then each
    /// decoder in turn.
    static func feed(_ a: inout ImageScan, _ first: UnsafeRawBufferPointer, _ b: inout ImageScan, _ second: UnsafeRawBufferPointer) {
        SHA256.update(&a.hasher, with: first, &b.hasher, with: second)
        a.decode(first)
        b.decode(second)
    }

    /// Counts `chunk` and decodes it, unless the image is already complete or refused.
    private mutating func decode(_ chunk: UnsafeRawBufferPointer) {
        byteCount += chunk.count
        guard failure == nil, !stream.isComplete else { return }
        let start = ContinuousClock.now
        do {
            try stream.feed(chunk)
        } catch {
            failure = error
        }
        decoding += ContinuousClock.now - start
    }

    /// Ends the input.
    consuming func finish() -> ScannedImage {
        let fingerprint: Result<Fingerprint, ImagingError>
        if let failure {
            fingerprint = .failure(failure)
        } else {
            let start = ContinuousClock.now
            fingerprint = Result { () throws(ImagingError) in try stream.finish() }
            decoding += ContinuousClock.now - start
        }
        return ScannedImage(sha256: hasher.finalize().hex, byteSize: byteCount, fingerprint: fingerprint,
                            durationMs: decoding.seconds * 1000)
    }
}
