/// The first keys of one object, so a second occurrence of a key is refused; past
/// `inlineCapacity` keys the caller moves them to a `KeyTable`, keeping large objects linear.
///
/// Keys are compared by value (after unescaping: `"a"` and `"\u0061"` are the same key) and held
/// as offsets into the scanned bytes, so nothing is copied. Each is recorded, in storage the
/// caller provides (a `KeySet.Storage`, or uninitialized stack memory), with a signature (its
/// bytes and length for a key under eight bytes, a mix of its first and last eight bytes for a
/// longer one), so a new key costs one word compare per earlier key and a byte comparison only
/// when signatures match; and a 64-bit filter over the signatures lets most keys skip even the
/// word compares.
///
/// The set itself is two words, nothing to destroy: the table is the caller's, made only for
/// large objects. Measured with callgrind on the benchmark stream's events (7.4 keys per event,
/// 4–9 per object): about 34 instructions per key in the quick pass, filter hits included; the
/// previous design (storage inside the set, zeroed for every object; filter hits compared in a
/// call; the table inside the set, destroyed after every object) cost about 70.
struct KeySet {
    /// Keys recorded before a table is needed.
    static let inlineCapacity = 16

    /// Room for the records of `inlineCapacity` keys: their signatures (see
    /// `signature(of:in:count:)`), then their locations (opening-quote offset << 1 | has-escapes;
    /// the end is found again by scanning, see `token(at:in:)`, which only a signature match needs).
    struct Storage {
        /// The words; only the first `count` of each half are meaningful.
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                    UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                    UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                    UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
            = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

        /// Words in a `Storage`.
        static let wordCount = 2 * KeySet.inlineCapacity

