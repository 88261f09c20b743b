/// Reverses PNG's five scanline filters (filter method 0), in place.
///
/// This is, with inflate, the decoder's hot path. Each filter has its own loop, specialised on the
/// filter stride (1, 2, 3, 4, 6 or 8 bytes) by inlining with a constant, so the compiler sees a
/// fixed look-back distance and unrolls; everything runs on unsafe pointers without bounds checks,
/// which is safe because callers pass buffers of at least `count` bytes for both rows.
enum PNGFilter {
    /// Reconstructs `row` (`count` bytes, filter byte excluded) filtered with `type`, given the
    /// reconstructed previous scanline of the same pass in `prior` (all zeros for a pass's first
    /// row). Returns false, leaving `row` untouched, when `type` is not 0 ... 4.
    ///
    /// Both buffers need 16 readable bytes past `count`: vector loops may load (never store) there.
    static func reconstruct(type: UInt8, row: UnsafeMutablePointer<UInt8>, prior: UnsafePointer<UInt8>, count: Int, stride: Int) -> Bool {
        switch type {
        case 0: return true
        case 1: withConstant(stride) { sub(row, count, $0) }
        case 2: up(row, prior, count)
        case 3: withConstant(stride) { average(row, prior, count, $0) }
        case 4: withConstant(stride) { paeth(row, prior, count, $0) }
        default: return false
        }
        return true
    }

    /// Calls `body` with `stride` as a literal, so each inlined copy of `body` is compiled for one
    /// constant stride.
    @inline(__always)
    private static func withConstant(_ stride: Int, _ body: (Int) -> Void) {
        switch stride {
        case 1: body(1)
        case 2: body(2)
        case 3: body(3)
        case 4: body(4)
        case 6: body(6)
        case 8: body(8)
        default: preconditionFailure("filter stride \(stride) is not a PNG pixel size")
        }
    }

    /// Sub: each byte adds the byte one pixel to its left.
    @inline(__always)
    private static func sub(_ row: UnsafeMutablePointer<UInt8>, _ count: Int, _ stride: Int) {
        var i = stride
        while i < count {
            row[i] &+= row[i - stride]
            i += 1
        }
    }

    /// Up: each byte adds the byte above it.
    private static func up(_ row: UnsafeMutablePointer<UInt8>, _ prior: UnsafePointer<UInt8>, _ count: Int) {
        for i in 0..<count { row[i] &+= prior[i] }
    }

    /// Average: each byte adds the floor of the mean of the bytes to its left and above it.
    @inline(__always)
    private static func average(_ row: UnsafeMutablePointer<UInt8>, _ prior: UnsafePointer<UInt8>, _ count: Int, _ stride: Int) {
        let head = min(stride, count)
        for i in 0..<head { row[i] &+= prior[i] >> 1 }
        var i = head
        while i < count {
            row[i] &+= UInt8(truncatingIfNeeded: (UInt16(row[i - stride]) &+ UInt16(prior[i])) >> 1)
            i += 1
        }
    }

    /// Paeth: each byte adds whichever of left (a), above (b) and upper-left (c) is closest to
    /// a + b − c, ties going to a, then b, exactly as the PNG specification orders them.
    @inline(__always)
    private static func paeth(_ row: UnsafeMutablePointer<UInt8>, _ prior: UnsafePointer<UInt8>, _ count: Int, _ stride: Int) {
        // With no pixel to the left, a = c = 0 and the predictor is b.
        let head = min(stride, count)
        for i in 0..<head { row[i] &+= prior[i] }
        if stride == 1 {
            // One chain through the whole row: carry a and c in registers instead of reloading
            // the byte just stored, which would add a store-to-load delay to every byte.
            guard count > 1 else { return }
            var a = Int32(row[0]), c = Int32(prior[0])
            for i in 1..<count {
                let b = Int32(prior[i])
                a = (Int32(row[i]) &+ paethPredictor(a, b, c)) & 0xFF
                row[i] = UInt8(truncatingIfNeeded: a)
                c = b
            }
            return
        }
        if stride == 3 || stride == 4 {
            paethVector(row, prior, count, stride)
            return
        }
        // A pixel at a time: its channels are independent chains the processor overlaps.
        var i = head
        while i < count {
            for k in 0..<stride {
                let a = Int32(row[i + k - stride]), b = Int32(prior[i + k]), c = Int32(prior[i + k - stride])
                row[i + k] &+= UInt8(truncatingIfNeeded: paethPredictor(a, b, c))
            }
            i += stride
        }
    }

    /// Paeth for 3- and 4-byte pixels with a pixel's channels in one vector, the predictor
    /// computed for all of them at once.
    @inline(__always)
    private static func paethVector(_ row: UnsafeMutablePointer<UInt8>, _ prior: UnsafePointer<UInt8>, _ count: Int, _ stride: Int) {
        var a = loadPixel(row), c = loadPixel(prior)
        var i = stride
        while i < count {
            let b = loadPixel(prior + i)
            a = (loadPixel(row + i) &+ paethPredictor(a, b, c)) & 0xFF
            storePixel(a, row + i, stride)
            c = b
            i += stride
        }
    }

