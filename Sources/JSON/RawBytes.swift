/// Equality and order of byte strings in borrowed memory, eight bytes at a time.
///
/// The target imports no C library, so there is no `memcmp`; keys are short, and a word-wide loop
/// is as fast as the call would be.
@usableFromInline
enum RawBytes {
    /// Whether the `count` bytes at `a` and at `b` are the same.
    @inlinable
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        var index = 0
        while index + 8 <= count {
            guard a.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    == b.loadUnaligned(fromByteOffset: index, as: UInt64.self) else { return false }
            index += 8
        }
        while index < count {
            guard a.load(fromByteOffset: index, as: UInt8.self) == b.load(fromByteOffset: index, as: UInt8.self) else {
                return false
            }
            index += 1
        }
        return true
    }

    /// The order of two byte strings, compared byte by byte as unsigned values, a proper prefix
    /// first: negative when `a` comes first, zero when equal, positive when `b` comes first.
    ///
    /// For well-formed UTF-8 this is Unicode code point order.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        var index = 0
        while index + 8 <= common {
            // Big-endian words compare as integers in the same order as their bytes do.
            let left = UInt64(bigEndian: a.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let right = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            if left != right { return left < right ? -1 : 1 }
            index += 8
        }
        while index < common {
            let left = a[index], right = b[index]
            if left != right { return left < right ? -1 : 1 }
            index += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
