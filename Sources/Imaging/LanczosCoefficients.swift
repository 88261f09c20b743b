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
    /// The pass the weights serve. Each pass reads one form of the weights, and only that form is
    /// kept: they take 4 bytes a tap either way, about 24 bytes per input sample (each input
    /// sample lies in about six windows), 48 MiB at `ThumbnailBuilder.maxSideLength`.
    enum Axis {
        /// Rows resampled by `resample(_:into:)`, which reads the split halves.
        case horizontal
        /// Input rows folded into running sums, which reads `weights`.
        case vertical
    }

    /// Fixed-point bits of every weight (Pillow's `PRECISION_BITS`, 32 − 8 − 2).
    static let precisionBits: Int32 = 22
    /// The rounding term every sum starts from.
    static let roundingBias: Int32 = 1 << (precisionBits - 1)

    /// First input sample of each output sample's window.
    let windowStarts: [Int]
    /// Number of input samples in each window.
    let windowCounts: [Int]
    /// Weights, `stride` per output sample, the first `windowCounts[i]` of each used; empty for
    /// `.horizontal`, which keeps them split.
    let weights: [Int32]
    /// Distance between consecutive output samples' weights.
    let stride: Int
    /// `weights` split for the horizontal pass as `weight = high × 2¹¹ + low`, `low` in 0 ..< 2¹¹:
    /// both halves fit 16 bits, so pixel × half products vectorise as 16-bit multiply-adds
    /// (`pmaddwd`) instead of emulated 32-bit multiplies; the sum is the same modulo 2³². Empty
    /// for `.vertical`.
    private let highWeights: [Int16]
    private let lowWeights: [Int16]
    /// Bits of the low half of each split weight.
    private static let lowBits: Int32 = 11

    /// The weights for resampling `inputSize` samples to `outputSize` (both at least 1) in the
    /// pass `axis`.
    init(inputSize: Int, outputSize: Int, axis: Axis) {
        precondition(inputSize >= 1 && outputSize >= 1)
        let scale = Double(Float(inputSize)) / Double(outputSize)
        let filterScale = max(scale, 1.0)
        let support = 3.0 * filterScale
        stride = Int(support.rounded(.up)) * 2 + 1
        var starts = [Int](repeating: 0, count: outputSize)
        var counts = [Int](repeating: 0, count: outputSize)
        let weightCount = outputSize * stride
        var fixed = [Int32](repeating: 0, count: axis == .vertical ? weightCount : 0)
        var high = [Int16](repeating: 0, count: axis == .horizontal ? weightCount : 0)
        var low = high
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
                let weight = Int32(normalised < 0 ? -0.5 + scaled : 0.5 + scaled)
                switch axis {
                case .vertical: fixed[i * stride + x] = weight
                case .horizontal: (high[i * stride + x], low[i * stride + x]) = Self.split(weight)
                }
            }
            starts[i] = start
            counts[i] = count
        }
        windowStarts = starts
        windowCounts = counts
        weights = fixed
        highWeights = high
        lowWeights = low
    }

    /// A weight as its high and low 16-bit halves (see `highWeights`).
    private static func split(_ weight: Int32) -> (Int16, Int16) {
        (Int16(weight >> lowBits), Int16(weight & (1 << lowBits - 1)))
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
    /// Weights that copy `size` samples unchanged: what Pillow's skipped pass amounts to. Both
    /// forms are kept (`size` is a thumbnail side, so they are small) and serve either axis.
    init(identity size: Int) {
        windowStarts = Array(0..<size)
        windowCounts = [Int](repeating: 1, count: size)
        weights = [Int32](repeating: 1 << Self.precisionBits, count: size)
        stride = 1
        let (high, low) = Self.split(1 << Self.precisionBits)
        highWeights = [Int16](repeating: high, count: size)
        lowWeights = [Int16](repeating: low, count: size)
    }

    /// Number of output samples.
    var outputSize: Int { windowStarts.count }

    /// One past the last input sample of output sample `index`'s window.
    func windowEnd(_ index: Int) -> Int { windowStarts[index] + windowCounts[index] }

    /// Resamples one row: `outputSize` clipped bytes from `source`'s input samples.
    ///
    /// Computes `2²¹ + Σ pixel × weight` modulo 2³² as `2¹¹ × Σ pixel × high + Σ pixel × low`:
    /// wrapping arithmetic is a ring, so the result is Pillow's to the bit. Only for `.horizontal`
    /// and identity weights.
    func resample(_ source: UnsafePointer<UInt8>, into target: UnsafeMutablePointer<UInt8>) {
        precondition(!highWeights.isEmpty, "resample needs horizontal or identity weights")
        highWeights.withUnsafeBufferPointer { highWeights in
            lowWeights.withUnsafeBufferPointer { lowWeights in
                for index in 0..<outputSize {
                    let high = highWeights.baseAddress! + index * stride
                    let low = lowWeights.baseAddress! + index * stride
                    let pixels = source + windowStarts[index]
                    var highSum: Int32 = 0
                    var lowSum: Int32 = 0
                    for x in 0..<windowCounts[index] {
                        let pixel = Int32(truncatingIfNeeded: pixels[x])
                        highSum &+= pixel &* Int32(high[x])
                        lowSum &+= pixel &* Int32(low[x])
                    }
                    target[index] = Self.clip(Self.roundingBias &+ (highSum &<< Self.lowBits) &+ lowSum)
                }
            }
        }
    }
}
