// Reconstruction of two consecutive scanlines at once, for the filters whose every pixel waits
// on the one before it (Average and Paeth).
//
// One such row runs at the latency of its per-pixel dependency chain. The second row's pixel i
// needs only the first row's pixels i − 1 and i, so computing both rows in one loop gives the
// processor two independent chains to overlap: greyscale Paeth decodes ~1.5× faster.

extension PNGFilter {
    /// Whether `reconstructPair` handles two consecutive rows filtered with `type`, pixels of
    /// `stride` bytes: Average (3) or Paeth (4), 1-, 3- or 4-byte pixels.
    static func canPairRows(type: UInt8, stride: Int) -> Bool {
        (type == 3 || type == 4) && (stride == 1 || stride == 3 || stride == 4)
    }

    /// Reconstructs two consecutive scanlines both filtered with `type`: `first` against `prior`,
    /// then `second` against `first`, `count` bytes each (see `canPairRows`). The buffers need the
    /// same slack as for `reconstruct`.
    static func reconstructPair(type: UInt8, first: UnsafeMutablePointer<UInt8>, prior: UnsafePointer<UInt8>, second: UnsafeMutablePointer<UInt8>, count: Int, stride: Int) {
        switch (type, stride) {
        case (3, 1): averagePair(first, prior, second, count)
        case (3, 3): averageVectorPair(first, prior, second, count, ThreeBytePixels.self)
        case (3, 4): averageVectorPair(first, prior, second, count, FourBytePixels.self)
        case (4, 1): paethPair(first, prior, second, count)
        case (4, 3): paethVectorPair(first, prior, second, count, ThreeBytePixels.self)
        case (4, 4): paethVectorPair(first, prior, second, count, FourBytePixels.self)
        default: preconditionFailure("no paired reconstruction for filter \(type) with \(stride)-byte pixels")
        }
    }

    private static func averagePair(_ first: UnsafeMutablePointer<UInt8>, _ prior: UnsafePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>, _ count: Int) {
        guard count > 0 else { return }
        var a0 = UInt16(first[0] &+ prior[0] >> 1)
        first[0] = UInt8(truncatingIfNeeded: a0)
        var a1 = UInt16(second[0] &+ first[0] >> 1)
        second[0] = UInt8(truncatingIfNeeded: a1)
        var i = 1
        while i < count {
            let x0 = UInt16(first[i] &+ UInt8(truncatingIfNeeded: (a0 &+ UInt16(prior[i])) >> 1))
            first[i] = UInt8(truncatingIfNeeded: x0)
            let x1 = UInt16(second[i] &+ UInt8(truncatingIfNeeded: (a1 &+ x0) >> 1))
            second[i] = UInt8(truncatingIfNeeded: x1)
            a0 = x0
            a1 = x1
            i += 1
        }
    }

    private static func averageVectorPair<Pixel: PixelSize>(_ first: UnsafeMutablePointer<UInt8>, _ prior: UnsafePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>, _ count: Int, _: Pixel.Type) {
        let stride = Pixel.byteCount
        guard count >= stride else { return }
        var a0 = addPixel(loadPixel(prior) &>> 1, to: first, stride: stride)
        var a1 = addPixel(a0 &>> 1, to: second, stride: stride)
        var i = stride
        while i < count {
            let x0 = addPixel((a0 &+ loadPixel(prior + i)) &>> 1, to: first + i, stride: stride)
            let x1 = addPixel((a1 &+ x0) &>> 1, to: second + i, stride: stride)
            a0 = x0
            a1 = x1
            i += stride
        }
    }

    private static func paethPair(_ first: UnsafeMutablePointer<UInt8>, _ prior: UnsafePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>, _ count: Int) {
        guard count > 0 else { return }
        var a0 = Int32(first[0] &+ prior[0]), c0 = Int32(prior[0])
        first[0] = UInt8(truncatingIfNeeded: a0)
        var a1 = Int32(second[0] &+ first[0])
        second[0] = UInt8(truncatingIfNeeded: a1)
        var i = 1
        while i < count {
            let b0 = Int32(prior[i])
            let x0 = (Int32(first[i]) &+ paethPredictor(a0, b0, c0)) & 0xFF
            first[i] = UInt8(truncatingIfNeeded: x0)
            let x1 = (Int32(second[i]) &+ paethPredictor(a1, x0, a0)) & 0xFF
            second[i] = UInt8(truncatingIfNeeded: x1)
            a0 = x0
            a1 = x1
            c0 = b0
            i += 1
        }
    }

    private static func paethVectorPair<Pixel: PixelSize>(_ first: UnsafeMutablePointer<UInt8>, _ prior: UnsafePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>, _ count: Int, _: Pixel.Type) {
        let stride = Pixel.byteCount
        guard count >= stride else { return }
        var c0 = loadPixel(prior)
        var a0 = addPixel(c0, to: first, stride: stride)
        var a1 = addPixel(a0, to: second, stride: stride)
        var i = stride
        while i < count {
            let b0 = loadPixel(prior + i)
            let x0 = addPixel(paethPredictor(a0, b0, c0), to: first + i, stride: stride)
            let x1 = addPixel(paethPredictor(a1, x0, a0), to: second + i, stride: stride)
            a0 = x0
            a1 = x1
            c0 = b0
            i += stride
        }
    }
}

/// A pixel size as a type, so generic loops are specialised with the size as a constant.
protocol PixelSize {
    /// Bytes per pixel.
    static var byteCount: Int { get }
}

/// RGB, 8 bits per sample.
enum ThreeBytePixels: PixelSize {
    static var byteCount: Int { 3 }
}

/// RGBA, 8 bits per sample.
enum FourBytePixels: PixelSize {
    static var byteCount: Int { 4 }
}
