import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes a PNG's image data, the concatenated contents of its IDAT chunks, into rows: inflates
/// them with zlib, reverses the scanline filters and unpacks each scanline into the sink's layout.
///
/// Memory is proportional to the image width: zlib's 32 KiB window, a staging buffer of one
/// scanline plus 64 KiB that inflate writes into directly, the previous scanline, and one
/// unpacked row. Several rows are inflated per zlib call and reconstructed where they landed, so
/// bytes are copied only when a partial row moves to the front of the staging buffer.
/// Inflate never writes more than the header implies: output beyond it is `.tooMuchData`,
/// a stream that ends short of it is `.truncated`.
///
/// A class because it owns zlib's state, which zlib points back into and must not move;
/// `PNGDecoder` keeps value semantics by calling `copy()` before mutating a shared instance.
final class PNGScanlineDecoder {
    private let header: PNGHeader
    private let unpacker: PNGRowUnpacker
    private let layoutBytesPerPixel: Int
    /// zlib's state, at a fixed address because zlib keeps a pointer back to it.
    private let stream: UnsafeMutablePointer<z_stream>
    /// Where inflate writes: whole scanlines (filter byte first) reconstructed in place.
    private let stage: UnsafeMutablePointer<UInt8>
    private let stageCapacity: Int
    /// Bytes allocated past the end of the staging and prior-row buffers for vector over-reads.
    private static let slackByteCount = 16
    /// The previous reconstructed scanline when it no longer sits in `stage`, zeros at a pass start.
    private let priorBuffer: UnsafeMutablePointer<UInt8>
    /// Unpacked row for layouts that differ from the scanline bytes; nil when none do.
    private let output: UnsafeMutablePointer<UInt8>?

    /// Inflated bytes in `stage`.
    private var filled = 0
    /// Bytes of `stage` already turned into rows; the next scanline starts here.
    private var consumed = 0
    /// The previous reconstructed scanline of the current pass: in `stage` or `priorBuffer`.
    private var priorRow: UnsafePointer<UInt8>
    /// True when the scanline at `consumed` was already reconstructed along with the one before it.
    private var isRowReconstructed = false
    /// Index into `header.passes` of the pass being decoded; `passes.count` once all are done.
    private var passIndex = 0
    /// Scanlines of the current pass already delivered.
    private var rowInPass = 0
    /// Scanline bytes (filter byte excluded) of the current pass.
    private var rowByteCount: Int
    /// Bytes inflate may still produce before the image is complete.
    private var remainingByteCount: Int
    /// True once zlib has reached the end of its stream, trailer included.
    private(set) var hasStreamEnded = false

    /// A decoder for `header`'s image data, checking palette indices against `paletteCount`.
    init(header: PNGHeader, paletteCount: Int) throws(ImagingError) {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 accepts every window size PNG allows (≤ 32 KiB) and requires the zlib header.
        var status = czlib_inflateInit2(stream, 15)
        if status == Z_OK {
            // Skip the Adler-32 of the inflated data, as Chromium does with libpng: the CRC of every
            // IDAT chunk already covers each compressed byte, and the checksum costs ~10% of inflate.
            status = inflateValidate(stream, 0)
        }
        guard status == Z_OK else {
            inflateEnd(stream)
            stream.deallocate()
            throw ImagingError(.malformed, "zlib could not start inflating (status \(status)); the system may be out of memory")
        }
        let widestRow = header.widestRowByteCount
        let unpacker = PNGRowUnpacker(header: header, paletteCount: paletteCount)
        self.header = header
        self.unpacker = unpacker
        self.layoutBytesPerPixel = header.layout(palette: nil).bytesPerPixel
        self.stream = stream
        self.stageCapacity = widestRow + 1 + (1 << 16)
        // Slack after the buffers: vector filters load a few bytes past a row's last pixel.
        // Zeroed, so even those never-used loads read initialized memory.
        self.stage = .allocate(capacity: stageCapacity + Self.slackByteCount)
        stage.initialize(repeating: 0, count: stageCapacity + Self.slackByteCount)
        self.priorBuffer = .allocate(capacity: widestRow + Self.slackByteCount)
        priorBuffer.initialize(repeating: 0, count: widestRow + Self.slackByteCount)
        self.output = unpacker.outputByteCountPerPixel == 0 ? nil : .allocate(capacity: header.widestPassWidth * unpacker.outputByteCountPerPixel)
        self.priorRow = UnsafePointer(priorBuffer)
        self.rowByteCount = header.rowByteCount(pixelCount: header.passes[0].width)
        self.remainingByteCount = header.decompressedByteCount
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        stage.deallocate()
        priorBuffer.deallocate()
        output?.deallocate()
    }

