/// What fingerprinting one image gives: its difference hash and what the header said.
public struct Fingerprint: Sendable, Equatable {
    /// The dHash, identical to ImageHash 4.3.2's for 8-bit-per-sample images.
    public var hash: DifferenceHash
    /// Width of the image in pixels.
    public var width: Int
    /// Height of the image in pixels.
    public var height: Int
    /// The container format.
    public var format: ImageFormat
    /// Bits per sample in the file (1, 2, 4, 8 or 16).
    public var sourceBitDepth: Int

    /// Creates a fingerprint.
    public init(hash: DifferenceHash, width: Int, height: Int, format: ImageFormat, sourceBitDepth: Int) {
        self.hash = hash
        self.width = width
        self.height = height
        self.format = format
        self.sourceBitDepth = sourceBitDepth
    }
}
