// The contract between the decoders (PNG, PNM) and the fingerprint pipeline: decoders push rows
// of pixels, already unpacked to whole bytes, into a `RowSink`. Nothing here does I/O.

/// The image formats the decoders read.
public enum ImageFormat: String, Sendable {
    case png
    case pnm
}

/// How the pixels of a decoded row are laid out.
///
/// Samples of 1, 2 and 4 bits are unpacked to one byte each: grey levels scaled to 0...255 by
/// bit replication (×255, ×85, ×17, which is what Pillow's unpackers do), palette indices left
/// as indices. 16-bit colour and grey-with-alpha keep the high byte of each sample (Pillow's
/// `RGB;16B`-style rawmodes). 16-bit grey alone keeps both bytes (`gray16`), because the one
/// deliberate difference from Pillow, scaling instead of clipping, is decided by the pipeline.
public enum PixelLayout: Sendable, Equatable {
    /// One byte per pixel, 0 black ... 255 white.
    case gray
    /// Grey then alpha, one byte each.
    case grayAlpha
    /// Red, green, blue, one byte each.
    case rgb
    /// Red, green, blue, alpha, one byte each.
    case rgba
    /// One byte per pixel: an index into `palette` (validated by the decoder to be in range).
    case palette(Palette)
    /// Two bytes per pixel, big-endian, 0 ... 65535.
    case gray16

    /// Bytes each pixel takes in a `RowFragment`.
    public var bytesPerPixel: Int {
        switch self {
        case .gray, .palette: 1
        case .grayAlpha, .gray16: 2
        case .rgb: 3
        case .rgba: 4
        }
    }
}

/// A PNG palette: up to 256 RGB entries (alpha from `tRNS` is irrelevant to luma and not kept).
public struct Palette: Sendable, Equatable {
    /// Red, green, blue of each entry, 3 bytes per entry.
    public var rgb: [UInt8]

    /// Wraps `rgb`, whose count must be a multiple of 3 and at most 768.
    public init(rgb: [UInt8]) {
        precondition(rgb.count % 3 == 0 && rgb.count <= 768, "palette of \(rgb.count) bytes")
        self.rgb = rgb
    }

    /// Number of entries.
    public var count: Int { rgb.count / 3 }
}

/// What a decoder learned from the header, handed to the sink before any row.
public struct ImageHeader: Sendable, Equatable {
    /// Width in pixels, at least 1.
    public var width: Int
    /// Height in pixels, at least 1.
    public var height: Int
    /// Layout of the pixels in every fragment.
    public var layout: PixelLayout
    /// The container format.
    public var format: ImageFormat
    /// True for Adam7-interlaced PNGs: rows arrive pass by pass, not top to bottom.
    public var isInterlaced: Bool
    /// Bits per sample in the file (1, 2, 4, 8 or 16), for reporting.
    public var sourceBitDepth: Int

    /// Creates a header.
    public init(width: Int, height: Int, layout: PixelLayout, format: ImageFormat, isInterlaced: Bool, sourceBitDepth: Int) {
        self.width = width
        self.height = height
        self.layout = layout
        self.format = format
        self.isInterlaced = isInterlaced
        self.sourceBitDepth = sourceBitDepth
    }
}

/// A run of decoded pixels on one image row.
///
/// Non-interlaced images deliver each row whole, top to bottom: `xStart == 0`, `xStep == 1`,
/// `pixelCount == width`. Adam7 passes deliver the pixels of one pass row: pixel `i` of the
/// fragment belongs at column `xStart + i * xStep` of row `y`.
public struct RowFragment {
    /// The image row, 0-based from the top.
    public var y: Int
    /// Column of the first pixel.
    public var xStart: Int
    /// Distance between consecutive pixels' columns.
    public var xStep: Int
    /// Number of pixels.
    public var pixelCount: Int
    /// `pixelCount × layout.bytesPerPixel` bytes; valid only during the `consume` call.
    public var bytes: UnsafeRawBufferPointer

    /// Creates a fragment.
    public init(y: Int, xStart: Int, xStep: Int, pixelCount: Int, bytes: UnsafeRawBufferPointer) {
        self.y = y
        self.xStart = xStart
        self.xStep = xStep
        self.pixelCount = pixelCount
        self.bytes = bytes
    }
}

/// Receives what a decoder decodes.
public protocol RowSink {
    /// Called once, before any fragment, with the validated header.
    mutating func begin(_ header: ImageHeader) throws(ImagingError)
    /// Called for each decoded row or pass row, in file order.
    mutating func consume(_ fragment: RowFragment) throws(ImagingError)
}