    /// An independent decoder in the same state: zlib's state and every buffer duplicated.
    func copy() throws(ImagingError) -> PNGScanlineDecoder {
        let twin = try PNGScanlineDecoder(header: header, paletteCount: unpacker.paletteCount)
        // inflateCopy replaces the twin's fresh stream, so release that one's memory first.
        inflateEnd(twin.stream)
        guard inflateCopy(twin.stream, stream) == Z_OK else {
            throw ImagingError(.malformed, "zlib could not copy its state; the system may be out of memory")
        }
        twin.stage.update(from: stage, count: stageCapacity + Self.slackByteCount)
        twin.priorBuffer.update(from: priorBuffer, count: header.widestRowByteCount + Self.slackByteCount)
        if let output, let twinOutput = twin.output { twinOutput.update(from: output, count: unpacker.outputByteCountPerPixel * header.widestPassWidth) }
        twin.filled = filled
        twin.consumed = consumed
        twin.priorRow = priorRow == UnsafePointer(priorBuffer) ? UnsafePointer(twin.priorBuffer) : UnsafePointer(twin.stage) + (priorRow - UnsafePointer(stage))
        twin.isRowReconstructed = isRowReconstructed
        twin.passIndex = passIndex
        twin.rowInPass = rowInPass
        twin.rowByteCount = rowByteCount
        twin.remainingByteCount = remainingByteCount
        twin.hasStreamEnded = hasStreamEnded
        return twin
    }

    /// True once every row of every pass has been delivered.
    var isImageComplete: Bool { passIndex == header.passes.count }

    /// True once the image is complete and the zlib stream has ended: nothing more may follow.
    var isFinished: Bool { isImageComplete && hasStreamEnded }

    /// Rows delivered so far, for messages.
    var rowsDelivered: Int { header.passes[..<passIndex].reduce(0) { $0 + $1.height } + rowInPass }

    /// Total rows over all passes, for messages.
    var rowsExpected: Int { header.passes.reduce(0) { $0 + $1.height } }

