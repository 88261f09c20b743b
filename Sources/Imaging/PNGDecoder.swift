import CZlib

// A PNG file (ISO/IEC 15948, PNG 3rd edition), as this decoder reads it.
//
//   offset  size  field
//   0       8     signature: 89 50 4E 47 0D 0A 1A 0A
//   8       …     chunks, each:
//                   4  length N, big-endian, 0 ... 2³¹ − 1 (bytes of data only)
//                   4  type, four ASCII letters; bit 5 of the first byte clear = critical
//                   N  data
//                   4  CRC-32 (ISO-HDLC) of type + data, big-endian
//
// Critical chunks and their order: IHDR first (13 bytes, see PNGHeader.swift); at most one PLTE
// before the first IDAT (1 ... 256 RGB entries; required for colour type 3, forbidden for 0 and 4,
// optional and unused for 2 and 6); one or more consecutive IDAT whose concatenated data is one
// zlib stream; IEND last, empty. tRNS, if present, precedes IDAT and follows PLTE. Any other
// critical chunk is refused; ancillary chunks are skipped after their CRC is checked. Bytes
// after IEND are ignored, as libpng and Pillow do.
//
// Where Pillow 13 hashes a file that breaks these rules without the break touching the pixels,
// this decoder accepts it too, so fingerprints agree: a PLTE outside a palette image, or after
// IDAT, or repeated (the last before IDAT wins), is skipped unread; tRNS may stand anywhere, any
// number of times, and be longer than needed (only a grey tRNS under 2 bytes or an RGB one under
// 6 is refused, as Pillow refuses it).
//
// Image data, once inflated: for each pass (one, or Adam7's seven minus the empty ones), for each
// row, a filter-type byte (0 ... 4) followed by the row's samples packed most significant bit
// first, each row starting on a byte boundary.

/// A streaming PNG decoder: bytes in, in pieces of any size, rows out to a `RowSink`.
///
/// Feed the file in any split — whole, byte by byte, in random pieces — and the sink sees the same
/// calls: `begin` once, when the first IDAT arrives, then one `consume` per row (non-interlaced,
/// top to bottom) or per pass row (Adam7, pass by pass). Then call `finish` to learn whether the
/// file was complete. Chunk data is streamed, never buffered whole, and memory stays proportional
/// to the image width.
///
/// Rows are delivered as soon as they are inflated, before the CRC of the IDAT chunk holding
/// them is checked; on any error the caller must discard what the sink received. After an error
/// the decoder refuses all further input.
///
/// Deliberate choices a caller should know:
/// - Every chunk's CRC-32 is checked, but not the zlib stream's Adler-32 (its four bytes must
///   still be there): the CRCs already cover every compressed byte, and skipping the checksum saves
///   about 10% of inflate time, as Chromium does with libpng.
/// - tRNS does not change the layout: alpha plays no part in a fingerprint. Like Pillow 13, the
///   decoder refuses only a grey tRNS under 2 bytes or an RGB one under 6, and ignores its
///   position, repetition, extra bytes, and any tRNS in colour types 3, 4 and 6.
/// - PLTE is read only in palette images before IDAT (the last one wins, as in Pillow); a PLTE
///   anywhere else is skipped unread, as Pillow skips it.
/// - Unlike Pillow, which checks no CRC after the first IDAT and accepts a file whose image data
///   is complete but whose tail (Adler-32, IEND) is missing, this decoder checks every CRC and
///   refuses truncated files; it also refuses unknown critical chunks (Pillow skips them),
///   palette indices beyond PLTE (Pillow reads its grey ramp) and excess image data.
/// - Bytes after IEND are ignored, as libpng and Pillow do.
/// - Rows use the layouts of `PixelLayout`, which match Pillow's unpackers; 16-bit grey stays
///   16-bit (`gray16`). Pillow opens 16-bit grey + alpha as RGBA with R = G = B; this decoder
///   delivers it as `grayAlpha`, whose luma is the same.
///
/// ```swift
/// var decoder = PNGDecoder(limits: DecodingLimits())
/// try decoder.feed(bytes, into: &sink)
/// try decoder.finish(into: &sink)
/// ```
public struct PNGDecoder {
    /// The eight bytes every PNG file starts with.
    package static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    private enum Phase {
        case signature
        case chunkHeader
        case chunkData
        case chunkCRC
        case done
        case failed
    }

    private let limits: DecodingLimits
    private var phase = Phase.signature
    /// Bytes of the file consumed so far: the offset of the next byte.
    private var offset = 0
    /// Signature, chunk header or CRC bytes collected so far (they may arrive split).
    private var fieldBytes: [UInt8] = []
    private var chunk = PNGChunkState()
    private var order = PNGChunkOrder()
    /// Data of the small critical chunks this decoder reads (IHDR, PLTE), at most 768 bytes.
    private var chunkData: [UInt8] = []
    private var header: PNGHeader?
    private var palette: Palette?
    private var scanlines: PNGScanlineDecoder?

