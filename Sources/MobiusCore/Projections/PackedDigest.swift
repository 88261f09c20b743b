/// A SHA-256 digest held in four words instead of an array: the library keeps one per image,
/// and a million of them must load from a snapshot without a million allocations.
struct PackedDigest: Hashable, Sendable {
    /// Bytes 0–7, 8–15, 16–23 and 24–31 of the digest, each read most significant byte first.
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// Parses 64 hexadecimal digits (either case); nil for anything else.
    init?(hex: String) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        for digit in hex.utf8 {
            guard count < 64, let nibble = Self.nibble(digit) else { return nil }
            let value = UInt64(nibble) << (60 - 4 * UInt64(count % 16))
            switch count / 16 {
            case 0: words.0 |= value
            case 1: words.1 |= value
            case 2: words.2 |= value
            default: words.3 |= value
            }
            count += 1
        }
        guard count == 64 else { return nil }
        self.words = words
    }

    /// The digest in the 32 bytes at the start of `bytes` (which must hold them).
    init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= 32, "a SHA-256 digest is 32 bytes")
        func word(_ index: Int) -> UInt64 { UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)) }
        words = (word(0), word(1), word(2), word(3))
    }

    /// Calls `body` with the 32 bytes, in digest order.
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        Swift.withUnsafeBytes(of: (words.0.bigEndian, words.1.bigEndian, words.2.bigEndian, words.3.bigEndian), body)
    }

    /// 64 lowercase hex digits.
    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 60, through: 0, by: -4) { text.append(digits[Int(word >> UInt64(shift) & 0xF)]) }
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func == (lhs: PackedDigest, rhs: PackedDigest) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    /// Hashes the first word only: a SHA-256's bits are uniform, so 64 of them spread keys as
    /// well as 256 (and a million-image load hashes a million digests).
    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
    }

    /// The value of one hex digit, either case.
    static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
