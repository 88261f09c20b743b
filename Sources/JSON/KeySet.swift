/// The keys seen so far in one object, so a second occurrence of a key is refused.
///
/// Keys are compared by value (after unescaping: `"a"` and `"\u0061"` are the same key) and held
/// as offsets into the scanned bytes, so nothing is copied. Objects are small: the first
/// `inlineCapacity` keys live in inline storage (no allocation), and a 64-bit filter over each
/// key's length and end bytes lets almost every new key skip the linear comparison altogether.
/// Past that, the keys move to a hash table (seeded `Hasher`, so crafted keys cannot force
/// collisions), keeping large objects linear.
struct KeySet {
    /// Keys held without allocating.
    static let inlineCapacity = 16

    /// Pairs of (opening quote offset, content length << 1 | has-escapes) for the first keys.
    private var inline: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int,
                         Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    /// Keys in `inline`.
    private var count = 0
    /// One bit per inline key, chosen by its length and first and last bytes.
    private var filter: UInt64 = 0
    /// Every key, once there are more than `inlineCapacity`.
    private var table: KeyTable? = nil

    /// Adds `key`; throws `.duplicateKey` if the object already has it.
    @inline(__always)
    mutating func insert(_ key: StringToken, in bytes: UnsafeRawBufferPointer) throws(JSONError) {
        if let earlier = table == nil ? insertInline(key, in: bytes) : insertInTable(key, in: bytes) {
            var shown: [UInt8] = []
            StringUnescaping.append(key.content(in: bytes), to: &shown)
            throw JSONError(.duplicateKey, at: key.start,
                            "\(JSONError.quoted(shown)) appears twice in one object (first at byte \(earlier))")
        }
    }

    /// Inline insertion; returns the earlier key's offset if `key` is a duplicate.
    private mutating func insertInline(_ key: StringToken, in bytes: UnsafeRawBufferPointer) -> Int? {
        let bit = Self.filterBit(of: key, in: bytes)
        if filter & bit != 0 {
            let earlier: Int? = withUnsafeBytes(of: &inline) { records in
                for index in 0..<count {
                    let other = Self.token(start: records.load(fromByteOffset: index * 16, as: Int.self),
                                           packedLength: records.load(fromByteOffset: index * 16 + 8, as: Int.self))
                    if Self.equal(other, key, in: bytes) { return other.start }
                }
                return nil
            }
            if let earlier { return earlier }
        }
        guard count < Self.inlineCapacity else {
            var moved = KeyTable()
            withUnsafeBytes(of: &inline) { records in
                for index in 0..<count {
                    let token = Self.token(start: records.load(fromByteOffset: index * 16, as: Int.self),
                                           packedLength: records.load(fromByteOffset: index * 16 + 8, as: Int.self))
                    _ = moved.insert(token, in: bytes)
                }
            }
            table = moved
            return insertInTable(key, in: bytes)
        }
        filter |= bit
        let packed = (key.end - key.start - 1) << 1 | (key.hasEscapes ? 1 : 0)
        withUnsafeMutableBytes(of: &inline) { records in
            records.storeBytes(of: key.start, toByteOffset: count * 16, as: Int.self)
            records.storeBytes(of: packed, toByteOffset: count * 16 + 8, as: Int.self)
        }
        count += 1
        return nil
    }

    /// Table insertion (large objects); returns the earlier key's offset if `key` is a duplicate.
    private mutating func insertInTable(_ key: StringToken, in bytes: UnsafeRawBufferPointer) -> Int? {
        // Taken out so the table's arrays stay uniquely referenced while they grow.
        var moved = table ?? KeyTable()
        table = nil
        let earlier = moved.insert(key, in: bytes)
        table = moved
        return earlier
    }

    /// The token a record describes.
    @inline(__always)
    static func token(start: Int, packedLength: Int) -> StringToken {
        StringToken(start: start, end: start + 1 + packedLength >> 1, hasEscapes: packedLength & 1 != 0)
    }

    /// The filter bit of a key: equal keys always get the same bit.
    @inline(__always)
    private static func filterBit(of key: StringToken, in bytes: UnsafeRawBufferPointer) -> UInt64 {
        var length = key.end - key.start - 1
        var first: UInt8 = 0, last: UInt8 = 0
        if key.hasEscapes {
            let value = StringUnescaping.decoded(key.content(in: bytes))
            length = value.count
            first = value.first ?? 0
            last = value.last ?? 0
        } else if length > 0 {
            first = bytes[key.start + 1]
            last = bytes[key.end - 1]
        }
        let mixed = (UInt64(truncatingIfNeeded: length) ^ UInt64(first) << 20 ^ UInt64(last) << 40) &* 0x9E37_79B9_7F4A_7C15
        return 1 << (mixed >> 58)
    }

    /// Whether two keys have the same value.
    @inline(__always)
    static func equal(_ a: StringToken, _ b: StringToken, in bytes: UnsafeRawBufferPointer) -> Bool {
        if !a.hasEscapes && !b.hasEscapes {
            let length = a.end - a.start
            guard length == b.end - b.start else { return false }
            guard let base = bytes.baseAddress else { return true }
            return RawBytes.equal(base + a.start + 1, base + b.start + 1, count: length - 1)
        }
        return StringUnescaping.decoded(a.content(in: bytes)) == StringUnescaping.decoded(b.content(in: bytes))
    }

    /// Throws `.keyOutOfOrder` (or `.duplicateKey`) unless `previous` sorts strictly before `key`
    /// by the bytes of their values.
    static func checkOrder(of previous: StringToken, before key: StringToken, in bytes: UnsafeRawBufferPointer) throws(JSONError) {
        let order: Int
        if previous.hasEscapes || key.hasEscapes {
            let left = StringUnescaping.decoded(previous.content(in: bytes))
            let right = StringUnescaping.decoded(key.content(in: bytes))
            order = left.withUnsafeBytes { l in right.withUnsafeBytes { r in RawBytes.compare(l, r) } }
        } else {
            order = RawBytes.compare(previous.content(in: bytes), key.content(in: bytes))
        }
        guard order >= 0 else { return }
        let shown = JSONError.quoted(StringUnescaping.decoded(key.content(in: bytes)))
        if order == 0 {
            throw JSONError(.duplicateKey, at: key.start, "\(shown) appears twice in one object (first at byte \(previous.start))")
        }
        throw JSONError(.keyOutOfOrder, at: key.start, "\(shown) must come before the key at byte \(previous.start) (keys sorted by UTF-8 bytes)")
    }
}
