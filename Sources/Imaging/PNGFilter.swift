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
        var i = head
        while i < count {
            let a = Int32(row[i - stride]), b = Int32(prior[i]), c = Int32(prior[i - stride])
            let pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c)
            let predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
            row[i] &+= UInt8(truncatingIfNeeded: predictor)
            i += 1
        }
    }
}
