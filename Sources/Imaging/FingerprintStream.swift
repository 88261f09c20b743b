/// Fingerprints one image fed in chunks of any size: sniffs the format from the first bytes,
/// decodes as bytes arrive and resamples row by row, so memory stays proportional to the width.
///
/// ```swift
/// var stream = FingerprintStream()
/// while let chunk = read(256 << 10) { try stream.feed(chunk) }
/// let fingerprint = try stream.finish()
/// ```
/// Formats: PNG (every colour type, bit depth and interlace) and PNM (P1 … P6). After an error,
/// discard the stream.
public struct FingerprintStream {
    private enum Decoder {
        /// Fewer bytes than the format sniffing needs have arrived (at most 7).
        case sniffing([UInt8])
        case png(PNGDecoder)
        case pnm(PNMDecoder)
        /// Held while a decoder is taken out to be mutated.
        case busy
    }

    /// The 8-byte PNG signature.
    static var pngSignature: [UInt8] { PNGDecoder.signature }

    private let size: Int
    private let limits: DecodingLimits
    private var decoder = Decoder.sniffing([])
    private var builder: ThumbnailBuilder

    /// A stream producing `size × size`-bit hashes (ImageHash's `hash_size`, 2 … 256) and refusing
    /// images beyond `limits`.
    public init(size: Int = 8, limits: DecodingLimits = DecodingLimits()) {
        precondition((2...256).contains(size), "hash size \(size) outside 2 … 256")
        self.size = size
        self.limits = limits
        builder = ThumbnailBuilder(width: size + 1, height: size, limits: limits)
    }

    /// True once the image is complete and every further byte would be ignored: a reader may stop
    /// there (and must still call `finish`), so endless input after an image cannot keep it busy.
    public var isComplete: Bool {
        switch decoder {
        case .png(let png): png.isComplete
        case .pnm(let pnm): pnm.isComplete
        case .sniffing, .busy: false
        }
    }

    /// Consumes the next chunk of the file.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws(ImagingError) {
        switch decoder {
        case .sniffing(let prefix):
            decoder = .busy
            // Only the head is copied: a whole file handed over in one chunk is never duplicated.
            let head = prefix + chunk.prefix(Self.pngSignature.count)
            guard let format = try Self.sniff(head) else {
                // Still a proper prefix of a signature, so the whole chunk is in `head`.
                decoder = .sniffing(head)
                return
            }
            try start(format, prefix: prefix)
            try feed(chunk)
        case .png(var png):
            decoder = .busy
            try png.feed(chunk, into: &builder)
            decoder = .png(png)
        case .pnm(var pnm):
            decoder = .busy
            try pnm.feed(chunk, into: &builder)
            decoder = .pnm(pnm)
        case .busy:
            throw ImagingError(.malformed, "the fingerprint stream was used after it finished or reported an error")
        }
    }

    /// Consumes the next chunk of the file.
    public mutating func feed(_ chunk: [UInt8]) throws(ImagingError) {
        try chunk.withUnsafeBufferPointer { (bytes) throws(ImagingError) in try feed(UnsafeRawBufferPointer(bytes)) }
    }

    /// Ends the input and returns the fingerprint.
    public mutating func finish() throws(ImagingError) -> Fingerprint {
        switch decoder {
        case .sniffing(let prefix):
            decoder = .busy
            guard let format = try Self.sniff(prefix) else {
                throw ImagingError(.truncated, prefix.isEmpty ? "the input is empty" : "the input is only \(prefix.count) byte(s) long", offset: prefix.count)
            }
            try start(format, prefix: prefix)
            return try finish()
        case .png(var png):
            decoder = .busy
            try png.finish(into: &builder)
        case .pnm(var pnm):
            decoder = .busy
            try pnm.finish(into: &builder)
        case .busy:
            throw ImagingError(.malformed, "the fingerprint stream was used after it finished or reported an error")
        }
        let thumbnail = try builder.finish()
        let header = builder.header!
        return Fingerprint(
            hash: DifferenceHash(thumbnail: thumbnail, size: size),
            width: header.width, height: header.height, format: header.format, sourceBitDepth: header.sourceBitDepth
        )
    }

    /// The format `prefix` starts with; nil while `prefix` is still a prefix of a signature.
    static func sniff(_ prefix: [UInt8]) throws(ImagingError) -> ImageFormat? {
        let candidates: [(ImageFormat, [UInt8])] = [(.png, pngSignature)] + (1...6).map { (.pnm, [UInt8(ascii: "P"), UInt8(ascii: "0") + UInt8($0)]) }
        for (format, signature) in candidates {
            if prefix.starts(with: signature) { return format }
            // A prefix of a signature needs more bytes, or was cut short: `finish` says truncated.
            if prefix.count < signature.count && signature.starts(with: prefix) { return nil }
        }
        throw ImagingError(.unrecognizedFormat, "not a PNG or PNM image: the file starts with neither the PNG signature nor P1 … P6", offset: 0)
    }

    private mutating func start(_ format: ImageFormat, prefix: [UInt8]) throws(ImagingError) {
        switch format {
        case .pnm:
            var pnm = PNMDecoder(limits: limits)
            try prefix.withUnsafeBufferPointer { (bytes) throws(ImagingError) in
                try pnm.feed(UnsafeRawBufferPointer(bytes), into: &builder)
            }
            decoder = .pnm(pnm)
        case .png:
            var png = PNGDecoder(limits: limits)
            try prefix.withUnsafeBufferPointer { (bytes) throws(ImagingError) in
                try png.feed(UnsafeRawBufferPointer(bytes), into: &builder)
            }
            decoder = .png(png)
        }
    }
}
