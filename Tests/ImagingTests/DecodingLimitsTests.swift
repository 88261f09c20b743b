import Imaging
import Testing

/// `DecodingLimits.allowing(pixels:)`: raising the pixel limit raises the decompressed-size limit
/// with it, so no PNG within the pixel limit is refused for its size.
@Suite struct DecodingLimitsTests {
    /// Only the signature and IHDR: a decoder that accepts the header then reports truncation.
    private func headerOnly(width: UInt32, height: UInt32, bitDepth: UInt8, colorType: UInt8) -> [UInt8] {
        var builder = PNGBuilder()
        builder.header(width: width, height: height, bitDepth: bitDepth, colorType: colorType)
        return builder.bytes
    }

    private func refusal(_ bytes: [UInt8], _ limits: DecodingLimits) -> ImagingError.Code? {
        if case .failure(let error) = decode(bytes, limits: limits) { return error.code }
        return nil
    }

    @Test(arguments: [1, 1000, 100_000_000, 150_000_000, 1 << 40])
    func sizeLimitCoversTheLargestImageOfThatManyPixels(_ pixels: Int) {
        let limits = DecodingLimits.allowing(pixels: pixels)
        #expect(limits.maxPixelCount == pixels)
        #expect(limits.maxDecompressedByteCount >= 9 * pixels)
        #expect(limits.maxDecompressedByteCount >= DecodingLimits().maxDecompressedByteCount)
        #expect(limits.maxInterlacedPixelCount == DecodingLimits().maxInterlacedPixelCount)
    }

    @Test func the100MegapixelDefaultAlreadyCoversEveryLayout() {
        let defaults = DecodingLimits()
        #expect(defaults.maxDecompressedByteCount >= DecodingLimits.maxDecompressedBytesPerPixel * defaults.maxPixelCount)
    }

    /// 16-bit RGBA, 8 bytes a pixel: 16000 × 10000 inflates to 1.28 GB, above the 1 GiB default;
    /// one pixel wide, the filter bytes make it 9 bytes a pixel, the worst case.
    @Test(arguments: [(UInt32(16_000), UInt32(10_000)), (1, 150_000_000)])
    func raisedPixelLimitAcceptsSixteenBitRGBA(_ width: UInt32, _ height: UInt32) {
        let file = headerOnly(width: width, height: height, bitDepth: 16, colorType: 6)
        let pixels = Int(width) * Int(height)
        #expect(refusal(file, DecodingLimits(maxPixelCount: pixels)) == .tooMuchData)
        #expect(refusal(file, .allowing(pixels: pixels)) == .truncated)
        #expect(refusal(file, .allowing(pixels: pixels - 1)) == .tooManyPixels)
    }
}
