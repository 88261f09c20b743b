/// Turns the ASCII raster of P1, P2 and P3 files into rows, the way Pillow 13's
/// `PpmPlainDecoder` reads it.
///
/// P1: every `0` or `1` is one pixel (1 = black); whitespace between them is optional; any other
/// byte is refused. P2/P3: decimal samples separated by whitespace, at most 10 digits, at most
/// maxval, scaled as `PNMSampleScale` says. In both, `#` starts a comment that runs to CR or LF,
/// and Pillow deletes the comment *with* its line end, so a number split by a comment joins up
/// (`12#c\n3` is 123). Bytes after the last row are ignored.
struct PNMPlainRaster {
    private let header: PNMHeader
    private let table: [UInt16]
    private let bytesPerSample: Int
    private let samplesPerRow: Int
    private var row: ScratchBytes
    private var sampleCount = 0
    private var token = 0
    private var tokenLength = 0
    private var isInComment = false
    /// Rows delivered so far.
    private(set) var rowCount = 0

    private static let maxTokenLength = 10

    /// Prepares for the raster of `header`.
    init(header: PNMHeader) {
        self.header = header
        let outMax = header.isSixteenBitGray ? 65535 : 255
        table = header.kind.isBitmap ? [] : PNMSampleScale(maxValue: header.maxValue, outMax: outMax).table
        bytesPerSample = header.isSixteenBitGray ? 2 : 1
        samplesPerRow = header.width * header.kind.channels
        row = ScratchBytes(count: samplesPerRow * bytesPerSample)
    }

    /// True once every row has been delivered.
    var isComplete: Bool { rowCount == header.height }

    /// Consumes raster bytes starting at input offset `offset`, delivering completed rows.
    mutating func feed(_ input: UnsafeRawBufferPointer, at offset: Int, into sink: inout some RowSink) throws(ImagingError) {
        ScratchBytes.makeUnique(&row)
        for index in 0..<input.count where !isComplete {
            let byte = input[index]
            if isInComment {
                if byte == 0x0A || byte == 0x0D { isInComment = false }
                continue
            }
            if byte == UInt8(ascii: "#") {
                isInComment = true
                continue
            }
            if header.kind.isBitmap {
                try consumeBit(byte, at: offset + index, into: &sink)
            } else if PNMHeaderParser.isWhitespace(byte) {
                if tokenLength > 0 { try finishSample(at: offset + index, into: &sink) }
            } else {
                try consumeDigit(byte, at: offset + index)
            }
        }
    }

    /// Called at the end of the input: a number the input ended inside still counts.
    mutating func finish(at offset: Int, into sink: inout some RowSink) throws(ImagingError) {
        ScratchBytes.makeUnique(&row)
        if tokenLength > 0 && !isComplete { try finishSample(at: offset, into: &sink) }
    }

    private mutating func consumeBit(_ byte: UInt8, at offset: Int, into sink: inout some RowSink) throws(ImagingError) {
        if PNMHeaderParser.isWhitespace(byte) { return }
        guard byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") else {
            throw ImagingError(.malformed, "a plain PBM (P1) raster may hold only 0, 1, whitespace and comments, not byte 0x\(String(byte, radix: 16))", offset: offset)
        }
        try store(byte == UInt8(ascii: "1") ? 0 : 255, into: &sink)
    }

    private mutating func consumeDigit(_ byte: UInt8, at offset: Int) throws(ImagingError) {
        guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
            throw ImagingError(.malformed, "a plain PNM sample holds byte 0x\(String(byte, radix: 16)); samples are unsigned decimal numbers", offset: offset)
        }
        guard tokenLength < Self.maxTokenLength else {
            throw ImagingError(.malformed, "a plain PNM sample is longer than \(Self.maxTokenLength) digits", offset: offset)
        }
        token = token * 10 + Int(byte - UInt8(ascii: "0"))
        tokenLength += 1
    }

    private mutating func finishSample(at offset: Int, into sink: inout some RowSink) throws(ImagingError) {
        let value = token
        token = 0
        tokenLength = 0
        guard value <= header.maxValue else {
            throw ImagingError(.malformed, "a plain PNM sample is \(value), above the maxval \(header.maxValue)", offset: offset)
        }
        try store(table[value], into: &sink)
    }

    private mutating func store(_ value: UInt16, into sink: inout some RowSink) throws(ImagingError) {
        let target = row.bytes
        if bytesPerSample == 2 {
            target[2 * sampleCount] = UInt8(truncatingIfNeeded: value >> 8)
            target[2 * sampleCount + 1] = UInt8(truncatingIfNeeded: value)
        } else {
            target[sampleCount] = UInt8(truncatingIfNeeded: value)
        }
        sampleCount += 1
        guard sampleCount == samplesPerRow else { return }
        sampleCount = 0
        let bytes = UnsafeRawBufferPointer(start: row.pointer, count: row.count)
        let fragment = RowFragment(y: rowCount, xStart: 0, xStep: 1, pixelCount: header.width, bytes: bytes)
        rowCount += 1
        try sink.consume(fragment)
    }
}