    /// A decoder that refuses what `limits` forbids.
    public init(limits: DecodingLimits = DecodingLimits()) {
        self.limits = limits
        fieldBytes.reserveCapacity(8)
    }

    /// True once IEND has been read: every later byte is ignored, so a reader may stop feeding
    /// (and must still call `finish`).
    public var isComplete: Bool { phase == .done }

    /// Decodes a whole PNG file held in memory into `sink`.
    public static func decode(_ bytes: [UInt8], limits: DecodingLimits = DecodingLimits(), into sink: inout some RowSink) throws(ImagingError) {
        var decoder = PNGDecoder(limits: limits)
        try bytes.withUnsafeBytesTyped { (buffer) throws(ImagingError) in try decoder.feed(buffer, into: &sink) }
        try decoder.finish(into: &sink)
    }

    /// Consumes the next `bytes` of the file, delivering every row they complete to `sink`.
    ///
    /// Throws the first problem found; the decoder then refuses further input.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, into sink: inout some RowSink) throws(ImagingError) {
        guard phase != .failed else {
            throw ImagingError(.malformed, "the PNG decoder already failed; start a new one", offset: offset)
        }
        do throws(ImagingError) {
            try consume(bytes, into: &sink)
        } catch {
            phase = .failed
            throw error
        }
    }

    /// Declares the end of the input: throws `.truncated` unless the whole file, IEND included,
    /// has been fed. `sink` receives nothing more; it is taken for symmetry with `feed`.
    public mutating func finish(into sink: inout some RowSink) throws(ImagingError) {
        switch phase {
        case .done:
            return
        case .failed:
            throw ImagingError(.malformed, "the PNG decoder already failed; start a new one", offset: offset)
        case .signature:
            phase = .failed
            throw offset == 0
                ? ImagingError(.truncated, "the file is empty; expected a PNG", offset: 0)
                : ImagingError(.truncated, "the file ends inside the PNG signature", offset: offset)
        case .chunkHeader where header == nil:
            phase = .failed
            throw ImagingError(.truncated, "the file ends after the PNG signature, before IHDR", offset: offset)
        case .chunkHeader:
            phase = .failed
            if let scanlines, !scanlines.isImageComplete {
                throw ImagingError(.truncated, "the file ends after \(scanlines.rowsDelivered) of \(scanlines.rowsExpected) scanlines, with no IEND", offset: offset)
            }
            throw ImagingError(.truncated, "the file ends before its IEND chunk", offset: offset)
        case .chunkData, .chunkCRC:
            phase = .failed
            throw ImagingError(.truncated, "the file ends inside chunk \(chunk.name), \(chunk.length) bytes long, which starts at byte \(chunk.offset); the file is truncated", offset: offset, chunk: chunk.name)
        }
    }

    // MARK: - Framing

    private mutating func consume(_ bytes: UnsafeRawBufferPointer, into sink: inout some RowSink) throws(ImagingError) {
        var position = 0
        while position < bytes.count {
            switch phase {
            case .signature:
                let byte = bytes[position]
                guard byte == Self.signature[fieldBytes.count] else {
                    throw ImagingError(.unrecognizedFormat, "not a PNG file: byte \(offset) is 0x\(String(byte, radix: 16)), the PNG signature has 0x\(String(Self.signature[fieldBytes.count], radix: 16))", offset: offset)
                }
                fieldBytes.append(byte)
                position += 1
                offset += 1
                if fieldBytes.count == 8 {
                    fieldBytes.removeAll(keepingCapacity: true)
                    phase = .chunkHeader
                }
            case .chunkHeader, .chunkCRC:
                let take = min(bytes.count - position, (phase == .chunkHeader ? 8 : 4) - fieldBytes.count)
                fieldBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + take)]))
                position += take
                offset += take
                if phase == .chunkHeader && fieldBytes.count == 8 {
                    try startChunk(into: &sink)
                } else if phase == .chunkCRC && fieldBytes.count == 4 {
                    try endChunk()
                }
            case .chunkData:
                let take = min(bytes.count - position, chunk.remaining)
                let piece = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + take)])
                chunk.crc = UInt32(truncatingIfNeeded: crc32(UInt(chunk.crc), piece.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(take)))
                switch chunk.handling {
                case .collect: chunkData.append(contentsOf: piece)
                case .inflate:
                    // Copies of this decoder share the scanline decoder until one of them writes.
                    if !isKnownUniquelyReferenced(&scanlines) { scanlines = try scanlines!.copy() }
                    try scanlines!.inflate(piece, chunkOffset: chunk.offset, into: &sink)
                case .skip: break
                }
                position += take
                offset += take
                chunk.remaining -= take
                if chunk.remaining == 0 { phase = .chunkCRC }
            case .done:
                offset += bytes.count - position
                return
            case .failed:
                preconditionFailure("consume after failure")
            }
        }
    }

    /// Parses a complete chunk header, checks the chunk may come here and prepares for its data.
    private mutating func startChunk(into sink: inout some RowSink) throws(ImagingError) {
        let start = offset - 8
        let length = fieldBytes.withUnsafeBytes { Int($0.loadBigEndianUInt32(at: 0)) }
        let type = fieldBytes.withUnsafeBytes { $0.loadBigEndianUInt32(at: 4) }
        fieldBytes.removeAll(keepingCapacity: true)
        chunk = try PNGChunkState(type: type, length: length, offset: start, limits: limits)
        chunk.handling = try order.admit(chunk, header: header)

        switch chunk.name {
        case "IHDR" where length != PNGHeader.byteCount:
            throw chunk.error(.badHeader, "IHDR is \(length) bytes long; it must be 13")
        case "PLTE" where chunk.handling == .collect && (length == 0 || length > 768 || length % 3 != 0):
            throw chunk.error(.badPalette, "PLTE is \(length) bytes long; it must hold 1 ... 256 entries of 3 bytes")
        case "tRNS":
            try checkTransparencyLength(length)
        case "IEND" where length != 0:
            throw chunk.error(.malformed, "IEND is \(length) bytes long; it must be empty")
        case "IDAT" where scanlines == nil:
            try startImageData(into: &sink)
        default:
            break
        }
        if chunk.handling != .inflate, let scanlines, !scanlines.isFinished {
            // The IDAT run is over (order forbids another), so the image data must be complete now.
            throw imageDataEndedEarly(scanlines)
        }
        chunkData.removeAll(keepingCapacity: true)
        chunk.crc = UInt32(truncatingIfNeeded: typeCRC(type))
        phase = length == 0 ? .chunkCRC : .chunkData
    }

    /// The CRC-32 of a chunk type's four bytes, the start of every chunk's CRC.
    private func typeCRC(_ type: UInt32) -> UInt {
        withUnsafeBytes(of: type.bigEndian) { crc32(0, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), 4) }
    }

    /// The error for image data that stops, at the current chunk, before the image or its zlib stream is complete.
    private func imageDataEndedEarly(_ scanlines: PNGScanlineDecoder) -> ImagingError {
        if scanlines.isImageComplete {
            return chunk.error(.truncated, "the image data ends before its zlib stream does (no end marker or Adler-32); the file is truncated or corrupt")
        }
        return chunk.error(.truncated, "the image data ends after \(scanlines.rowsDelivered) of \(scanlines.rowsExpected) scanlines; IDAT is too short")
    }

    /// Checks the CRC of the chunk just read and acts on the data of the chunks this decoder reads.
    private mutating func endChunk() throws(ImagingError) {
        let stored = fieldBytes.withUnsafeBytes { $0.loadBigEndianUInt32(at: 0) }
        fieldBytes.removeAll(keepingCapacity: true)
        guard stored == chunk.crc else {
            throw chunk.error(.badChecksum, "chunk \(chunk.name) has CRC 0x\(String(stored, radix: 16)) but its contents give 0x\(String(chunk.crc, radix: 16)); the file is corrupt")
        }
        phase = .chunkHeader
        switch chunk.name {
        case "IHDR":
            header = try chunkData.withUnsafeBytesTyped { (data) throws(ImagingError) in
                try PNGHeader(parsing: data, chunkOffset: chunk.offset, limits: limits)
            }
        case "PLTE" where chunk.handling == .collect:
            palette = Palette(rgb: chunkData)
        case "IEND":
            phase = .done
        default:
            break
        }
    }

    // MARK: - Chunk contents

    /// Refuses a grey or RGB tRNS too short to hold its colour, as Pillow 13 does; its values do
    /// not affect the layout, and longer ones, or any in other colour types, are accepted as
    /// Pillow accepts them (it reads the first bytes, or ignores the chunk).
    private func checkTransparencyLength(_ length: Int) throws(ImagingError) {
        switch header!.colorType {
        case .gray where length < 2:
            throw chunk.error(.malformed, "tRNS is \(length) bytes long; a grey image's needs 2")
        case .rgb where length < 6:
            throw chunk.error(.malformed, "tRNS is \(length) bytes long; an RGB image's needs 6")
        default:
            return
        }
    }

    /// Sets up inflation at the first IDAT and tells the sink what is coming.
    private mutating func startImageData(into sink: inout some RowSink) throws(ImagingError) {
        let header = header!
        if header.colorType == .palette && palette == nil {
            throw chunk.error(.badPalette, "colour type 3 needs a PLTE chunk before IDAT and there is none")
        }
        // Palettes are only used by colour type 3; a suggested palette in RGB images is ignored.
        let paletteCount = header.colorType == .palette ? palette!.count : 256
        do throws(ImagingError) {
            scanlines = try PNGScanlineDecoder(header: header, paletteCount: paletteCount)
        } catch {
            throw chunk.error(error.code, error.message)
        }
        let imageHeader = ImageHeader(
            width: header.width, height: header.height,
            layout: header.layout(palette: header.colorType == .palette ? palette : nil),
            format: .png, isInterlaced: header.isInterlaced, sourceBitDepth: header.bitDepth)
        try sink.begin(imageHeader)
    }
}
