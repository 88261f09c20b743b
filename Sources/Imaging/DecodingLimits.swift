/// Bounds a decoder enforces before it allocates or inflates anything, so a hostile file (a zlib
/// bomb, a header claiming 2³¹ × 2³¹ pixels, a chunk claiming 4 GiB) is refused early.
///
/// Every limit is checked against what the header *claims*, before any buffer is sized from it.
/// Memory a decoder allocates is proportional to the image width (a few scanlines), never to
/// width × height; the pixel limits protect the pipeline, which may keep a frame-sized buffer for
/// interlaced images, and bound the time spent inflating.
public struct DecodingLimits: Sendable, Equatable {
    /// Largest width × height accepted; larger images are refused with `.tooManyPixels`.
    public var maxPixelCount: Int
    /// Largest width × height accepted for Adam7-interlaced images, whose rows arrive out of order
    /// so the pipeline keeps one byte per pixel until the last pass; refused with `.tooManyPixels`.
    public var maxInterlacedPixelCount: Int
    /// Largest total of decompressed bytes (filter bytes included) the header may imply; refused
    /// with `.tooMuchData`. Inflate output never exceeds what the header implies in any case.
    public var maxDecompressedByteCount: Int
    /// Largest chunk length accepted; chunk data is streamed, never buffered whole, so this bounds
    /// time, not memory. The PNG format itself caps lengths at 2³¹ − 1.
    public var maxChunkLength: Int

    /// The defaults: 100 megapixels (interlaced too), 1 GiB decompressed, chunks up to 2³¹ − 1 bytes.
    public init(
        maxPixelCount: Int = 100_000_000,
        maxInterlacedPixelCount: Int = 100_000_000,
        maxDecompressedByteCount: Int = 1 << 30,
        maxChunkLength: Int = 0x7FFF_FFFF
    ) {
        self.maxPixelCount = maxPixelCount
        self.maxInterlacedPixelCount = maxInterlacedPixelCount
        self.maxDecompressedByteCount = maxDecompressedByteCount
        self.maxChunkLength = maxChunkLength
    }
}
