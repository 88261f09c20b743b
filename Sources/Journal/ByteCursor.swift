/// A read position over borrowed bytes, for the pure codecs.
///
/// The cursor does not own its bytes: the caller keeps the buffer alive while the cursor and any
/// slice it returned are in use (typically inside one `withUnsafeBytes`). Reads that lack bytes
/// return nil and leave the cursor where it was, so a decoder can report "need more bytes".
package struct ByteCursor {
    /// The bytes being read.
    package let bytes: UnsafeRawBufferPointer
    /// Index of the next byte to read.
    package var offset: Int

    /// A cursor at `offset` of `bytes`.
    package init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes left after the cursor.
    @inlinable
    package var remaining: Int { bytes.count - offset }

    /// Reads one byte; nil at the end.
    package mutating func readByte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads `count` bytes as a slice of the underlying buffer; nil when fewer remain.
    @inlinable
    package mutating func readBytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, count <= remaining else { return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    /// Reads a little-endian fixed-width integer; nil when too few bytes remain.
    package mutating func readLittleEndian<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { return nil }
        defer { offset += size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Reads an unsigned LEB128 varint (see JournalFormat.swift).
    ///
    /// Returns nil when the input ends inside the varint; throws when it is longer than 10 bytes,
    /// overflows 64 bits, or is not minimal.
    @inlinable
    package mutating func readVarint() throws(VarintError) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while true {
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            index += 1
            if shift == 63 && byte > 1 { throw VarintError() }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                // A final zero group after the first byte means the encoding was padded.
                if byte == 0 && shift > 0 { throw VarintError() }
                offset = index
                return result
            }
            shift += 7
            if shift > 63 { throw VarintError() }
        }
    }
}

/// A varint that is too long, overflows 64 bits or is not minimally encoded.
package struct VarintError: Error {
    @inlinable package init() {}
}

extension Array where Element == UInt8 {
    /// Appends `value` as a minimal unsigned LEB128 varint.
    @inlinable
    package mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        append(UInt8(rest))
    }

    /// Appends a fixed-width integer in little-endian byte order.
    @inlinable
    package mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Stores a fixed-width integer in little-endian byte order at `index` (which must exist).
    package mutating func setLittleEndian<T: FixedWidthInteger>(_ value: T, at index: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { raw in
            for (delta, byte) in raw.enumerated() { self[index + delta] = byte }
        }
    }
}

/// How many bytes `value` takes as a varint.
@inline(__always)
package func varintLength(_ value: UInt64) -> Int {
    value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
}
