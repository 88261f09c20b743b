/// A difference hash exactly as Python's `imagehash.dhash(image, hash_size=size)` computes it.
///
/// From the `(size + 1) × size` grey thumbnail, bit `(row, column)` is set when the pixel right
/// of it is brighter: `thumbnail[row][column + 1] > thumbnail[row][column]`. Bits are taken row
/// by row, the first one most significant, so the hash is a `size²`-bit number; for the default
/// size 8 that is one `UInt64`.
public struct DifferenceHash: Hashable, Sendable {
    /// N, the hash covers N × N bits.
    public let size: Int
    /// The number as big-endian bytes, `⌈size² / 8⌉` of them, unused high bits zero.
    public let bytes: [UInt8]

    /// The hash of a `(size + 1) × size` thumbnail given row by row.
    public init(thumbnail: [UInt8], size: Int) {
        precondition(size >= 2 && thumbnail.count == (size + 1) * size, "thumbnail of \(thumbnail.count) bytes for size \(size)")
        self.size = size
        let bitCount = size * size
        var bytes = [UInt8](repeating: 0, count: (bitCount + 7) / 8)
        let padding = bytes.count * 8 - bitCount
        for row in 0..<size {
            for column in 0..<size where thumbnail[row * (size + 1) + column + 1] > thumbnail[row * (size + 1) + column] {
                let position = padding + row * size + column
                bytes[position / 8] |= 0x80 >> UInt8(position % 8)
            }
        }
        self.bytes = bytes
    }

    /// A 64-bit (size 8) hash from its value.
    public init(value: UInt64) {
        size = 8
        bytes = (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    /// Parses ImageHash's hex text for a `size × size` hash (`⌈size² / 4⌉` hex digits, either case).
    ///
    /// Returns nil for malformed text and for any `size` below 2 or too large to square, so
    /// callers may pass a size they were given without checking it first.
    public init?(hex: String, size: Int = 8) {
        let (bitCount, overflow) = size.multipliedReportingOverflow(by: size)
        guard size >= 2, !overflow else { return nil }
        let digits = Array(hex.utf8)
        guard digits.count == (bitCount + 3) / 4 else { return nil }
        var nibbles: [UInt8] = []
        for digit in digits {
            guard let value = Self.nibble(digit) else { return nil }
            nibbles.append(value)
        }
        // The hex is the number left-padded to whole nibbles; re-pad it to whole bytes.
        if nibbles.count % 2 == 1 { nibbles.insert(0, at: 0) }
        let bytes = stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
        let padding = bytes.count * 8 - bitCount
        guard padding == 0 || bytes[0] >> UInt8(8 - padding) == 0 else { return nil }
        self.size = size
        self.bytes = bytes
    }

    /// The value of a size-8 hash; nil for other sizes.
    public var value: UInt64? {
        guard size == 8 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// ImageHash's `str(hash)`: the number in lowercase hex, zero-padded to `⌈size² / 4⌉` digits
    /// (16 for size 8).
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        let wanted = (size * size + 3) / 4
        return String(decoding: text.suffix(wanted), as: UTF8.self)
    }

    /// Standard base64 (with padding) of `bytes`: for size 8, the 8 big-endian bytes of the value.
    public var base64: String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var text: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let word = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                text.append(position <= chunk.count ? alphabet[Int(word >> (18 - 6 * UInt32(position)) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The number of bits that differ (popcount of the XOR); both hashes must have the same size.
    public func distance(to other: DifferenceHash) throws(HashComparisonError) -> Int {
        guard size == other.size else {
            throw HashComparisonError(.sizeMismatch, "cannot compare a \(size)×\(size) hash with a \(other.size)×\(other.size) one; hash both images with the same --size")
        }
        var total = 0
        for index in bytes.indices { total += (bytes[index] ^ other.bytes[index]).nonzeroBitCount }
        return total
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
