/// Builds Pillow 13's `image.convert("L").resize((width, height), Image.LANCZOS)` from rows as a
/// decoder delivers them, in memory proportional to the image's width.
///
/// Pillow resamples in two passes, each rounded and clipped to 8 bits: horizontal then vertical,
/// except that it goes vertical first when both axes change and
/// `inputHeight − height > max(0, 2 × (inputWidth − width))` (it does less work that way). A
/// pass is skipped when its axis keeps its size. This builder follows the same order, but folds
/// the vertical pass in as rows arrive: every input row is added, weighted, into the `Int32`
/// sums of the output rows whose window covers it (integer sums do not depend on order, so the
/// result is bit-identical). Horizontal-first keeps `height × width` sums; vertical-first keeps
/// `height × inputWidth` sums and runs the horizontal pass at the end.
///
/// Adam7-interlaced images arrive pass by pass, so their luma is gathered in a one-byte-per-pixel
/// frame (bounded by `DecodingLimits.maxInterlacedPixelCount`) and resampled at `finish`.
public struct ThumbnailBuilder: RowSink {
    /// Width of the thumbnail.
    public let width: Int
    /// Height of the thumbnail.
    public let height: Int
    private let limits: DecodingLimits
    private var plan: ResamplePlan?
    private var accumulator: ScratchBytes?
    private var lumaRow: ScratchBytes?
    private var resampledRow: ScratchBytes?
    private var frame: ScratchBytes?
    private var nextRow = 0
    private var firstOpenOutputRow = 0

    /// The longest side accepted: the Lanczos weights take about 24 bytes per pixel of side
    /// (each input sample lies in about six output windows), so this caps them near 48 MiB.
    public static let maxSideLength = 1 << 21

    /// A builder for a `width` × `height` thumbnail (both at least 1).
    public init(width: Int, height: Int, limits: DecodingLimits = DecodingLimits()) {
        precondition(width >= 1 && height >= 1, "thumbnail of \(width) × \(height)")
        self.width = width
        self.height = height
        self.limits = limits
    }

    /// The header of the image being resampled, once `begin` has been called.
    public var header: ImageHeader? { plan?.header }

    /// Checks the header against the limits and prepares the weights and sums for it.
    public mutating func begin(_ header: ImageHeader) throws(ImagingError) {
        guard header.width >= 1, header.height >= 1 else {
            throw ImagingError(.badHeader, "the image is \(header.width) × \(header.height) pixels; both must be at least 1")
        }
        let (pixels, overflow) = header.width.multipliedReportingOverflow(by: header.height)
        guard !overflow, pixels <= limits.maxPixelCount else {
            throw ImagingError(.tooManyPixels, "the image is \(header.width) × \(header.height) pixels, above the limit of \(limits.maxPixelCount) pixels; raise the pixel limit to accept it")
        }
        guard header.width <= Self.maxSideLength, header.height <= Self.maxSideLength else {
            throw ImagingError(.tooManyPixels, "the image is \(header.width) × \(header.height) pixels; sides longer than \(Self.maxSideLength) pixels are refused")
        }
        if header.isInterlaced {
            guard pixels <= limits.maxInterlacedPixelCount else {
                throw ImagingError(.tooManyPixels, "the interlaced image is \(header.width) × \(header.height) pixels; interlaced images are buffered whole and limited to \(limits.maxInterlacedPixelCount) pixels (save it non-interlaced to hash it)")
            }
            frame = ScratchBytes(count: pixels)
        }
        let plan = ResamplePlan(header: header, width: width, height: height)
        accumulator = ScratchBytes(count: plan.accumulatorCount * MemoryLayout<Int32>.stride)
        plan.resetAccumulator(accumulator!.pointer)
        lumaRow = ScratchBytes(count: header.width)
        resampledRow = ScratchBytes(count: max(width, header.width))
        self.plan = plan
        nextRow = 0
        firstOpenOutputRow = 0
    }

    /// Adds one decoded row (or, for interlaced images, one pass row) to the thumbnail.
    public mutating func consume(_ fragment: RowFragment) throws(ImagingError) {
        guard let plan else { throw ImagingError(.malformed, "pixels arrived before the image header") }
        let header = plan.header
        // Fragments may come from any RowSink caller, so their numbers are checked without trapping.
        let (byteCount, overflow) = fragment.pixelCount.multipliedReportingOverflow(by: header.layout.bytesPerPixel)
        guard fragment.pixelCount >= 0, !overflow, fragment.bytes.count >= byteCount else {
            throw ImagingError(.malformed, "a row fragment holds fewer bytes than its \(fragment.pixelCount) pixels need")
        }
        if frame != nil {
            let (span, spanOverflow) = (fragment.pixelCount - 1).multipliedReportingOverflow(by: fragment.xStep)
            guard fragment.y >= 0, fragment.y < header.height, fragment.xStart >= 0,
                  fragment.xStep >= 1, !spanOverflow, span < header.width - fragment.xStart else {
                throw ImagingError(.malformed, "an interlaced row fragment lies outside the image")
            }
            guard fragment.pixelCount > 0, let source = fragment.bytes.baseAddress else { return }
            ScratchBytes.makeUnique(&frame!)
            let target = frame!.bytes + fragment.y * header.width + fragment.xStart
            plan.luma.convert(source.assumingMemoryBound(to: UInt8.self), count: fragment.pixelCount, into: target, targetStride: fragment.xStep)
            return
        }
        guard fragment.y == nextRow, fragment.xStart == 0, fragment.xStep == 1, fragment.pixelCount == header.width,
              let source = fragment.bytes.baseAddress
        else {
            throw ImagingError(.malformed, "row \(fragment.y) arrived where row \(nextRow) of \(header.width) pixels was expected")
        }
        addRow(source.assumingMemoryBound(to: UInt8.self))
    }

    /// Finishes the thumbnail: `height` rows of `width` grey bytes, top to bottom.
    public mutating func finish() throws(ImagingError) -> [UInt8] {
        guard let plan else { throw ImagingError(.truncated, "the image ended before its header") }
        if let frame {
            for y in nextRow..<plan.header.height {
                addRow(UnsafePointer(frame.bytes + y * plan.header.width))
            }
        }
        guard nextRow == plan.header.height else {
            throw ImagingError(.truncated, "the image ended after \(nextRow) of \(plan.header.height) rows")
        }
        var result = [UInt8](repeating: 0, count: width * height)
        result.withUnsafeMutableBufferPointer { output in
            plan.finish(accumulator: accumulator!.pointer, scratch: resampledRow!.bytes, into: output.baseAddress!)
        }
        return result
    }

    private mutating func addRow(_ source: UnsafePointer<UInt8>) {
        let plan = plan!
        let y = nextRow
        nextRow += 1
        while firstOpenOutputRow < height && plan.vertical.windowEnd(firstOpenOutputRow) <= y {
            firstOpenOutputRow += 1
        }
        guard plan.isRowUsed(y, firstOpenOutputRow: firstOpenOutputRow) else { return }
        ScratchBytes.makeUnique(&accumulator!)
        ScratchBytes.makeUnique(&lumaRow!)
        ScratchBytes.makeUnique(&resampledRow!)
        var luma = source
        if frame == nil && !plan.luma.isIdentity {
            plan.luma.convert(source, count: plan.header.width, into: lumaRow!.bytes)
            luma = UnsafePointer(lumaRow!.bytes)
        }
        plan.add(row: luma, y: y, firstOpenOutputRow: firstOpenOutputRow, accumulator: accumulator!.pointer, scratch: resampledRow!.bytes)
    }
}
