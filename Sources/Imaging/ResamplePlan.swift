/// The fixed part of one image's resampling: the luma conversion, both axes' weights, the pass
/// order Pillow uses for this size, and the arithmetic on the running sums.
///
/// The sums are `outputHeight` rows of `columns` `Int32`s, each starting at Pillow's rounding
/// bias; row `j` collects the input rows in vertical window `j`, weighted. `columns` is the
/// output width when the horizontal pass comes first and the input width when it comes last.
struct ResamplePlan {
    /// The image being resampled.
    let header: ImageHeader
    /// Its conversion to luma.
    let luma: LumaConverter
    /// Input width to output width (identity when they are equal: Pillow skips that pass).
    let horizontal: LanczosCoefficients
    /// Input height to output height (identity when they are equal).
    let vertical: LanczosCoefficients
    /// True when Pillow would resample vertically first.
    let isVerticalFirst: Bool

    /// The plan for `header` to `width` × `height`.
    init(header: ImageHeader, width: Int, height: Int) {
        self.header = header
        luma = LumaConverter(layout: header.layout)
        let needsHorizontal = header.width != width
        let needsVertical = header.height != height
        horizontal = needsHorizontal ? LanczosCoefficients(inputSize: header.width, outputSize: width, axis: .horizontal) : LanczosCoefficients(identity: width)
        vertical = needsVertical ? LanczosCoefficients(inputSize: header.height, outputSize: height, axis: .vertical) : LanczosCoefficients(identity: height)
        // Pillow 13's ImagingResampleInner: vertical first when it shrinks the height by more than
        // twice what the horizontal pass shrinks the width.
        let heightShrink = header.height - height
        isVerticalFirst = needsHorizontal && needsVertical && heightShrink > 0 && heightShrink > 2 * (header.width - width)
    }

    /// Width of the rows that enter the vertical sums.
    var columns: Int { isVerticalFirst ? header.width : horizontal.outputSize }

    /// Number of `Int32` sums.
    var accumulatorCount: Int { vertical.outputSize * columns }

    /// Sets every sum to the rounding bias.
    func resetAccumulator(_ accumulator: UnsafeMutableRawPointer) {
        accumulator.bindMemory(to: Int32.self, capacity: accumulatorCount)
            .initialize(repeating: LanczosCoefficients.roundingBias, count: accumulatorCount)
    }

    /// True when some vertical window covers input row `y` (Pillow never computes the others).
    func isRowUsed(_ y: Int, firstOpenOutputRow: Int) -> Bool {
        firstOpenOutputRow < vertical.outputSize && vertical.windowStarts[firstOpenOutputRow] <= y
    }

    /// Adds input row `y` (luma, `header.width` bytes) into the sums of every window covering it;
    /// `scratch` holds at least `horizontal.outputSize` bytes.
    func add(row: UnsafePointer<UInt8>, y: Int, firstOpenOutputRow: Int, accumulator: UnsafeMutableRawPointer, scratch: UnsafeMutablePointer<UInt8>) {
        var values = row
        if !isVerticalFirst {
            horizontal.resample(row, into: scratch)
            values = UnsafePointer(scratch)
        }
        let columns = columns
        let sums = accumulator.bindMemory(to: Int32.self, capacity: accumulatorCount)
        vertical.weights.withUnsafeBufferPointer { weights in
            var outputRow = firstOpenOutputRow
            while outputRow < vertical.outputSize && vertical.windowStarts[outputRow] <= y {
                let weight = weights[outputRow * vertical.stride + (y - vertical.windowStarts[outputRow])]
                let target = sums + outputRow * columns
                for x in 0..<columns {
                    target[x] &+= Int32(truncatingIfNeeded: values[x]) &* weight
                }
                outputRow += 1
            }
        }
    }

    /// Writes the thumbnail (`vertical.outputSize` rows of `horizontal.outputSize` bytes) from the
    /// finished sums; `scratch` holds at least `header.width` bytes.
    func finish(accumulator: UnsafeMutableRawPointer, scratch: UnsafeMutablePointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) {
        let sums = accumulator.bindMemory(to: Int32.self, capacity: accumulatorCount)
        let width = horizontal.outputSize
        if isVerticalFirst {
            for outputRow in 0..<vertical.outputSize {
                let rowSums = sums + outputRow * columns
                for x in 0..<columns { scratch[x] = LanczosCoefficients.clip(rowSums[x]) }
                horizontal.resample(UnsafePointer(scratch), into: output + outputRow * width)
            }
        } else {
            for index in 0..<accumulatorCount { output[index] = LanczosCoefficients.clip(sums[index]) }
        }
    }
}