        /// Runs `body` with the words' address.
        @inline(__always)
        mutating func withWords<Result, Failure>(_ body: (UnsafeMutablePointer<UInt64>) throws(Failure) -> Result) throws(Failure) -> Result {
            try withUnsafeMutableBytes(of: &words) { (raw) throws(Failure) in
                try body(raw.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt64.self))
            }
        }
    }

    /// Keys recorded.
    private(set) var count = 0
    /// One bit per recorded key's signature, so most new keys need no comparison at all.
    private var filter: UInt64 = 0

    /// Whether `inlineCapacity` keys are recorded: the next goes to a `KeyTable` (see
    /// `KeyTable.init(moving:storage:in:)`).
    @inline(__always)
    var isFull: Bool { count >= Self.inlineCapacity }

    /// Adds `key`, scanned by `scanner`, recording it in `storage` (`Storage.wordCount` words, the
    /// same for every key of the object); throws `.duplicateKey` if the object already has it.
    /// The set must not be full.
    @inline(__always)
    mutating func insert(_ key: StringToken, in scanner: JSONScanner, storage: UnsafeMutablePointer<UInt64>) throws(JSONError) {
        if key.hasEscapes {
            // Not `inout`: a set whose address is never taken stays in registers.
            self = try Self.inserting(escaped: key, into: self, in: scanner.bytes, storage: storage)
        } else {
            try insert(unescaped: key, in: scanner.base, count: scanner.count, storage: storage)
        }
    }

    /// `insert(_:in:storage:)` for a key without escapes, in the `count` bytes at `base`.
    @inline(__always)
    mutating func insert(unescaped key: StringToken, in base: UnsafeRawPointer, count: Int, storage: UnsafeMutablePointer<UInt64>) throws(JSONError) {
        let signature = Self.signature(of: key, in: base, count: count)
        let bit = Self.filterBit(signature)
        if filter & bit != 0 {
            // The bit is shared with one of the earlier keys (for 8 keys, one time in eight):
            // compare signatures, and bytes only if they match.
            var candidate = 0
            while candidate < self.count {
                if storage[candidate] == signature {
                    try Self.refuse(key, ifEqualToRecord: candidate, in: UnsafeRawBufferPointer(start: base, count: count), storage: storage)
                }
                candidate &+= 1
            }
        }
        filter |= bit
        storage[self.count] = signature
        storage[self.count &+ Self.inlineCapacity] = UInt64(truncatingIfNeeded: key.start &<< 1)
        self.count &+= 1
    }

    /// Records the key without escapes whose quotes are at `opening` and `closing` (in the input
    /// from `start` to `end`) and returns true, unless an earlier key has its signature: then
    /// returns false, changing nothing, and `insert(_:in:storage:)` must decide. The set must not
    /// be full.
    @inline(__always)
    mutating func insertIfNew(unescapedKeyFrom opening: UnsafeRawPointer, to closing: UnsafeRawPointer,
                              in start: UnsafeRawPointer, end: UnsafeRawPointer, storage: UnsafeMutablePointer<UInt64>) -> Bool {
        let signature = Self.signature(ofContentAt: opening + 1, length: closing - opening &- 1, end: end)
        let bit = Self.filterBit(signature)
        if filter & bit != 0 {
            // The bit is shared with an earlier key (for 8 keys, one time in eight), so there is
            // one: compare signatures; an equal one is for the general path, which compares bytes.
            var candidate = count
            repeat {
                candidate &-= 1
                if storage[candidate] == signature { return false }
            } while candidate != 0
        }
        filter |= bit
        storage[count] = signature
        storage[count &+ Self.inlineCapacity] = UInt64(truncatingIfNeeded: (opening - start) &<< 1)
        count &+= 1
        return true
    }

    /// The bit of `filter` for a signature: one of 64, from the signature's mixed top bits.
    @inline(__always)
    private static func filterBit(_ signature: UInt64) -> UInt64 {
        1 &<< ((signature &* 0x9E37_79B9_7F4A_7C15) &>> 58)
    }

    /// Throws `.duplicateKey` if the key recorded at `index` has the value of `key`.
    @inline(never)
    private static func refuse(_ key: StringToken, ifEqualToRecord index: Int, in bytes: UnsafeRawBufferPointer,
                               storage: UnsafeMutablePointer<UInt64>) throws(JSONError) {
        let other = token(at: Int(truncatingIfNeeded: storage[index + inlineCapacity]), in: bytes)
        if equal(other, key, in: bytes) { throw duplicate(key, earlier: other.start, in: bytes) }
    }

    /// `keys` with `key`, which has escapes, added: its signature is that of its value.
    @inline(never)
    private static func inserting(escaped key: StringToken, into keys: KeySet, in bytes: UnsafeRawBufferPointer,
                                  storage: UnsafeMutablePointer<UInt64>) throws(JSONError) -> KeySet {
        var keys = keys
        let signature = signature(ofEscaped: key, in: bytes)
        for candidate in 0..<keys.count where storage[candidate] == signature {
            try refuse(key, ifEqualToRecord: candidate, in: bytes, storage: storage)
        }
        keys.filter |= filterBit(signature)
        storage[keys.count] = signature
        storage[keys.count + inlineCapacity] = UInt64(truncatingIfNeeded: key.start << 1 | 1)
        keys.count += 1
        return keys
    }

    /// The tokens of the recorded keys, in order.
    func tokens(storage: UnsafeMutablePointer<UInt64>, in bytes: UnsafeRawBufferPointer) -> [StringToken] {
        (0..<count).map { Self.token(at: Int(truncatingIfNeeded: storage[$0 + Self.inlineCapacity]), in: bytes) }
    }

    /// The error for `key`, a repeat of the key at `earlier`.
    static func duplicate(_ key: StringToken, earlier: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        JSONError(.duplicateKey, at: key.start,
                  "\(JSONError.quoted(StringUnescaping.decoded(key.content(in: bytes)))) appears twice in one object (first at byte \(earlier))")
    }

    /// The token of the checked key whose location word is `location` (its end is found again
    /// by looking for the first unescaped quote).
    static func token(at location: Int, in bytes: UnsafeRawBufferPointer) -> StringToken {
        let start = location >> 1
        var end = start + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
        }
        return StringToken(start: start, end: min(end, bytes.count), hasEscapes: location & 1 != 0)
    }

    /// A mix of a key's first and last eight bytes (zero-padded when shorter) and its length:
    /// equal keys have equal signatures, and keys that differ within their first or last eight
    /// bytes almost never do. `key` lies in the `count` bytes at `base`.
    @inline(__always)
    static func signature(of key: StringToken, in base: UnsafeRawPointer, count: Int) -> UInt64 {
        signature(ofContentAt: base + key.start + 1, length: key.end &- key.start &- 1, end: base + count)
    }

    /// The signature of the `length` bytes at `content`, which lie before `end`.
    @inline(__always)
    static func signature(ofContentAt content: UnsafeRawPointer, length: Int, end: UnsafeRawPointer) -> UInt64 {
        if length >= 8 {
            // Both words lie inside the key, so this is also right for a decoded key's bytes.
            // (The length is left out: keys this long that differ only in it are rare, and a
            // shared signature only costs a byte comparison.)
            let head = UInt64(littleEndian: content.loadUnaligned(as: UInt64.self))
            let tail = UInt64(littleEndian: content.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self))
            return head ^ (tail &* 0xC2B2_AE3D_27D4_EB4F)
        }
        // A shorter key's bytes, zero-padded, with its length in the top byte (which no byte of
        // the key reaches): no two keys under eight bytes share a signature.
        let word = end - content >= 8
            ? UInt64(littleEndian: content.loadUnaligned(as: UInt64.self)) & ((1 &<< (UInt64(truncatingIfNeeded: length) &* 8)) &- 1)
            : shortWord(content, length: length)
        return word | UInt64(truncatingIfNeeded: length) &<< 56
    }

    /// The `length` (below 8) bytes at `content` as a word, zero-padded, read one by one.
    @inline(never)
    static func shortWord(_ content: UnsafeRawPointer, length: Int) -> UInt64 {
        var word: UInt64 = 0
        for index in 0..<length { word |= UInt64(content.load(fromByteOffset: index, as: UInt8.self)) << (UInt64(index) * 8) }
        return word
    }

    /// The signature of a key with escapes: that of its value.
    static func signature(ofEscaped key: StringToken, in bytes: UnsafeRawBufferPointer) -> UInt64 {
        let value = StringUnescaping.decoded(key.content(in: bytes)) + [UInt8(ascii: "\"")]
        return value.withUnsafeBytes {
            signature(of: StringToken(start: -1, end: value.count - 1, hasEscapes: false), in: $0.baseAddress.unsafelyUnwrapped, count: value.count)
        }
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
        if order == 0 { throw duplicate(key, earlier: previous.start, in: bytes) }
        let shown = JSONError.quoted(StringUnescaping.decoded(key.content(in: bytes)))
        throw JSONError(.keyOutOfOrder, at: key.start, "\(shown) must come before the key at byte \(previous.start) (keys sorted by UTF-8 bytes)")
    }
}

