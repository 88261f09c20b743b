// The scanner as it was before the SWAR/fast-path rewrite (commit 5d38d01), kept verbatim but
// renamed, as the oracle of ScannerEquivalenceTests only. Not used by the JSON target.
@testable import JSON

/// The keys seen so far in one object, so a second occurrence of a key is refused.
///
/// Keys are compared by value (after unescaping: `"a"` and `"\u0061"` are the same key) and held
/// as offsets into the scanned bytes, so nothing is copied. Objects are small: the first
/// `inlineCapacity` keys live in inline storage (no allocation), each with a signature (its first
/// eight bytes and its length in one word), so a new key costs one word compare per earlier key
/// and a byte comparison only when signatures match. Past that, the keys move to a `ReferenceKeyTable`,
/// keeping large objects linear.
///
/// A 64-bit filter over the signatures lets most keys skip even that: measured with callgrind on
/// the journal benchmark's events (4–9 keys), about 50 instructions per key all told, one key in
/// fifteen taking the comparing path; a first design (filter on length and end bytes, then
/// byte comparisons, in a call of its own) took about 90.
struct ReferenceKeySet {
    /// Keys held without allocating.
    static let inlineCapacity = 16

    /// Signatures of the first keys (see `signature(of:in:)`).
    private var signatures: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                             UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    /// Opening-quote offset << 1 | has-escapes, of the first keys; the length is in the token's
    /// end, recovered by scanning (see `token(at:in:)`), which only a signature match needs.
    private var locations: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    /// Keys in the inline storage.
    private var count = 0
    /// One bit per inline key's signature, so most new keys need no comparison at all.
    private var filter: UInt64 = 0
    /// Every key, once there are more than `inlineCapacity`.
    private var table: ReferenceKeyTable? = nil

    /// Adds `key`; throws `.duplicateKey` if the object already has it.
    @inline(__always)
    mutating func insert(_ key: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) throws(JSONError) {
        if !key.hasEscapes, tryInsertingFast(key, in: bytes) { return }
        try insertSlowly(key, in: bytes)
    }

    /// The common case: an unescaped key whose signature no earlier inline key has. Returns
    /// false, changing nothing, when the slow path must decide.
    @inline(__always)
    private mutating func tryInsertingFast(_ key: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard count < Self.inlineCapacity else { return false }
        let signature = Self.signature(of: key, in: bytes)
        // One bit of 64 per signature: a clear bit proves no earlier key has this signature.
        let bit: UInt64 = 1 << ((signature &* 0x9E37_79B9_7F4A_7C15) >> 58)
        if filter & bit != 0 { return false }
        filter |= bit
        store(signature, location: key.start << 1, at: count)
        count += 1
        return true
    }

    /// Every other case: escaped keys, filter hits (compared in full), more than 16 keys.
    private mutating func insertSlowly(_ key: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) throws(JSONError) {
        guard count < Self.inlineCapacity, table == nil else { return try insertInTable(key, in: bytes) }
        let signature = key.hasEscapes ? Self.signature(ofEscaped: key, in: bytes) : Self.signature(of: key, in: bytes)
        try checkCollision(with: 0, key, in: bytes)
        filter |= 1 << ((signature &* 0x9E37_79B9_7F4A_7C15) >> 58)
        store(signature, location: key.start << 1 | (key.hasEscapes ? 1 : 0), at: count)
        count += 1
    }

    /// Stores the record of the key at inline position `index`.
    @inline(__always)
    private mutating func store(_ signature: UInt64, location: Int, at index: Int) {
        withUnsafeMutableBytes(of: &signatures) { $0.storeBytes(of: signature, toByteOffset: index * 8, as: UInt64.self) }
        withUnsafeMutableBytes(of: &locations) { $0.storeBytes(of: location, toByteOffset: index * 8, as: Int.self) }
    }

    /// Throws if an inline key from `index` on has `key`'s signature and value.
    private mutating func checkCollision(with index: Int, _ key: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) throws(JSONError) {
        let signature = key.hasEscapes ? Self.signature(ofEscaped: key, in: bytes) : Self.signature(of: key, in: bytes)
        for candidate in index..<count {
            let matches = withUnsafeBytes(of: &signatures) { $0.load(fromByteOffset: candidate * 8, as: UInt64.self) == signature }
            guard matches else { continue }
            let location = withUnsafeBytes(of: &locations) { $0.load(fromByteOffset: candidate * 8, as: Int.self) }
            let other = Self.token(at: location, in: bytes)
            if Self.equal(other, key, in: bytes) { throw Self.duplicate(key, earlier: other.start, in: bytes) }
        }
    }

    /// Moves the inline keys to a table (once) and adds `key` there. `count` stays at
    /// `inlineCapacity` afterwards, so the fast path keeps sending every key here.
    private mutating func insertInTable(_ key: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) throws(JSONError) {
        var moved: ReferenceKeyTable
        if let existing = table {
            moved = existing
            table = nil  // so the table's arrays stay uniquely referenced while they grow
        } else {
            moved = ReferenceKeyTable()
            for index in 0..<count {
                let location = withUnsafeBytes(of: &locations) { $0.load(fromByteOffset: index * 8, as: Int.self) }
                _ = moved.insert(Self.token(at: location, in: bytes), in: bytes)
            }
        }
        let earlier = moved.insert(key, in: bytes)
        table = moved
        if let earlier { throw Self.duplicate(key, earlier: earlier, in: bytes) }
    }

