/// Pillow 13's `convert("L")` for each `PixelLayout`, one row of pixels at a time.
///
/// - `.gray`: as is. `.grayAlpha`: the grey byte (alpha ignored, as Pillow's `la2l`).
/// - `.rgb`, `.rgba`: ITU-R 601-2 luma in Pillow's fixed point (its `L24` macro, `rgb2l`):
///   `(R × 19595 + G × 38470 + B × 7471 + 0x8000) >> 16`; alpha ignored.
/// - `.palette`: the same luma of each palette entry's RGB (Pillow's `p2l`), precomputed for all
///   256 indices; indices beyond the palette map to 0 (decoders refuse them anyway).
/// - `.gray16`: the high byte, `v >> 8`. This is the one deliberate difference from Pillow,
///   which opens 16-bit grey as mode "I;16"/"I" and clips every value above 255 to white.
struct LumaConverter {
    private enum Kind {
        case gray, grayAlpha, rgb, rgba, gray16
        case palette([UInt8])
    }

    private let kind: Kind

    /// A converter for rows laid out as `layout`.
    init(layout: PixelLayout) {
        switch layout {
        case .gray: kind = .gray
        case .grayAlpha: kind = .grayAlpha
        case .rgb: kind = .rgb
        case .rgba: kind = .rgba
        case .gray16: kind = .gray16
        case .palette(let palette):
            var table = [UInt8](repeating: 0, count: 256)
            for index in 0..<palette.count {
                table[index] = Self.luma(palette.rgb[3 * index], palette.rgb[3 * index + 1], palette.rgb[3 * index + 2])
            }
            kind = .palette(table)
        }
    }

    /// True when rows are already luma and can be used without conversion.
    var isIdentity: Bool {
        if case .gray = kind { return true }
        return false
    }

    /// Pillow's fixed-point ITU-R 601-2 luma of one RGB triple.
    @inline(__always)
    static func luma(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> UInt8 {
        let sum = UInt32(red) &* 19595 &+ UInt32(green) &* 38470 &+ UInt32(blue) &* 7471 &+ 0x8000
        return UInt8(truncatingIfNeeded: sum >> 16)
    }

    /// Writes the luma of `count` pixels read from `source` to `target`, `target` advancing by
    /// `targetStride` bytes per pixel (1 for whole rows, the Adam7 step for pass fragments).
    func convert(_ source: UnsafePointer<UInt8>, count: Int, into target: UnsafeMutablePointer<UInt8>, targetStride: Int = 1) {
        switch kind {
        case .gray:
            for i in 0..<count { target[i * targetStride] = source[i] }
        case .grayAlpha:
            for i in 0..<count { target[i * targetStride] = source[2 * i] }
        case .gray16:
            for i in 0..<count { target[i * targetStride] = source[2 * i] }
        case .rgb:
            for i in 0..<count {
                target[i * targetStride] = Self.luma(source[3 * i], source[3 * i + 1], source[3 * i + 2])
            }
        case .rgba:
            for i in 0..<count {
                target[i * targetStride] = Self.luma(source[4 * i], source[4 * i + 1], source[4 * i + 2])
            }
        case .palette(let table):
            table.withUnsafeBufferPointer { table in
                for i in 0..<count { target[i * targetStride] = table[Int(source[i])] }
            }
        }
    }
}
