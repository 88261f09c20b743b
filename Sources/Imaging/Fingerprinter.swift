/// The one entry point for fingerprinting an image held in memory.
///
/// The hash is bit for bit what ImageHash 4.3.2's `dhash` gives with Pillow 13, with one
/// deliberate difference: 16-bit greyscale (PNG grey 16-bit, PGM with maxval above 255) is
/// reduced to 8 bits by keeping the high byte of each sample, where Pillow clips every value
/// above 255 to white and so hashes every such image to `0000000000000000`.
///
/// For input that arrives in pieces (files, sockets), use `FingerprintStream` directly.
public enum Fingerprinter {
    /// The dHash and header facts of the PNG or PNM image in `bytes`.
    ///
    /// `size` is ImageHash's `hash_size` (2 … 256; 8 gives the standard 64-bit hash).
    public static func fingerprint(_ bytes: UnsafeRawBufferPointer, size: Int = 8, limits: DecodingLimits = DecodingLimits()) throws(ImagingError) -> Fingerprint {
        var stream = FingerprintStream(size: size, limits: limits)
        try stream.feed(bytes)
        return try stream.finish()
    }

    /// The dHash and header facts of the PNG or PNM image in `bytes`.
    public static func fingerprint(_ bytes: [UInt8], size: Int = 8, limits: DecodingLimits = DecodingLimits()) throws(ImagingError) -> Fingerprint {
        var stream = FingerprintStream(size: size, limits: limits)
        try stream.feed(bytes)
        return try stream.finish()
    }
}
