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
        if stride == 1 {
            // Carry the byte to the left in a register, as for Paeth.
            guard count > 1 else { return }
            var a = UInt16(row[0])
            for i in 1..<count {
                a = UInt16(row[i] &+ UInt8(truncatingIfNeeded: (a &+ UInt16(prior[i])) >> 1))
                row[i] = UInt8(truncatingIfNeeded: a)
            }
            return
        }
        if stride == 3 || stride == 4 {
            var a = loadPixel(row)
            var i = stride
            while i < count {
                a = addPixel((a &+ loadPixel(prior + i)) &>> 1, to: row + i, stride: stride)
                i += stride
            }
            return
        }
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
            a = addPixel(paethPredictor(a, b, c), to: row + i, stride: stride)
            c = b
            i += stride
        }
    }

    /// Four bytes at `pointer` as vector lanes; for 3-byte pixels the fourth is the next pixel's
    /// (or slack).
    @inline(__always)
    static func loadPixel(_ pointer: UnsafePointer<UInt8>) -> SIMD4<Int16> {
        SIMD4<Int16>(truncatingIfNeeded: UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<UInt8>.self))
    }

    /// Adds `predictor` to the pixel at `pointer`, stores the `stride` (3 or 4) result bytes and
    /// returns them (for 3-byte pixels, lane 3 is meaningless).
    ///
    /// A 3-byte pixel is stored as 2 + 1 bytes, never 4: a 4-byte store would overlap the next
    /// pixel's load, which processors cannot forward from a store and stall on.
    @inline(__always)
    static func addPixel(_ predictor: SIMD4<Int16>, to pointer: UnsafeMutablePointer<UInt8>, stride: Int) -> SIMD4<Int16> {
        let sum = (loadPixel(pointer) &+ predictor) & 0xFF
        let word = unsafeBitCast(SIMD4<UInt8>(truncatingIfNeeded: sum), to: UInt32.self)
        let destination = UnsafeMutableRawPointer(pointer)
        if stride == 4 {
            destination.storeBytes(of: word, as: UInt32.self)
        } else {
            destination.storeBytes(of: UInt16(truncatingIfNeeded: word), as: UInt16.self)
            destination.storeBytes(of: UInt8(truncatingIfNeeded: word >> 16), toByteOffset: 2, as: UInt8.self)
        }
        return sum
    }

    /// The Paeth predictor in stb_image's formulation, which is equivalent to the specification's
    /// (ties to a, then b) but has a shorter dependency on `a`, the byte just reconstructed:
    /// with t = 3c − a − b, the predictor is max(a, b) if t ≤ min(a, b), else min(a, b) if
    /// max(a, b) ≤ t, else c.
    ///
    /// Selections use sign masks, not conditionals: on noisy images the choice is unpredictable
    /// and the compiler may turn `?:` into mispredicted branches.
    @inline(__always)
    static func paethPredictor(_ a: Int32, _ b: Int32, _ c: Int32) -> Int32 {
        let threshold = c &* 3 &- (a &+ b)
        let low = min(a, b), high = max(a, b)
        let middle = high <= threshold ? low : c
        return threshold <= low ? high : middle
    }

    /// `paethPredictor` for each lane.
    @inline(__always)
    static func paethPredictor(_ a: SIMD4<Int16>, _ b: SIMD4<Int16>, _ c: SIMD4<Int16>) -> SIMD4<Int16> {
        let threshold = c &* 3 &- (a &+ b)
        let bIsLower = b .< a
        let low = a.replacing(with: b, where: bIsLower), high = b.replacing(with: a, where: bIsLower)
        let middle = low.replacing(with: c, where: high .> threshold)
        return middle.replacing(with: high, where: threshold .<= low)
    }
}
