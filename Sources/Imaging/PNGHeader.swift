// IHDR, the PNG header chunk: 13 bytes of data, big-endian.
//
//   offset  size  field
//   0       4     width, 1 ... 2³¹ − 1
//   4       4     height, 1 ... 2³¹ − 1
//   8       1     bit depth: 1, 2, 4, 8 or 16, restricted by colour type (below)
//   9       1     colour type: 0 grey (1/2/4/8/16), 2 RGB (8/16), 3 palette (1/2/4/8),
//                 4 grey + alpha (8/16), 6 RGBA (8/16)
//   10      1     compression method: 0 (zlib deflate, window ≤ 32 KiB)
//   11      1     filter method: 0 (the five adaptive filters, one type byte per scanline)
//   12      1     interlace method: 0 none, 1 Adam7

/// The validated contents of a PNG's IHDR chunk and what follows from them: scanline sizes,
/// interlace passes, the decompressed size and the row layout handed to the sink.
struct PNGHeader: Equatable {
    /// The five legal PNG colour types.
    enum ColorType: UInt8 {
        case gray = 0
        case rgb = 2
        case palette = 3
        case grayAlpha = 4
        case rgba = 6

        /// Samples per pixel in the file.
        var channelCount: Int {
            switch self {
            case .gray, .palette: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        /// Whether the PNG specification allows `bitDepth` with this colour type.
        func allows(bitDepth: Int) -> Bool {
            switch self {
            case .gray: [1, 2, 4, 8, 16].contains(bitDepth)
            case .palette: [1, 2, 4, 8].contains(bitDepth)
            case .rgb, .grayAlpha, .rgba: bitDepth == 8 || bitDepth == 16
            }
        }
    }

    /// The IHDR data length the format requires.
    static let byteCount = 13

    /// Width in pixels, at least 1.
    let width: Int
    /// Height in pixels, at least 1.
    let height: Int
    /// Bits per sample: 1, 2, 4, 8 or 16.
    let bitDepth: Int
    /// The colour type.
    let colorType: ColorType
    /// True for Adam7 interlace.
    let isInterlaced: Bool
    /// The non-empty passes whose scanlines make up the image data, in file order.
    let passes: [PNGPass]
    /// Total bytes the zlib stream must inflate to: every scanline of every pass, filter bytes included.
    let decompressedByteCount: Int

    /// Parses and validates IHDR's 13 data bytes, refusing what `limits` forbids before the caller
    /// allocates anything. `offset` is where the chunk starts in the input, for errors.
    init(parsing data: UnsafeRawBufferPointer, chunkOffset offset: Int, limits: DecodingLimits) throws(ImagingError) {
        precondition(data.count == Self.byteCount)
        func refuse(_ code: ImagingError.Code, _ message: String) -> ImagingError {
            ImagingError(code, message, offset: offset, chunk: "IHDR")
        }
        let width = Int(data.loadBigEndianUInt32(at: 0))
        let height = Int(data.loadBigEndianUInt32(at: 4))
        guard width >= 1, height >= 1, width <= 0x7FFF_FFFF, height <= 0x7FFF_FFFF else {
            throw refuse(.badHeader, "image size \(width)×\(height) is invalid: width and height must be 1 ... 2147483647")
        }
        let bitDepth = Int(data[8])
        guard let colorType = ColorType(rawValue: data[9]) else {
            throw refuse(.badHeader, "colour type \(data[9]) is not a PNG colour type (0, 2, 3, 4 or 6)")
        }
        guard colorType.allows(bitDepth: bitDepth) else {
            throw refuse(.badHeader, "bit depth \(bitDepth) is not allowed with colour type \(colorType.rawValue)")
        }
        guard data[10] == 0 else { throw refuse(.badHeader, "compression method \(data[10]) is unknown; PNG defines only 0 (deflate)") }
        guard data[11] == 0 else { throw refuse(.badHeader, "filter method \(data[11]) is unknown; PNG defines only 0") }
        guard data[12] <= 1 else { throw refuse(.badHeader, "interlace method \(data[12]) is unknown; PNG defines 0 (none) and 1 (Adam7)") }
        let isInterlaced = data[12] == 1

        // Both factors are below 2³¹, so the product cannot overflow a 64-bit Int.
        let pixelCount = width * height
        guard pixelCount <= limits.maxPixelCount else {
            throw refuse(.tooManyPixels, "image of \(width)×\(height) = \(pixelCount) pixels exceeds the limit of \(limits.maxPixelCount); raise the pixel limit to accept it")
        }
        // Raising the pixel limit does not help here: the interlaced limit bounds the frame buffer.
        guard !isInterlaced || pixelCount <= limits.maxInterlacedPixelCount else {
            throw refuse(.tooManyPixels, "interlaced image of \(width)×\(height) = \(pixelCount) pixels exceeds the limit of \(limits.maxInterlacedPixelCount) for interlaced images, which are buffered whole; save it non-interlaced to hash it")
        }
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.colorType = colorType
        self.isInterlaced = isInterlaced
        self.passes = PNGPass.passes(width: width, height: height, isInterlaced: isInterlaced)

        let bitsPerPixel = colorType.channelCount * bitDepth
        var total = 0
        for pass in passes {
            // At most 2³¹ pixels × 64 bits and 2³¹ rows: no overflow once the pixel count is bounded,
            // but a caller may set the limits to Int.max, so check anyway.
            let rowBytes = (pass.width * bitsPerPixel + 7) / 8
            let (passBytes, overflow) = (rowBytes + 1).multipliedReportingOverflow(by: pass.height)
            guard !overflow, total <= Int.max - passBytes else { total = Int.max; break }
            total += passBytes
        }
        guard total <= limits.maxDecompressedByteCount else {
            throw refuse(.tooMuchData, "image of \(width)×\(height) at \(bitsPerPixel) bits per pixel inflates to \(total) bytes, above the limit of \(limits.maxDecompressedByteCount); raise the decompressed-size limit to accept it")
        }
        self.decompressedByteCount = total
    }

    /// Bits each pixel takes in a scanline.
    var bitsPerPixel: Int { colorType.channelCount * bitDepth }

    /// The byte distance filters look back ("bpp" in the PNG specification): whole bytes per
    /// pixel, at least 1 for depths below 8.
    var filterStride: Int { max(1, bitsPerPixel / 8) }

    /// Bytes of pixel data in a scanline of `pixelCount` pixels, without the filter byte.
    func rowByteCount(pixelCount: Int) -> Int { (pixelCount * bitsPerPixel + 7) / 8 }

    /// Pixels in the widest pass row: the width, or for Adam7 the width of pass 7 (or 6 for one-row images).
    var widestPassWidth: Int { passes.map(\.width).max()! }

    /// Bytes in the widest scanline of any pass, filter byte excluded.
    var widestRowByteCount: Int { rowByteCount(pixelCount: widestPassWidth) }

    /// The layout rows are delivered in; `palette` is the PLTE contents for colour type 3.
    func layout(palette: Palette?) -> PixelLayout {
        switch colorType {
        case .gray: bitDepth == 16 ? .gray16 : .gray
        case .grayAlpha: .grayAlpha
        case .rgb: .rgb
        case .rgba: .rgba
        case .palette: .palette(palette ?? Palette(rgb: []))
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The big-endian 32-bit value at `offset`, read byte by byte (no alignment needed).
    func loadBigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }
}
