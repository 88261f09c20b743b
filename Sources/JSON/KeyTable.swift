/// An open-addressing hash set of object keys, held as offsets into the scanned bytes: the
/// `KeySet` of an object with many keys, so duplicate detection stays linear in its size.
///
/// Hashes come from the standard library's `Hasher`, which is seeded per process, so input
/// crafted to collide on one run does not collide on the next.
struct KeyTable {
    /// (opening quote offset, content length << 1 | has-escapes) for each key, in arrival order.
    private var records: [Int] = []
    /// Per slot: 0 when empty, otherwise the key's index in `records` (pairs) plus one.
    private var slots: [Int] = Array(repeating: 0, count: 64)
    /// Per slot: the key's hash, compared before the bytes.
    private var hashes: [Int] = Array(repeating: 0, count: 64)

    /// Adds `key`; returns the offset of an earlier equal key instead if there is one.
    mutating func insert(_ key: StringToken, in bytes: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(of: key, in: bytes)
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            if hashes[slot] == hash {
                let index = (slots[slot] - 1) * 2
                let other = KeySet.token(start: records[index], packedLength: records[index + 1])
                if KeySet.equal(other, key, in: bytes) { return other.start }
            }
            slot = (slot + 1) & mask
        }
        records.append(key.start)
        records.append((key.end - key.start - 1) << 1 | (key.hasEscapes ? 1 : 0))
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
