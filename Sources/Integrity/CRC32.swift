import CZlib

/// CRC-32 (ISO-HDLC, the one zip, gzip and PNG use), computed by zlib's `crc32`.
public enum CRC32 {
    /// The CRC-32 of `buffer`, continuing from `initial` (0 for a fresh checksum).
    ///
    /// Chaining works: `checksum(b, initial: checksum(a)) == checksum(a + b)`.
    public static func checksum(_ buffer: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return initial }
        var crc = UInt(initial)
        var offset = 0
        // zlib takes a 32-bit length; feed large buffers in pieces.
        while offset < buffer.count {
            let length = min(buffer.count - offset, Int(UInt32.max >> 1))
            crc = CZlib.crc32(crc, base.assumingMemoryBound(to: UInt8.self) + offset, UInt32(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The CRC-32 of `bytes`, continuing from `initial`.
    public static func checksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, initial: initial) }
    }
}