    /// Inflates `input`, the next piece of data of the IDAT chunk starting at byte `chunkOffset`
    /// of the file, and delivers every row it completes to `sink`.
    ///
    /// Errors name the chunk's offset, not the byte within it: where zlib notices a problem depends
    /// on how the input was split, and the outcome must not.
    func inflate(_ input: UnsafeRawBufferPointer, chunkOffset offset: Int, into sink: inout some RowSink) throws(ImagingError) {
        guard let base = input.baseAddress, input.count > 0 else { return }
        var pieceStart = 0
        while pieceStart < input.count {
            // zlib counts in 32 bits; hand over huge inputs in pieces.
            let pieceCount = min(input.count - pieceStart, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self) + pieceStart)
            stream.pointee.avail_in = UInt32(pieceCount)
            while stream.pointee.avail_in > 0 {
                guard !hasStreamEnded else {
                    throw ImagingError(.tooMuchData, "IDAT data continues after the end of the zlib stream; the file is corrupt", offset: offset, chunk: "IDAT")
                }
                if remainingByteCount == 0 {
                    try inflatePastImage(at: offset)
                } else {
                    try inflateRows(at: offset, into: &sink)
                }
            }
            pieceStart += pieceCount
        }
    }

    /// Fills the staging buffer from zlib and delivers the rows it completes.
    private func inflateRows(at offset: Int, into sink: inout some RowSink) throws(ImagingError) {
        if consumed > 0 && stageCapacity - filled < rowByteCount + 1 + (1 << 15) { compactStage() }
        // zlib counts in 32 bits; rows wider than 1 GiB (only with raised limits) fill in several calls.
        let room = min(stageCapacity - filled, remainingByteCount, 1 << 30)
        stream.pointee.next_out = stage + filled
        stream.pointee.avail_out = UInt32(room)
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        let produced = room - Int(stream.pointee.avail_out)
        filled += produced
        remainingByteCount -= produced
        // Rows zlib produced before a corruption come first, so the error does not depend on
        // whether the corruption arrived in the same piece of input.
        try deliverCompleteRows(at: offset, into: &sink)
        try check(status, at: offset)
        if status == Z_STREAM_END {
            hasStreamEnded = true
            if remainingByteCount > 0 {
                throw ImagingError(.truncated, "the zlib stream in IDAT ends after \(rowsDelivered) of \(rowsExpected) scanlines; the image data is incomplete", offset: offset, chunk: "IDAT")
            }
        }
    }

    /// Once every row is in, lets zlib read on to the end of its stream (the Adler-32 may come
    /// later), refusing any further output.
    private func inflatePastImage(at offset: Int) throws(ImagingError) {
        // The staging buffer is no longer needed; a few bytes of it catch excess output.
        stream.pointee.next_out = stage
        stream.pointee.avail_out = 64
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        guard stream.pointee.avail_out == 64 else {
            throw ImagingError(.tooMuchData, "IDAT inflates to more than the \(header.decompressedByteCount) bytes a \(header.width)×\(header.height) image needs; the file is corrupt", offset: offset, chunk: "IDAT")
        }
        try check(status, at: offset)
        if status == Z_STREAM_END { hasStreamEnded = true }
    }

    /// Maps zlib's status to an error when it is one.
    private func check(_ status: Int32, at offset: Int) throws(ImagingError) {
        switch status {
        case Z_OK, Z_STREAM_END, Z_BUF_ERROR:
            return
        case Z_NEED_DICT:
            throw ImagingError(.badCompressedData, "the zlib stream in IDAT asks for a preset dictionary, which PNG forbids", offset: offset, chunk: "IDAT")
        case Z_DATA_ERROR:
            let reason = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
            throw ImagingError(.badCompressedData, "the zlib stream in IDAT is corrupt (\(reason))", offset: offset, chunk: "IDAT")
        default:
            throw ImagingError(.badCompressedData, "zlib failed while inflating IDAT (status \(status))", offset: offset, chunk: "IDAT")
        }
    }

    /// Reconstructs, unpacks and delivers every whole scanline in the staging buffer.
    private func deliverCompleteRows(at offset: Int, into sink: inout some RowSink) throws(ImagingError) {
        while passIndex < header.passes.count, filled - consumed > rowByteCount {
            let pass = header.passes[passIndex]
            let row = stage + consumed
            let stride = rowByteCount + 1
            if isRowReconstructed {
                isRowReconstructed = false
            } else if rowInPass + 1 < pass.height && filled - consumed >= 2 * stride && row[stride] == row[0]
                && PNGFilter.canPairRows(type: row[0], stride: header.filterStride) {
                // Two Average or Paeth rows in a row: reconstruct them together (see
                // PNGFilter+Pairs.swift); the second is delivered in the next iteration.
                PNGFilter.reconstructPair(type: row[0], first: row + 1, prior: priorRow, second: row + stride + 1, count: rowByteCount, stride: header.filterStride)
                isRowReconstructed = true
            } else {
                guard PNGFilter.reconstruct(type: row[0], row: row + 1, prior: priorRow, count: rowByteCount, stride: header.filterStride) else {
                    throw ImagingError(.badFilter, "scanline \(rowInPass) of pass \(pass.number) has filter type \(row[0]); PNG defines only 0 ... 4, the file is corrupt", offset: offset, chunk: "IDAT")
                }
            }
            let pixels: UnsafePointer<UInt8>
            switch unpacker.unpack(row + 1, pixelCount: pass.width, into: output) {
            case .success(let unpacked):
                pixels = unpacked
            case .failure(let bad):
                throw ImagingError(.badPalette, "pixel \(bad.pixel) of scanline \(rowInPass) in pass \(pass.number) uses palette index \(bad.index), but PLTE has only \(bad.paletteCount) entries", offset: offset, chunk: "IDAT")
            }
            let fragment = RowFragment(
                y: pass.yStart + rowInPass * pass.yStep, xStart: pass.xStart, xStep: pass.xStep, pixelCount: pass.width,
                bytes: UnsafeRawBufferPointer(start: pixels, count: pass.width * layoutBytesPerPixel))
            try sink.consume(fragment)
            priorRow = UnsafePointer(row + 1)
            consumed += stride
            rowInPass += 1
            if rowInPass == pass.height { startNextPass() }
        }
    }

    /// Moves on to the next pass, whose first scanline has an all-zero predecessor.
    private func startNextPass() {
        passIndex += 1
        rowInPass = 0
        guard passIndex < header.passes.count else { return }
        rowByteCount = header.rowByteCount(pixelCount: header.passes[passIndex].width)
        priorBuffer.update(repeating: 0, count: rowByteCount)
        priorRow = UnsafePointer(priorBuffer)
    }

    /// Moves the partial scanline at the end of the staging buffer to its front, keeping the
    /// previous scanline in `priorBuffer` if it was about to be overwritten.
    private func compactStage() {
        if priorRow >= UnsafePointer(stage) && priorRow < UnsafePointer(stage + stageCapacity) {
            priorBuffer.update(from: priorRow, count: rowByteCount)
            priorRow = UnsafePointer(priorBuffer)
        }
        let partial = filled - consumed
        // The regions may overlap when a pass change left a partial row longer than those consumed.
        if partial > 0 { memmove(stage, stage + consumed, partial) }
        filled = partial
        consumed = 0
    }
}
