// The text header of a Netpbm file, read the way Pillow 13's PpmImagePlugin reads it.
//
//   magic      "P1" … "P6", then one whitespace byte (Pillow reads up to 6 non-space bytes as
//              the magic, so "P6x" or "P6#" is not a PNM file)
//   tokens     width, height, and (except for the bitmaps P1/P4) maxval, in ASCII decimal:
//              leading whitespace skipped; a token ends at one whitespace byte, which is
//              consumed; at most 10 bytes; `#` starts a comment running to CR or LF (both
//              consumed), and the token goes on after it, as in Pillow (`12#c\n3` is 123)
//   whitespace space, TAB, LF, VT, FF, CR
//   raster     starts right after the whitespace byte that ended the last token
//
// Width and height must be at least 1 and maxval 1 … 65535.

/// What the header of a PNM file says.
struct PNMHeader: Equatable {
    /// The six Netpbm variants.
    enum Kind: UInt8 {
        case plainBitmap = 1, plainGraymap, plainPixmap, bitmap, graymap, pixmap

        /// True for P1 … P3, whose samples are ASCII decimal.
        var isPlain: Bool { rawValue <= 3 }
        /// True for P1 and P4, whose samples are bits where 1 is black.
        var isBitmap: Bool { self == .plainBitmap || self == .bitmap }
        /// Samples per pixel: 3 for pixmaps, 1 otherwise.
        var channels: Int { self == .plainPixmap || self == .pixmap ? 3 : 1 }
    }

    /// Which variant.
    var kind: Kind
    /// Width in pixels, at least 1.
    var width: Int
    /// Height in pixels, at least 1.
    var height: Int
    /// The largest sample value: 1 for bitmaps, else 1 … 65535.
    var maxValue: Int

    /// True when the samples keep 16 bits after Pillow's scaling: grey with maxval above 255,
    /// which Pillow opens as mode "I" (and clips to white; the pipeline scales instead).
    var isSixteenBitGray: Bool { !kind.isBitmap && kind.channels == 1 && maxValue > 255 }

    /// The layout of the rows the decoder delivers.
    var layout: PixelLayout {
        if kind.channels == 3 { return .rgb }
        return isSixteenBitGray ? .gray16 : .gray
    }
}

/// Reads a PNM header one byte at a time, so it can be fed from any split of the input.
struct PNMHeaderParser {
    private enum Phase {
        case magic
        case tokens
    }

    private var phase = Phase.magic
    private var magic: [UInt8] = []
    private var kind: PNMHeader.Kind?
    private var token: [UInt8] = []
    private var isInComment = false
    private var values: [Int] = []

    /// The longest token Pillow accepts.
    private static let maxTokenLength = 10

    /// True for the six bytes Netpbm (and Pillow) treat as whitespace.
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// Consumes one header byte at input offset `offset`; returns the header once the byte that
    /// ends the last token has been consumed.
    mutating func consume(_ byte: UInt8, at offset: Int) throws(ImagingError) -> PNMHeader? {
        switch phase {
        case .magic:
            try consumeMagic(byte, at: offset)
            return nil
        case .tokens:
            return try consumeToken(byte, at: offset)
        }
    }

    /// Describes what the header was still waiting for when the input ended.
    var truncationMessage: String {
        switch phase {
        case .magic: "the PNM header ends inside the magic number"
        case .tokens: "the PNM header ends before its \(["width", "height", "maxval"][min(values.count, 2)])"
        }
    }

    private mutating func consumeMagic(_ byte: UInt8, at offset: Int) throws(ImagingError) {
        if Self.isWhitespace(byte) {
            guard magic.count == 2, magic[0] == UInt8(ascii: "P"),
                  let kind = PNMHeader.Kind(rawValue: magic[1] &- UInt8(ascii: "0"))
            else { throw Self.badMagic(at: offset) }
            self.kind = kind
            phase = .tokens
            return
        }
        magic.append(byte)
        // Pillow reads at most 6 bytes of magic; anything but P1 … P6 then whitespace is refused
        // as soon as it cannot match.
        let isPrefix = magic.count == 1 ? byte == UInt8(ascii: "P") : magic.count == 2 && (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(byte)
        guard isPrefix else { throw Self.badMagic(at: offset) }
    }

    private mutating func consumeToken(_ byte: UInt8, at offset: Int) throws(ImagingError) -> PNMHeader? {
        if isInComment {
            if byte == 0x0A || byte == 0x0D { isInComment = false }
            return nil
        }
        if byte == UInt8(ascii: "#") {
            isInComment = true
            return nil
        }
        if Self.isWhitespace(byte) {
            if token.isEmpty { return nil }
            return try finishToken(at: offset)
        }
        guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
            throw ImagingError(.badHeader, "the PNM header has a byte 0x\(String(byte, radix: 16)) where a decimal number was expected; the file is damaged or not a PNM", offset: offset)
        }
        guard token.count < Self.maxTokenLength else {
            throw ImagingError(.badHeader, "a PNM header number is longer than \(Self.maxTokenLength) digits", offset: offset)
        }
        token.append(byte)
        return nil
    }

    private mutating func finishToken(at offset: Int) throws(ImagingError) -> PNMHeader? {
        var value = 0
        for digit in token { value = value * 10 + Int(digit - UInt8(ascii: "0")) }
        token.removeAll(keepingCapacity: true)
        values.append(value)
        guard let kind else { return nil }
        let needed = kind.isBitmap ? 2 : 3
        if values.count < needed {
            return nil
        }
        guard values[0] >= 1, values[1] >= 1 else {
            throw ImagingError(.badHeader, "the PNM header says \(values[0]) × \(values[1]) pixels; width and height must be at least 1", offset: offset)
        }
        let maxValue = kind.isBitmap ? 1 : values[2]
        guard (1...65535).contains(maxValue) else {
            throw ImagingError(.badHeader, "the PNM maxval is \(maxValue); it must be 1 … 65535", offset: offset)
        }
        return PNMHeader(kind: kind, width: values[0], height: values[1], maxValue: maxValue)
    }

    private static func badMagic(at offset: Int) -> ImagingError {
        ImagingError(.unrecognizedFormat, "not a PNM file: it must start with P1 … P6 and a whitespace byte", offset: offset)
    }
}
