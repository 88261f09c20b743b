#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fixed-point weights of Pillow 13's Lanczos resampling along one axis, computed exactly as
/// its `precompute_coeffs` and `normalize_coeffs_8bpc` do (libImaging/Resample.c).
///
/// For output sample `i` of `outputSize`: `scale = inputSize / outputSize` (the input size passes
/// through a C `float`, as Pillow's box does), `filterScale = max(scale, 1)`,
/// `support = 3 × filterScale`, `center = (i + 0.5) × scale`; the window is
/// `[trunc(center − support + 0.5), trunc(center + support + 0.5))` clamped to the input; each
/// weight is `lanczos((x − center + 0.5) / filterScale)` with `lanczos(x) = sinc(x)·sinc(x/3)` on
/// [−3, 3), normalised by their sum in double precision, then scaled by 2²² and rounded away
/// from zero to `Int32`. Summing `2²¹ + Σ pixel × weight` and taking bits 22 and up, clamped to
/// 0 … 255, gives Pillow's 8-bit result.
struct LanczosCoefficients: Equatable {
    /// Fixed-point bits of every weight (Pillow's `PRECISION_BITS`, 32 − 8 − 2).
    static let precisionBits: Int32 = 22
    /// The rounding term every sum starts from.
    static let roundingBias: Int32 = 1 << (precisionBits - 1)

    /// First input sample of each output sample's window.
    let windowStarts: [Int]
    /// Number of input samples in each window.
    let windowCounts: [Int]
    /// Weights, `stride` per output sample, the first `windowCounts[i]` of each used.
    let weights: [Int32]
    /// Distance between consecutive output samples' weights.
    let stride: Int

    /// The weights for resampling `inputSize` samples to `outputSize` (both at least 1).
    init(inputSize: Int, outputSize: Int) {
        precondition(inputSize >= 1 && outputSize >= 1)
        let scale = Double(Float(inputSize)) / Double(outputSize)
        let filterScale = max(scale, 1.0)
        let support = 3.0 * filterScale
        stride = Int(support.rounded(.up)) * 2 + 1
        var starts = [Int](repeating: 0, count: outputSize)
        var counts = [Int](repeating: 0, count: outputSize)
        var fixed = [Int32](repeating: 0, count: outputSize * stride)
        var window = [Double](repeating: 0, count: stride)
        let inverseScale = 1.0 / filterScale
        for i in 0..<outputSize {
            let center = (Double(i) + 0.5) * scale
            let start = max(Int(center - support + 0.5), 0)
            let end = min(Int(center + support + 0.5), inputSize)
            let count = max(end - start, 0)
            var total = 0.0
            for x in 0..<count {
                let weight = Self.lanczos((Double(x + start) - center + 0.5) * inverseScale)
                window[x] = weight
                total += weight
            }
            for x in 0..<count {
                let normalised = total != 0 ? window[x] / total : window[x]
                let scaled = normalised * Double(1 << Self.precisionBits)
                fixed[i * stride + x] = Int32(normalised < 0 ? -0.5 + scaled : 0.5 + scaled)
            }
            starts[i] = start
            counts[i] = count
        }
        windowStarts = starts
        windowCounts = counts
        weights = fixed
    }

    /// Pillow's truncated sinc, `sinc(x) · sinc(x / 3)` on [−3, 3) and 0 elsewhere.
    static func lanczos(_ x: Double) -> Double {
        guard -3.0 <= x && x < 3.0 else { return 0 }
        return sinc(x) * sinc(x / 3)
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let angle = x * Double.pi
        return sin(angle) / angle
    }

    /// Pillow's `clip8`: the sum's integer part (an arithmetic shift) clamped to 0 … 255.
    @inline(__always)
    static func clip(_ sum: Int32) -> UInt8 {
        let value = sum >> precisionBits
        return value < 0 ? 0 : value > 255 ? 255 : UInt8(truncatingIfNeeded: value)
    }
}

extension LanczosCoefficients {
    /// Weights that copy `size` samples unchanged: what Pillow's skipped pass amounts to.
    init(identity size: Int) {
        windowStarts = Array(0..<size)
        windowCounts = [Int](repeating: 1, count: size)
        weights = [Int32](repeating: 1 << Self.precisionBits, count: size)
        stride = 1
    }

    /// Number of output samples.
    var outputSize: Int { windowStarts.count }

    /// One past the last input sample of output sample `index`'s window.
    func windowEnd(_ index: Int) -> Int { windowStarts[index] + windowCounts[index] }

    /// Resamples one row: `outputSize` clipped bytes from `source`'s input samples.
    func resample(_ source: UnsafePointer<UInt8>, into target: UnsafeMutablePointer<UInt8>) {
        weights.withUnsafeBufferPointer { weights in
            for index in 0..<outputSize {
                let start = windowStarts[index]
                let kernel = weights.baseAddress! + index * stride
                let pixels = source + start
                var sum = Self.roundingBias
                for x in 0..<windowCounts[index] {
                    sum &+= Int32(truncatingIfNeeded: pixels[x]) &* kernel[x]
                }
                target[index] = Self.clip(sum)
            }
        }
    }
}