    /// The error for `key`, a repeat of the key at `earlier`.
    static func duplicate(_ key: ReferenceStringToken, earlier: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        JSONError(.duplicateKey, at: key.start,
                  "\(JSONError.quoted(StringUnescaping.decoded(key.content(in: bytes)))) appears twice in one object (first at byte \(earlier))")
    }

    /// The token of the checked key whose location word is `location` (its end is found again
    /// by looking for the first unescaped quote).
    static func token(at location: Int, in bytes: UnsafeRawBufferPointer) -> ReferenceStringToken {
        let start = location >> 1
        var end = start + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
        }
        return ReferenceStringToken(start: start, end: min(end, bytes.count), hasEscapes: location & 1 != 0)
    }

    /// A key's first eight bytes (zero-padded) plus its length: equal keys have equal signatures.
    @inline(__always)
    static func signature(of key: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) -> UInt64 {
        let length = key.end - key.start - 1
        let first = key.start + 1
        var word: UInt64
        if first + 8 <= bytes.count {
            word = bytes.loadUnaligned(fromByteOffset: first, as: UInt64.self)
            if length < 8 { word &= (1 << (UInt64(length) &* 8)) &- 1 }
        } else {
            word = 0
            for index in 0..<min(length, 8) { word |= UInt64(bytes[first + index]) << (UInt64(index) * 8) }
        }
        return word &+ UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15
    }

    /// The signature of a key with escapes: that of its value.
    static func signature(ofEscaped key: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) -> UInt64 {
        let value = StringUnescaping.decoded(key.content(in: bytes)) + [UInt8(ascii: "\"")]
        return value.withUnsafeBytes { signature(of: ReferenceStringToken(start: -1, end: value.count - 1, hasEscapes: false), in: $0) }
    }

    /// Whether two keys have the same value.
    @inline(__always)
    static func equal(_ a: ReferenceStringToken, _ b: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) -> Bool {
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
    static func checkOrder(of previous: ReferenceStringToken, before key: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) throws(JSONError) {
        let order: Int
        if previous.hasEscapes || key.hasEscapes {
            let left = StringUnescaping.decoded(previous.content(in: bytes))
            let right = StringUnescaping.decoded(key.content(in: bytes))
            order = left.withUnsafeBytes { l in right.withUnsafeBytes { r in RawBytes.compare(l, r) } }
        } else {
            order = RawBytes.compare(previous.content(in: bytes), key.content(in: bytes))
        }
        guard order >= 0 else { return }
        if order == 0 { throw duplicate(key, earlier: previous.start, in: bytes) }
        let shown = JSONError.quoted(StringUnescaping.decoded(key.content(in: bytes)))
        throw JSONError(.keyOutOfOrder, at: key.start, "\(shown) must come before the key at byte \(previous.start) (keys sorted by UTF-8 bytes)")
    }
}

/// An open-addressing hash set of object keys, held as offsets into the scanned bytes: the
/// `ReferenceKeySet` of an object with many keys, so duplicate detection stays linear in its size.
///
/// Hashes come from the standard library's `Hasher`, which is seeded per process, so input
/// crafted to collide on one run does not collide on the next.
struct ReferenceKeyTable {
    /// (opening quote offset, closing quote offset << 1 | has-escapes) for each key, in arrival order.
    private var records: [Int] = []
    /// Per slot: 0 when empty, otherwise the key's index in `records` (pairs) plus one.
    private var slots: [Int] = Array(repeating: 0, count: 64)
    /// Per slot: the key's hash, compared before the bytes.
    private var hashes: [Int] = Array(repeating: 0, count: 64)

    /// Adds `key`; returns the offset of an earlier equal key instead if there is one.
    mutating func insert(_ key: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(of: key, in: bytes)
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            if hashes[slot] == hash {
                let index = (slots[slot] - 1) * 2
                let other = ReferenceStringToken(start: records[index], end: records[index + 1] >> 1, hasEscapes: records[index + 1] & 1 != 0)
                if ReferenceKeySet.equal(other, key, in: bytes) { return other.start }
            }
            slot = (slot + 1) & mask
        }
        records.append(key.start)
        records.append(key.end << 1 | (key.hasEscapes ? 1 : 0))
        slots[slot] = records.count / 2
        hashes[slot] = hash
        if records.count > slots.count { grow(in: bytes) }  // more than half full
        return nil
    }

    /// Doubles the slots and places every key again.
    private mutating func grow(in bytes: UnsafeRawBufferPointer) {
        let size = slots.count * 2
        var newSlots = Array(repeating: 0, count: size)
        var newHashes = Array(repeating: 0, count: size)
        for (slot, entry) in slots.enumerated() where entry != 0 {
            var target = hashes[slot] & (size - 1)
            while newSlots[target] != 0 { target = (target + 1) & (size - 1) }
            newSlots[target] = entry
            newHashes[target] = hashes[slot]
        }
        slots = newSlots
        hashes = newHashes
    }

    /// The hash of a key's value (escapes resolved, so equal keys hash alike).
    private static func hash(of key: ReferenceStringToken, in bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        if key.hasEscapes {
            StringUnescaping.decoded(key.content(in: bytes)).withUnsafeBytes { hasher.combine(bytes: $0) }
        } else {
            hasher.combine(bytes: key.content(in: bytes))
        }
        return hasher.finalize()
    }
}
