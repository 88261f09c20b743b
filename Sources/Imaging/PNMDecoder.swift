// Netpbm (PNM) decoding: P1 … P6, plain (ASCII) and binary, maxval 1 … 65535, with Pillow 13's
// values. The header is specified in PNMHeader.swift, the rasters in PNMBinaryRaster.swift and
// PNMPlainRaster.swift.
//
// What the rows hold, per variant (Pillow's mode in brackets):
//   P1, P4  `.gray`, 0 for a 1 bit (black) and 255 for a 0 bit            ["1"]
//   P2, P5  `.gray`, samples scaled to 0 … 255 when maxval ≤ 255            ["L"]
//           `.gray16`, scaled to 0 … 65535 when maxval > 255                 ["I"]
//   P3, P6  `.rgb`, samples scaled to 0 … 255, whatever the maxval          ["RGB"]
// Scaling is `min(outMax, round(v / maxval × outMax))` (see PNMSampleScale.swift).

/// Decodes a PNM file fed in pieces of any size, pushing rows into a `RowSink`.
///
/// Feed every byte with `feed(_:into:)`, then call `finish(into:)`; the result is the same
/// however the input is split. The header's width × height is checked against the limits
/// before anything is allocated; memory is a few rows. After an error the decoder must be
/// discarded.
public struct PNMDecoder {
    private enum State {
        case header(PNMHeaderParser)
        case binary(PNMBinaryRaster)
        case plain(PNMPlainRaster)
        /// Held while a raster is taken out to be mutated, so its buffers stay uniquely referenced.
        case busy
    }

    private let limits: DecodingLimits
    private var state = State.header(PNMHeaderParser())
    private var offset = 0

    /// The header, once it has been read.
    public private(set) var header: ImageHeader?

    /// True once every row has been delivered: later bytes are ignored, as Pillow ignores them, so
    /// a reader may stop feeding (and must still call `finish`). A plain (ASCII) raster whose
    /// last number runs to the end of the input completes only at `finish`.
    public var isComplete: Bool {
        switch state {
        case .binary(let raster): raster.isComplete
        case .plain(let raster): raster.isComplete
        case .header, .busy: false
        }
    }

    /// A decoder that refuses images beyond `limits`.
    public init(limits: DecodingLimits = DecodingLimits()) {
        self.limits = limits
    }

    /// Consumes the next piece of the file.
    public mutating func feed(_ input: UnsafeRawBufferPointer, into sink: inout some RowSink) throws(ImagingError) {
        var rest = input
        if case .header(var parser) = state {
            var index = 0
            while index < rest.count {
                let byte = rest[index]
                index += 1
                if let header = try parser.consume(byte, at: offset + index - 1) {
                    try start(header, into: &sink)
                    break
                }
            }
            if case .header = state { state = .header(parser) }
            offset += index
            rest = UnsafeRawBufferPointer(rebasing: rest[index...])
        }
        switch state {
        case .header, .busy:
            break
        case .binary(var raster):
            state = .busy
            try raster.feed(rest, into: &sink)
            state = .binary(raster)
        case .plain(var raster):
            state = .busy
            try raster.feed(rest, at: offset, into: &sink)
            state = .plain(raster)
        }
        offset += rest.count
    }

    /// Ends the input; throws `.truncated` when rows are missing.
    public mutating func finish(into sink: inout some RowSink) throws(ImagingError) {
        let delivered: Int
        switch state {
        case .header(let parser):
            let message = offset == 0 ? "the input is empty" : parser.truncationMessage
            throw ImagingError(.truncated, message, offset: offset)
        case .binary(let raster):
            delivered = raster.rowCount
        case .plain(var raster):
            state = .busy
            try raster.finish(at: offset, into: &sink)
            state = .plain(raster)
            delivered = raster.rowCount
        case .busy:
            throw ImagingError(.malformed, "the PNM decoder was used after it finished or reported an error", offset: offset)
        }
        guard let header, delivered == header.height else {
            throw ImagingError(.truncated, "the PNM raster ends after \(delivered) of \(header?.height ?? 0) rows; the file is cut short", offset: offset)
        }
    }

    private mutating func start(_ parsed: PNMHeader, into sink: inout some RowSink) throws(ImagingError) {
        let (pixels, overflow) = parsed.width.multipliedReportingOverflow(by: parsed.height)
        guard !overflow, pixels <= limits.maxPixelCount else {
            throw ImagingError(.tooManyPixels, "the PNM is \(parsed.width) × \(parsed.height) pixels, above the limit of \(limits.maxPixelCount) pixels; raise the pixel limit to accept it", offset: 0)
        }
        let header = ImageHeader(
            width: parsed.width, height: parsed.height, layout: parsed.layout, format: .pnm,
            isInterlaced: false, sourceBitDepth: parsed.kind.isBitmap ? 1 : parsed.maxValue > 255 ? 16 : 8
        )
        self.header = header
        try sink.begin(header)
        state = parsed.kind.isPlain ? .plain(PNMPlainRaster(header: parsed)) : .binary(PNMBinaryRaster(header: parsed))
    }
}
