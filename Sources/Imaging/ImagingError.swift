/// Why an image could not be decoded or hashed: a code, where it happened, and a sentence.
///
/// `Imaging` does no I/O, so it does not know file names; callers set `source` before printing.
public struct ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The closed set of reasons an image is refused.
    public enum Code: String, Sendable {
        /// Not a PNG or PNM file (signature or magic number wrong).
        case unrecognizedFormat
        /// The input ended before the image did.
        case truncated
        /// A chunk's CRC-32 does not match its contents.
        case badChecksum
        /// Width or height zero, or a header field out of its legal range.
        case badHeader
        /// Width × height above the configured limit.
        case tooManyPixels
        /// Decompressed data larger than the image needs, or than the configured limit.
        case tooMuchData
        /// zlib reported a corrupt stream.
        case badCompressedData
        /// Chunks in an illegal order, a missing or duplicated critical chunk.
        case badChunkOrder
        /// A scanline filter byte above 4.
        case badFilter
        /// A palette index at or beyond the palette's size, or a missing palette.
        case badPalette
        /// Anything else malformed in the pixel data or header text.
        case malformed
    }

    /// What is wrong.
    public var code: Code
    /// A sentence a person can act on, without the source name.
    public var message: String
    /// Byte offset in the input where the problem was found, when known.
    public var offset: Int?
    /// The PNG chunk type involved (`IHDR`, `IDAT`, …), when there is one.
    public var chunk: String?
    /// The file or stream name, set by the caller that knows it.
    public var source: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, offset: Int? = nil, chunk: String? = nil, source: String? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.chunk = chunk
        self.source = source
    }

    /// One line: `<source>: <message> (chunk IDAT, byte 1234)`.
    public var description: String {
        var place: [String] = []
        if let chunk { place.append("chunk \(chunk)") }
        if let offset { place.append("byte \(offset)") }
        let location = place.isEmpty ? "" : " (\(place.joined(separator: ", ")))"
        return (source.map { "\($0): " } ?? "") + message + location
    }
}
