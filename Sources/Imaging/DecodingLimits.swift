/// Bounds a decoder and the fingerprint pipeline enforce before they allocate anything, so a
/// hostile header (a PNM claiming 10⁹ × 10⁹ pixels) is refused early with `.tooManyPixels`.
///
/// Every limit is checked against what the header *claims*, before any buffer is sized from it.
public struct DecodingLimits: Sendable, Equatable {
    /// Largest width × height accepted.
    public var maxPixelCount: Int
    /// Largest width × height accepted for Adam7-interlaced images, whose rows arrive out of order,
    /// so the pipeline keeps one byte of luma per pixel until the last pass.
    public var maxInterlacedPixelCount: Int

    /// The defaults: 100 megapixels, and 64 Mi pixels (64 MiB of luma) for interlaced images.
    public init(maxPixelCount: Int = 100_000_000, maxInterlacedPixelCount: Int = 64 << 20) {
        self.maxPixelCount = maxPixelCount
        self.maxInterlacedPixelCount = maxInterlacedPixelCount
    }
}