/// An open-addressing hash set of object keys, held as offsets into the scanned bytes: the
/// `KeySet` of an object with many keys, so duplicate detection stays linear in its size.
///
/// Hashes come from the standard library's `Hasher`, which is seeded per process, so input
/// crafted to collide on one run does not collide on the next.
final class KeyTable {
    /// A table holding the keys recorded in `keys` (a full `KeySet`, whose records are in `storage`).
    init(moving keys: KeySet, storage: UnsafeMutablePointer<UInt64>, in bytes: UnsafeRawBufferPointer) {
        for key in keys.tokens(storage: storage, in: bytes) { _ = insert(key, in: bytes) }
    }

    /// Adds `key`; throws `.duplicateKey` if the object already has it.
    func insertOrRefuse(_ key: StringToken, in bytes: UnsafeRawBufferPointer) throws(JSONError) {
        if let earlier = insert(key, in: bytes) { throw KeySet.duplicate(key, earlier: earlier, in: bytes) }
    }

    /// (opening quote offset, closing quote offset << 1 | has-escapes) for each key, in arrival order.
    private var records: [Int] = []
    /// Per slot: 0 when empty, otherwise the key's index in `records` (pairs) plus one.
    private var slots: [Int] = Array(repeating: 0, count: 64)
    /// Per slot: the key's hash, compared before the bytes.
    private var hashes: [Int] = Array(repeating: 0, count: 64)

    /// Adds `key`; returns the offset of an earlier equal key instead if there is one.
    func insert(_ key: StringToken, in bytes: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(of: key, in: bytes)
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            if hashes[slot] == hash {
                let index = (slots[slot] - 1) * 2
                let other = StringToken(start: records[index], end: records[index + 1] >> 1, hasEscapes: records[index + 1] & 1 != 0)
                if KeySet.equal(other, key, in: bytes) { return other.start }
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
    private func grow(in bytes: UnsafeRawBufferPointer) {
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
    private static func hash(of key: StringToken, in bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        if key.hasEscapes {
            StringUnescaping.decoded(key.content(in: bytes)).withUnsafeBytes { hasher.combine(bytes: $0) }
        } else {
            hasher.combine(bytes: key.content(in: bytes))
        }
        return hasher.finalize()
    }
}
