/// The seqs of the library's images by explicit id: the ids a snapshot loaded, as a table sorted
/// by hash, plus a dictionary of the ids added since.
///
/// A `[String: UInt64]` of a million ids cost 145 ms to build on every load — each insert a
/// cache miss into a 40 MB table — though extraction never looks an id up. Loading instead
/// appends (hash of the id, seq) pairs in order and radix-sorts them once; a lookup is a binary
/// search for the hash, confirmed by comparing the id itself (`idOfSeq`), since two ids may
/// share a hash. Sorting also finds a repeated id, which a snapshot must never hold.
///
/// Hashes come from `Hasher`, seeded per process, so ids chosen to collide cannot be planned;
/// the table is rebuilt at every load and never written.
struct ExplicitIdIndex: Sendable {
    /// A loaded id: its hash and its image's seq (0 once removed).
    private struct Entry: Sendable {
        var hash: UInt64
        var seq: UInt64
    }

    /// Ids loaded in bulk, sorted by hash once `finishLoading` ran.
    private var loaded: [Entry] = []
    private var removedLoadedCount = 0
    /// Ids added after the load.
    private var added: [String: UInt64] = [:]

    /// The hash of an id.
    private let hash: @Sendable (String) -> UInt64

    /// An empty index hashing ids with `hash` (tests give one that collides).
    init(hash: @escaping @Sendable (String) -> UInt64 = ExplicitIdIndex.seededHash) {
        self.hash = hash
    }

    /// How many ids it holds.
    var count: Int { loaded.count - removedLoadedCount + added.count }

    /// `Hasher`'s hash of `id`: seeded per process.
    static func seededHash(_ id: String) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(id)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }

    // MARK: Loading

    /// Makes room for `count` more loaded ids.
    mutating func reserveLoaded(_ count: Int) {
        loaded.reserveCapacity(loaded.count + count)
    }

    /// Records loaded id `id` of the image at `seq`; `finishLoading` must follow the last one,
    /// before any lookup.
    mutating func appendLoaded(_ id: String, seq: UInt64) {
        precondition(added.isEmpty, "ids are loaded into an empty index only")
        loaded.append(Entry(hash: hash(id), seq: seq))
    }

    /// Sorts the loaded ids and returns one that is held twice, if any (`idOfSeq` gives the id
    /// of the image at a seq).
    mutating func finishLoading(idOfSeq: (UInt64) -> String?) -> String? {
        Self.sortByHash(&loaded)
        var start = 0
        while start < loaded.count {
            var end = start + 1
            while end < loaded.count && loaded[end].hash == loaded[start].hash { end += 1 }
            if end - start > 1 {
                let ids = loaded[start..<end].map { idOfSeq($0.seq) }
                for (offset, id) in ids.enumerated() where id != nil && ids[(offset + 1)...].contains(id) { return id }
            }
            start = end
        }
        return nil
    }

    /// LSD radix sort on the hash, 16 bits a pass: linear, where a comparison sort of a
    /// million entries took longer than building the dictionary it replaces.
    private static func sortByHash(_ entries: inout [Entry]) {
        guard entries.count > 1 else { return }
        var other = entries
        var counts = [Int](repeating: 0, count: (1 << 16) + 1)
        for pass in 0..<4 {
            let shift = UInt64(pass * 16)
            counts.withUnsafeMutableBufferPointer { counts in
                for index in counts.indices { counts[index] = 0 }
                entries.withUnsafeBufferPointer { source in
                    for entry in source { counts[Int(truncatingIfNeeded: entry.hash >> shift) & 0xFFFF + 1] += 1 }
                    for index in 1..<counts.count { counts[index] += counts[index - 1] }
                    other.withUnsafeMutableBufferPointer { target in
                        for entry in source {
                            let digit = Int(truncatingIfNeeded: entry.hash >> shift) & 0xFFFF
                            target[counts[digit]] = entry
                            counts[digit] += 1
                        }
                    }
                }
            }
            swap(&entries, &other)
        }
    }

    // MARK: Use

    /// The seq of the image with explicit id `id`.
    func seq(of id: String, idOfSeq: (UInt64) -> String?) -> UInt64? {
        if let seq = added[id] { return seq }
        guard !loaded.isEmpty else { return nil }
        let hash = hash(id)
        var position = firstLoaded(atOrAbove: hash)
        while position < loaded.count && loaded[position].hash == hash {
            let seq = loaded[position].seq
            if seq != 0 && idOfSeq(seq) == id { return seq }
            position += 1
        }
        return nil
    }

    /// Adds `id` for the image at `seq` unless the index holds it already (false then).
    mutating func insertIfNew(_ id: String, seq: UInt64, idOfSeq: (UInt64) -> String?) -> Bool {
        guard loaded.isEmpty || self.seq(of: id, idOfSeq: idOfSeq) == nil else { return false }
        // One lookup for a new id: put the seq, put the earlier back if the id was taken.
        if let earlier = added.updateValue(seq, forKey: id) {
            added[id] = earlier
            return false
        }
        return true
    }

    /// Forgets `id`, held by the image at `seq`.
    mutating func remove(_ id: String, seq: UInt64) {
        if added[id] == seq {
            added[id] = nil
            return
        }
        let hash = hash(id)
        var position = firstLoaded(atOrAbove: hash)
        while position < loaded.count && loaded[position].hash == hash {
            if loaded[position].seq == seq {
                loaded[position].seq = 0
                removedLoadedCount += 1
                return
            }
            position += 1
        }
    }

    /// The first position of `loaded` whose hash is not below `hash`.
    private func firstLoaded(atOrAbove hash: UInt64) -> Int {
        var low = 0, high = loaded.count
        while low < high {
            let middle = (low + high) / 2
            if loaded[middle].hash < hash { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