    /// Four bytes at `pointer` as vector lanes; for 3-byte pixels the fourth is the next pixel's
    /// (or slack) and is never stored back.
    @inline(__always)
    private static func loadPixel(_ pointer: UnsafePointer<UInt8>) -> SIMD4<Int16> {
        SIMD4<Int16>(truncatingIfNeeded: UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<UInt8>.self))
    }

    /// Stores the first `stride` (3 or 4) lanes of `pixel` at `pointer`.
    @inline(__always)
    private static func storePixel(_ pixel: SIMD4<Int16>, _ pointer: UnsafeMutablePointer<UInt8>, _ stride: Int) {
        let bytes = SIMD4<UInt8>(truncatingIfNeeded: pixel)
        if stride == 4 {
            UnsafeMutableRawPointer(pointer).storeBytes(of: bytes, as: SIMD4<UInt8>.self)
        } else {
            pointer[0] = bytes[0]
            pointer[1] = bytes[1]
            pointer[2] = bytes[2]
        }
    }

    /// Whether `reconstructPaethPair` handles pixels of `stride` bytes.
    static func canPairPaethRows(stride: Int) -> Bool { stride == 1 || stride == 3 || stride == 4 }

    /// Reconstructs two consecutive Paeth-filtered scanlines together: `first` against `prior`,
    /// then `second` against `first`, `count` bytes each, pixels of `stride` bytes (see
    /// `canPairPaethRows`). Needs the same slack as `reconstruct`.
    ///
    /// Every pixel of a Paeth row waits for the pixel before it, so one row runs at the latency of
    /// the predictor. The second row's pixel i needs only the first row's pixels i − 1 and i, so
    /// computing both in one loop gives the processor two independent chains to overlap.
    static func reconstructPaethPair(first: UnsafeMutablePointer<UInt8>, prior: UnsafePointer<UInt8>, second: UnsafeMutablePointer<UInt8>, count: Int, stride: Int) {
        switch stride {
        case 1: paethPair(first, prior, second, count)
        case 3: paethVectorPair(first, prior, second, count, 3)
        case 4: paethVectorPair(first, prior, second, count, 4)
        default: preconditionFailure("no paired Paeth for \(stride)-byte pixels")
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

    @inline(__always)
    private static func paethVectorPair(_ first: UnsafeMutablePointer<UInt8>, _ prior: UnsafePointer<UInt8>, _ second: UnsafeMutablePointer<UInt8>, _ count: Int, _ stride: Int) {
        guard count >= stride else { return }
        var c0 = loadPixel(prior)
        var a0 = (loadPixel(first) &+ c0) & 0xFF
        storePixel(a0, first, stride)
        var a1 = (loadPixel(second) &+ a0) & 0xFF
        storePixel(a1, second, stride)
        var i = stride
        while i < count {
            let b0 = loadPixel(prior + i)
            let x0 = (loadPixel(first + i) &+ paethPredictor(a0, b0, c0)) & 0xFF
            storePixel(x0, first + i, stride)
            let x1 = (loadPixel(second + i) &+ paethPredictor(a1, x0, a0)) & 0xFF
            storePixel(x1, second + i, stride)
            a0 = x0
            a1 = x1
            c0 = b0
            i += stride
        }
    }

    /// The Paeth predictor in stb_image's formulation, which is equivalent to the specification's
    /// (ties to a, then b) but has a shorter dependency on `a`, the byte just reconstructed:
    /// with t = 3c − a − b, the predictor is max(a, b) if t ≤ min(a, b), else min(a, b) if
    /// max(a, b) ≤ t, else c.
    ///
    /// Selections use sign masks, not conditionals: on noisy images the choice is unpredictable
    /// and the compiler may turn `?:` into mispredicted branches.
    @inline(__always)
    private static func paethPredictor(_ a: Int32, _ b: Int32, _ c: Int32) -> Int32 {
        let threshold = c &* 3 &- (a &+ b)
        let low = min(a, b), high = max(a, b)
        let middle = high <= threshold ? low : c
        return threshold <= low ? high : middle
    }

    /// `paethPredictor` for each lane.
    @inline(__always)
    private static func paethPredictor(_ a: SIMD4<Int16>, _ b: SIMD4<Int16>, _ c: SIMD4<Int16>) -> SIMD4<Int16> {
        let threshold = c &* 3 &- (a &+ b)
        let low = pointwiseMin(a, b), high = pointwiseMax(a, b)
        let middle = low.replacing(with: c, where: high .> threshold)
        return middle.replacing(with: high, where: threshold .<= low)
    }
}
