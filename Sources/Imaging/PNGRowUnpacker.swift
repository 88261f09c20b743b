/// Turns reconstructed PNG scanline bytes into the `PixelLayout` the sink expects, the way
/// Pillow's unpackers do.
///
/// - Grey of 1, 2 or 4 bits: one byte per pixel, scaled by bit replication (×255, ×85, ×17).
/// - Palette of 1, 2 or 4 bits: one index byte per pixel; every index is checked against the
///   palette size, at 8 bits too.
/// - 16-bit RGB, RGBA and grey + alpha: the high (first) byte of each sample.
/// - 8-bit everything and 16-bit grey (`gray16`): the scanline itself, no copy.
struct PNGRowUnpacker {
    private enum Conversion {
        case none
        case scaledGray(bits: Int)
        case paletteIndices(bits: Int)
        case highBytes(samplesPerPixel: Int)
    }

    private let conversion: Conversion
    /// For depths below 8: what each input byte unpacks to (see `expansionTable`); else empty.
    private let expansion: [UInt64]
    /// Palette entries; indices at or above it are refused. 256 when there is no palette.
    let paletteCount: Int

    /// Bytes the output row needs: 0 when rows are delivered in place.
    let outputByteCountPerPixel: Int

    /// An unpacker for `header`'s rows, checking indices against `paletteCount` entries.
    init(header: PNGHeader, paletteCount: Int) {
        self.paletteCount = paletteCount
        switch (header.colorType, header.bitDepth) {
        case (.gray, 1), (.gray, 2), (.gray, 4): conversion = .scaledGray(bits: header.bitDepth)
        case (.palette, _): conversion = .paletteIndices(bits: header.bitDepth)
        case (.gray, _): conversion = .none
        case (_, 16): conversion = .highBytes(samplesPerPixel: header.colorType.channelCount)
        default: conversion = .none
        }
        switch conversion {
        case .scaledGray(let bits):
            expansion = Self.expansionTable(bits: bits, scale: bits == 1 ? 255 : (bits == 2 ? 85 : 17))
        case .paletteIndices(let bits) where bits < 8:
            expansion = Self.expansionTable(bits: bits, scale: 1)
        default:
            expansion = []
        }
        switch conversion {
        case .none: outputByteCountPerPixel = 0
        case .paletteIndices(let bits): outputByteCountPerPixel = bits == 8 ? 0 : 1
        case .scaledGray: outputByteCountPerPixel = 1
        case .highBytes(let samples): outputByteCountPerPixel = samples
        }
    }

    /// Unpacks `pixelCount` pixels of the scanline `raw` into `output` (which has room for
    /// `pixelCount × outputByteCountPerPixel` bytes) and returns the bytes to deliver: `raw` itself
    /// or `output`. Returns the column within the row of the first bad palette index as the error.
    func unpack(
        _ raw: UnsafePointer<UInt8>, pixelCount: Int, into output: UnsafeMutablePointer<UInt8>?
    ) -> Result<UnsafePointer<UInt8>, BadPaletteIndex> {
        switch conversion {
        case .none:
            return .success(raw)
        case .scaledGray(let bits):
            unpackBits(raw, pixelCount: pixelCount, bits: bits, into: output!)
            return .success(UnsafePointer(output!))
        case .paletteIndices(let bits):
            let indices: UnsafePointer<UInt8>
            if bits == 8 {
                indices = raw
            } else {
                unpackBits(raw, pixelCount: pixelCount, bits: bits, into: output!)
                indices = UnsafePointer(output!)
            }
            if paletteCount < 256 {
                // One branch-free pass for the common valid row; find the culprit only on failure.
                var largest: UInt8 = 0
                for i in 0..<pixelCount { largest = max(largest, indices[i]) }
                if Int(largest) >= paletteCount {
                    let column = (0..<pixelCount).first { Int(indices[$0]) >= paletteCount }!
                    return .failure(BadPaletteIndex(index: Int(indices[column]), pixel: column, paletteCount: paletteCount))
                }
            }
            return .success(indices)
        case .highBytes(let samplesPerPixel):
            let output = output!
            for i in 0..<(pixelCount * samplesPerPixel) { output[i] = raw[2 * i] }
            return .success(UnsafePointer(output))
        }
    }

    /// Spreads `bits`-wide samples, most significant first, to one byte each, scaled as the
    /// `expansion` table says (grey levels ×255/×85/×17, palette indices unscaled).
    ///
    /// Whole input bytes go through the table: one load and one 2-, 4- or 8-byte store each.
    private func unpackBits(_ raw: UnsafePointer<UInt8>, pixelCount: Int, bits: Int, into output: UnsafeMutablePointer<UInt8>) {
        let perByte = 8 / bits
        let wholeBytes = pixelCount / perByte
        let destination = UnsafeMutableRawPointer(output)
        expansion.withUnsafeBufferPointer { table in
            switch bits {
            case 1:
                for i in 0..<wholeBytes { destination.storeBytes(of: table[Int(raw[i])].littleEndian, toByteOffset: i * 8, as: UInt64.self) }
            case 2:
                for i in 0..<wholeBytes { destination.storeBytes(of: UInt32(truncatingIfNeeded: table[Int(raw[i])]).littleEndian, toByteOffset: i * 4, as: UInt32.self) }
            default:
                for i in 0..<wholeBytes { destination.storeBytes(of: UInt16(truncatingIfNeeded: table[Int(raw[i])]).littleEndian, toByteOffset: i * 2, as: UInt16.self) }
            }
            let pixel = wholeBytes * perByte
            if pixel < pixelCount {
                let entry = table[Int(raw[wholeBytes])]
                for k in 0..<(pixelCount - pixel) { output[pixel + k] = UInt8(truncatingIfNeeded: entry >> (8 * k)) }
            }
        }
    }

    /// For each byte value, the `8 / bits` output bytes it unpacks to (first pixel in the low byte).
    private static func expansionTable(bits: Int, scale: UInt8) -> [UInt64] {
        let mask = UInt8(truncatingIfNeeded: (1 << bits) - 1)
        return (0...255).map { (byte: Int) -> UInt64 in
            var entry: UInt64 = 0
            for k in 0..<(8 / bits) {
                let sample = (UInt8(byte) >> UInt8(8 - bits * (k + 1))) & mask
                entry |= UInt64(sample &* scale) << (8 * k)
            }
            return entry
        }
    }
}

/// A palette index outside the palette, found while unpacking a row.
struct BadPaletteIndex: Error {
    /// The index found.
    let index: Int
    /// Its position in the pass row.
    let pixel: Int
    /// Entries in the palette.
    let paletteCount: Int
}
