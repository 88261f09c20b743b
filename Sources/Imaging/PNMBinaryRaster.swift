/// Turns the binary raster of P4, P5 and P6 files into rows, however the input is split.
///
/// Rows are `ceil(width / 8)` bytes for P4 (bits, most significant first, 1 = black, padding bits
/// ignored), `width × channels` bytes for maxval ≤ 255 and twice that, big-endian, above. A row
/// that arrives whole in one input chunk is converted straight from it; a split row is gathered
/// in `pending` first. Memory: two rows.
struct PNMBinaryRaster {
    private enum Conversion {
        /// P4: bits to 0 (for 1) and 255 (for 0), as Pillow's "1;I" rawmode.
        case bits
        /// 8-bit samples passed on as they are (maxval 255).
        case bytesAsIs
        /// 8-bit samples through the table (maxval below 255).
        case bytesScaled([UInt16])
        /// 16-bit samples to 8 bits through the table (pixmaps with maxval above 255).
        case wordsToBytes([UInt16])
        /// 16-bit samples passed on as they are (graymap, maxval 65535).
        case wordsAsIs
        /// 16-bit samples to 16 bits through the table (graymaps with maxval 256 … 65534).
        case wordsScaled([UInt16])
    }

    private let header: PNMHeader
    private let conversion: Conversion
    private let inputRowByteCount: Int
    private let outputRowByteCount: Int
    private var pending: ScratchBytes
    private var pendingCount = 0
    private var output: ScratchBytes
    /// Rows delivered so far.
    private(set) var rowCount = 0

    /// Prepares for the raster of `header`.
    init(header: PNMHeader) {
        self.header = header
        let samples = header.width * header.kind.channels
        switch (header.kind.isBitmap, header.maxValue) {
        case (true, _):
            conversion = .bits
            inputRowByteCount = (header.width + 7) / 8
        case (false, 255):
            conversion = .bytesAsIs
            inputRowByteCount = samples
        case (false, ...254):
            conversion = .bytesScaled(PNMSampleScale(maxValue: header.maxValue, outMax: 255).table)
            inputRowByteCount = samples
        case (false, 65535) where header.isSixteenBitGray:
            conversion = .wordsAsIs
            inputRowByteCount = samples * 2
        case (false, _) where header.isSixteenBitGray:
            conversion = .wordsScaled(PNMSampleScale(maxValue: header.maxValue, outMax: 65535).table)
            inputRowByteCount = samples * 2
        case (false, _):
            conversion = .wordsToBytes(PNMSampleScale(maxValue: header.maxValue, outMax: 255).table)
            inputRowByteCount = samples * 2
        }
        outputRowByteCount = header.width * header.layout.bytesPerPixel
        pending = ScratchBytes(count: inputRowByteCount)
        output = ScratchBytes(count: outputRowByteCount)
    }

    /// True once every row has been delivered; later bytes are ignored, as Pillow does.
    var isComplete: Bool { rowCount == header.height }

    /// Consumes raster bytes, delivering each completed row to `sink`.
    mutating func feed(_ input: UnsafeRawBufferPointer, into sink: inout some RowSink) throws(ImagingError) {
        ScratchBytes.makeUnique(&pending)
        ScratchBytes.makeUnique(&output)
        var position = 0
        while position < input.count && !isComplete {
            let available = input.count - position
            if pendingCount == 0 && available >= inputRowByteCount {
                try deliver(UnsafeRawPointer(input.baseAddress! + position), into: &sink)
                position += inputRowByteCount
                continue
            }
            let taken = min(inputRowByteCount - pendingCount, available)
            (pending.pointer + pendingCount).copyMemory(from: input.baseAddress! + position, byteCount: taken)
            pendingCount += taken
            position += taken
            if pendingCount == inputRowByteCount {
                pendingCount = 0
                try deliver(UnsafeRawPointer(pending.pointer), into: &sink)
            }
        }
    }

    private mutating func deliver(_ row: UnsafeRawPointer, into sink: inout some RowSink) throws(ImagingError) {
        let source = row.assumingMemoryBound(to: UInt8.self)
        let target = output.bytes
        var bytes = UnsafeRawBufferPointer(start: output.pointer, count: outputRowByteCount)
        switch conversion {
        case .bits:
            for x in 0..<header.width {
                let bit = (source[x >> 3] >> (7 - UInt8(x & 7))) & 1
                target[x] = bit == 1 ? 0 : 255
            }
        case .bytesAsIs, .wordsAsIs:
            bytes = UnsafeRawBufferPointer(start: row, count: outputRowByteCount)
        case .bytesScaled(let table):
            table.withUnsafeBufferPointer { table in
                for i in 0..<outputRowByteCount { target[i] = UInt8(truncatingIfNeeded: table[Int(source[i])]) }
            }
        case .wordsToBytes(let table):
            table.withUnsafeBufferPointer { table in
                for i in 0..<outputRowByteCount {
                    target[i] = UInt8(truncatingIfNeeded: table[Int(source[2 * i]) << 8 | Int(source[2 * i + 1])])
                }
            }
        case .wordsScaled(let table):
            table.withUnsafeBufferPointer { table in
                for i in 0..<(outputRowByteCount / 2) {
                    let value = table[Int(source[2 * i]) << 8 | Int(source[2 * i + 1])]
                    target[2 * i] = UInt8(truncatingIfNeeded: value >> 8)
                    target[2 * i + 1] = UInt8(truncatingIfNeeded: value)
                }
            }
        }
        let fragment = RowFragment(y: rowCount, xStart: 0, xStep: 1, pixelCount: header.width, bytes: bytes)
        rowCount += 1
        try sink.consume(fragment)
    }
}
