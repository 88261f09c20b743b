/// Bounds the decoders and the fingerprint pipeline enforce before they allocate or inflate
/// anything, so a hostile file (a PNM claiming 10⁹ × 10⁹ pixels, a zlib bomb, a PNG chunk
/// claiming 2 GiB) is refused early.
///
/// Every limit is checked against what the header *claims*, before any buffer is sized from it.
/// Decoders keep memory proportional to the image width (a few rows), never to width × height;
/// the pixel limits protect the pipeline, which keeps a frame-sized buffer for interlaced
/// images, and bound the time spent decoding.
public struct DecodingLimits: Sendable, Equatable {
    /// Largest width × height accepted; larger images are refused with `.tooManyPixels`.
    public var maxPixelCount: Int
    /// Largest width × height accepted for Adam7-interlaced images, whose rows arrive out of order,
    /// so the pipeline keeps one byte of luma per pixel until the last pass.
    public var maxInterlacedPixelCount: Int
    /// Largest total of decompressed PNG image data (filter bytes included) the header may imply;
    /// larger is refused with `.tooMuchData`. Inflate never produces more than the header implies
    /// in any case.
    public var maxDecompressedByteCount: Int
    /// Largest PNG chunk length accepted, refused with `.tooMuchData`. Chunk data is streamed,
    /// never buffered whole, so this bounds time, not memory; PNG itself caps lengths at 2³¹ − 1.
    public var maxChunkLength: Int

    /// The defaults: 100 megapixels, 64 Mi pixels (64 MiB of luma) for interlaced images, 1 GiB of
    /// decompressed PNG data, chunks up to PNG's own maximum.
    public init(
        maxPixelCount: Int = 100_000_000,
        maxInterlacedPixelCount: Int = 64 << 20,
        maxDecompressedByteCount: Int = 1 << 30,
        maxChunkLength: Int = 0x7FFF_FFFF
    ) {
        self.maxPixelCount = maxPixelCount
        self.maxInterlacedPixelCount = maxInterlacedPixelCount
        self.maxDecompressedByteCount = maxDecompressedByteCount
        self.maxChunkLength = maxChunkLength
    }
}
