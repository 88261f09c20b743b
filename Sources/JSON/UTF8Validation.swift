/// Well-formed UTF-8 as Unicode defines it (Table 3-7): no overlong forms, no encoded surrogates
/// (U+D800–U+DFFF), nothing above U+10FFFF, no stray continuation bytes.
///
/// The reader checks strings with `sequence(in:at:)` as it meets each non-ASCII byte; the writer
/// checks caller-supplied byte strings with `firstInvalidOffset(in:)`.
enum UTF8Validation {
    /// What the bytes at an offset hold.
    enum Sequence: Equatable {
        /// A well-formed scalar of this many bytes (2…4; ASCII is handled by the callers).
        case valid(length: Int)
        /// Malformed bytes.
        case invalid
        /// Well-formed so far, but the buffer ends before the scalar does.
        case truncated
    }

    /// Classifies the multi-byte sequence whose lead byte is at `offset` (`bytes[offset] >= 0x80`).
    @inline(__always)
    static func sequence(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Sequence {
        let lead = bytes[offset]
        let length: Int
        // The allowed range of the second byte depends on the lead byte; the others are 80…BF.
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return .invalid
        }
        var index = offset + 1
        let end = offset + length
        while index < end {
            guard index < bytes.count else { return .truncated }
            let byte = bytes[index]
            guard byte >= low && byte <= high else { return .invalid }
            low = 0x80
            high = 0xBF
            index += 1
        }
        return .valid(length: length)
    }

    /// The offset of the first byte that does not start a well-formed scalar; nil when every byte
    /// of `bytes` is well-formed UTF-8. A sequence cut off by the end counts as malformed.
    static func firstInvalidOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
        var offset = 0
        let count = bytes.count
        while offset < count {
            // Eight ASCII bytes at a time: the common case for keys, hashes, paths.
            while offset + 8 <= count,
                  bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                offset += 8
            }
            guard offset < count else { break }
            if bytes[offset] < 0x80 {
                offset += 1
                continue
            }
            guard case .valid(let length) = sequence(in: bytes, at: offset) else { return offset }
            offset += length
        }
        return nil
    }

    /// Whether `bytes` are entirely well-formed UTF-8.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        firstInvalidOffset(in: bytes) == nil
    }
}
