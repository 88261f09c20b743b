import CZlib
import Foundation
import Imaging
import TestSupport

/// A sink that records everything a decoder delivers and assembles the full frame.
struct RecordingSink: RowSink {
    /// One delivered fragment, copied.
    struct Fragment: Equatable {
        var y: Int
        var xStart: Int
        var xStep: Int
        var pixelCount: Int
        var bytes: [UInt8]
    }

    var header: ImageHeader?
    var beginCount = 0
    var fragments: [Fragment] = []

    mutating func begin(_ header: ImageHeader) throws(ImagingError) {
        self.header = header
        beginCount += 1
    }

    mutating func consume(_ fragment: RowFragment) throws(ImagingError) {
        precondition(fragment.bytes.count == fragment.pixelCount * header!.layout.bytesPerPixel)
        fragments.append(Fragment(y: fragment.y, xStart: fragment.xStart, xStep: fragment.xStep, pixelCount: fragment.pixelCount, bytes: Array(fragment.bytes)))
    }

    /// The frame the fragments paint, row-major, or nil if a pixel is painted twice or never.
    var frame: [UInt8]? {
        guard let header else { return nil }
        let bpp = header.layout.bytesPerPixel
        var frame = [UInt8](repeating: 0, count: header.width * header.height * bpp)
        var painted = [Bool](repeating: false, count: header.width * header.height)
        for fragment in fragments {
            for i in 0..<fragment.pixelCount {
                let x = fragment.xStart + i * fragment.xStep
                let pixel = fragment.y * header.width + x
                guard x < header.width, fragment.y < header.height, !painted[pixel] else { return nil }
                painted[pixel] = true
                frame[(pixel * bpp)..<(pixel * bpp + bpp)] = fragment.bytes[(i * bpp)..<(i * bpp + bpp)]
            }
        }
        return painted.allSatisfy { $0 } ? frame : nil
    }
}

/// A committed fixture from Fixtures/png, described by manifest.json (see tools/png_fixtures.py).
struct PNGFixture: Decodable, CustomStringConvertible, Sendable {
    let name: String
    let width: Int
    let height: Int
    let colorType: Int
    let bitDepth: Int
    let interlaced: Bool
    let palette: [UInt8]?

    var description: String { name }

    /// Every fixture, in manifest order.
    static let all: [PNGFixture] = {
        let url = Bundle.module.url(forResource: "manifest", withExtension: "json", subdirectory: "Fixtures/png")!
        return try! JSONDecoder().decode([PNGFixture].self, from: Data(contentsOf: url))
    }()

    /// The PNG file.
    var png: [UInt8] { Self.load(name, "png") }

    /// The frame Pillow decodes from it, in the decoder's layout.
    var expectedFrame: [UInt8] { Self.load(name, "bin") }

    private static func load(_ name: String, _ ext: String) -> [UInt8] {
        let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures/png")!
        return Array(try! Data(contentsOf: url))
    }
}

/// Decodes `bytes` fed in pieces of the given sizes (the rest in one piece), returning the sink
/// or the error.
func decode(_ bytes: [UInt8], splits: [Int] = [], limits: DecodingLimits = DecodingLimits()) -> Result<RecordingSink, ImagingError> {
    var sink = RecordingSink()
    var decoder = PNGDecoder(limits: limits)
    do throws(ImagingError) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(ImagingError) in
                var start = 0
                for size in splits where start < buffer.count {
                    let end = min(buffer.count, start + size)
                    try decoder.feed(UnsafeRawBufferPointer(rebasing: buffer[start..<end]), into: &sink)
                    start = end
                }
                try decoder.feed(UnsafeRawBufferPointer(rebasing: buffer[start...]), into: &sink)
            }
        }.get()
        try decoder.finish(into: &sink)
        return .success(sink)
    } catch {
        return .failure(error)
    }
}

/// Random piece sizes (1 ... maxPiece) covering `count` bytes, from `generator`.
func randomSplits(count: Int, maxPiece: Int, using generator: inout SeededGenerator) -> [Int] {
    var splits: [Int] = []
    var total = 0
    while total < count {
        let size = Int.random(in: 1...maxPiece, using: &generator)
        splits.append(size)
        total += size
    }
    return splits
}

/// Builds PNG files chunk by chunk, for hostile and hand-made inputs.
struct PNGBuilder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    var bytes = PNGBuilder.signature

    /// Appends a chunk with a correct CRC unless `crc` is given.
    mutating func chunk(_ type: String, _ data: [UInt8], crc: UInt32? = nil) {
        let typeBytes = Array(type.utf8)
        bytes += bigEndian(UInt32(data.count)) + typeBytes + data
        bytes += bigEndian(crc ?? crc32Of(typeBytes + data))
    }

    /// Appends IHDR.
    mutating func header(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 0, interlace: UInt8 = 0) {
        chunk("IHDR", bigEndian(width) + bigEndian(height) + [bitDepth, colorType, 0, 0, interlace])
    }

    /// Appends `data` compressed into IDAT chunks of at most `chunkSize` bytes.
    mutating func imageData(_ data: [UInt8], chunkSize: Int = .max) {
        let stream = zlibCompress(data)
        var start = 0
        repeat {
            let end = min(stream.count, start + chunkSize)
            chunk("IDAT", Array(stream[start..<end]))
            start = end
        } while start < stream.count
    }

    mutating func end() { chunk("IEND", []) }

    /// A complete `width` × `height` 8-bit grey image with filter-0 rows of `value`.
    static func gray(width: Int, height: Int, value: UInt8 = 7) -> [UInt8] {
        var builder = PNGBuilder()
        builder.header(width: UInt32(width), height: UInt32(height))
        builder.imageData(Array(repeating: ([0] + [UInt8](repeating: value, count: width)), count: height).flatMap { $0 })
        builder.end()
        return builder.bytes
    }
}

func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
}

func crc32Of(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
}

/// zlib-compresses `data` at level 9.
func zlibCompress(_ data: [UInt8]) -> [UInt8] {
    var length = compressBound(UInt(data.count))
    var out = [UInt8](repeating: 0, count: Int(length))
    let status = out.withUnsafeMutableBufferPointer { o in
        data.withUnsafeBufferPointer { i in compress2(o.baseAddress, &length, i.baseAddress, UInt(data.count), 9) }
    }
    precondition(status == Z_OK)
    return Array(out[..<Int(length)])
}
