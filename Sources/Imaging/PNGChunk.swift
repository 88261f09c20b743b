/// The chunk a `PNGDecoder` is reading: its identity, where it starts, how much of its data is
/// still to come, and its running CRC.
struct PNGChunkState {
    /// What the decoder does with a chunk's data as it streams past.
    enum Handling: Equatable {
        /// Keep it: a small critical chunk the decoder parses (IHDR, PLTE), bounded by its length check.
        case collect
        /// Feed it to inflate (IDAT).
        case inflate
        /// Only checksum it (ancillary chunks, IEND).
        case skip
    }

    /// The four type bytes as a big-endian number.
    private(set) var type: UInt32 = 0
    /// The type as text, e.g. `IDAT`.
    private(set) var name = ""
    /// Data length from the chunk's length field.
    private(set) var length = 0
    /// Offset of the chunk's length field in the file.
    private(set) var offset = 0
    /// Data bytes not yet read.
    var remaining = 0
    /// CRC-32 of the type and the data read so far.
    var crc: UInt32 = 0
    /// What to do with the data.
    var handling = Handling.skip

    /// No chunk yet.
    init() {}

    /// Validates a chunk header read at `offset`: the length within the format's and `limits`'
    /// bounds, the type four ASCII letters.
    init(type: UInt32, length: Int, offset: Int, limits: DecodingLimits) throws(ImagingError) {
        let typeBytes = (0..<4).map { UInt8(truncatingIfNeeded: type >> (24 - 8 * $0)) }
        let isLetters = typeBytes.allSatisfy { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
        let printable = typeBytes.map { (0x20...0x7E).contains($0) ? String(UnicodeScalar($0)) : "?" }.joined()
        guard isLetters else {
            let hex = typeBytes.map { String($0, radix: 16) }.joined(separator: " ")
            throw ImagingError(.malformed, "chunk type bytes \(hex) are not four ASCII letters; the file is corrupt or not a PNG", offset: offset, chunk: printable)
        }
        guard length <= 0x7FFF_FFFF else {
            throw ImagingError(.malformed, "chunk \(printable) claims \(length) bytes, beyond PNG's maximum of 2147483647; the file is corrupt", offset: offset, chunk: printable)
        }
        guard length <= limits.maxChunkLength else {
            throw ImagingError(.tooMuchData, "chunk \(printable) claims \(length) bytes, above the limit of \(limits.maxChunkLength); raise the chunk-length limit to accept it", offset: offset, chunk: printable)
        }
        self.type = type
        self.name = printable
        self.length = length
        self.offset = offset
        self.remaining = length
    }

    /// Critical chunks (first letter upper case) must be understood; ancillary ones may be skipped.
    var isCritical: Bool { type & 0x2000_0000 == 0 }

    /// An error about this chunk, located at its start.
    func error(_ code: ImagingError.Code, _ message: String) -> ImagingError {
        ImagingError(code, message, offset: offset, chunk: name)
    }
}

/// Enforces the PNG chunk order and tells the decoder what to do with each chunk's data.
///
/// IHDR first and once; PLTE at most once, before IDAT, never in greyscale images; tRNS at most
/// once, before IDAT; IDAT chunks consecutive; IEND after IDAT; unknown critical chunks refused.
struct PNGChunkOrder {
    private var hasHeader = false
    private var hasPalette = false
    private var hasTransparency = false
    private var hasImageData = false
    private var hasImageDataEnded = false

    /// Admits `chunk` at this point of the file or throws why it cannot be here. `header` is the
    /// parsed IHDR, present for every chunk after it.
    mutating func admit(_ chunk: PNGChunkState, header: PNGHeader?) throws(ImagingError) -> PNGChunkState.Handling {
        if hasImageData && chunk.name != "IDAT" { hasImageDataEnded = true }
        guard hasHeader || chunk.name == "IHDR" else {
            throw chunk.error(.badChunkOrder, "the first chunk is \(chunk.name); a PNG must start with IHDR")
        }
        switch chunk.name {
        case "IHDR":
            guard !hasHeader else { throw chunk.error(.badChunkOrder, "a second IHDR chunk; a PNG has exactly one") }
            hasHeader = true
            return .collect
        case "PLTE":
            guard !hasPalette else { throw chunk.error(.badChunkOrder, "a second PLTE chunk; a PNG has at most one") }
            guard !hasImageData else { throw chunk.error(.badChunkOrder, "PLTE comes after IDAT; it must come before") }
            if let header, header.colorType == .gray || header.colorType == .grayAlpha {
                throw chunk.error(.badChunkOrder, "PLTE in a greyscale image (colour type \(header.colorType.rawValue)), where PNG forbids it")
            }
            hasPalette = true
            return .collect
        case "tRNS":
            guard !hasTransparency else { throw chunk.error(.badChunkOrder, "a second tRNS chunk; a PNG has at most one") }
            guard !hasImageData else { throw chunk.error(.badChunkOrder, "tRNS comes after IDAT; it must come before") }
            hasTransparency = true
            return .skip
        case "IDAT":
            guard !hasImageDataEnded else {
                throw chunk.error(.badChunkOrder, "IDAT after another chunk ended the image data; IDAT chunks must be consecutive")
            }
            hasImageData = true
            return .inflate
        case "IEND":
            guard hasImageData else { throw chunk.error(.badChunkOrder, "IEND before any IDAT; the file has no image data") }
            return .skip
        default:
            guard !chunk.isCritical else {
                throw chunk.error(.malformed, "unknown critical chunk \(chunk.name); this decoder cannot read the image without it")
            }
            return .skip
        }
    }
}
