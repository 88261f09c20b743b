/// A library of 64-bit hashes searched exactly by Hamming distance.
///
/// Hashes sit in one contiguous `[UInt64]` and every query scans all of them with a popcount of
/// the XOR: exact answers, no tuning, and about a millisecond per million entries on one core.
/// Ties are broken by insertion order (earlier first), so results are deterministic.
public struct HammingIndex<ID>: Sendable where ID: Sendable {
    /// One search result.
    public struct Match {
        /// The id the hash was inserted with.
        public var id: ID
        /// The stored hash.
        public var hash: UInt64
        /// Bits differing from the query, 0 … 64.
        public var distance: Int
    }

    private var hashes: [UInt64] = []
    private var ids: [ID] = []

    /// An empty index.
    public init() {}

    /// Number of entries.
    public var count: Int { hashes.count }

    /// Adds `hash` under `id` (ids need not be unique).
    public mutating func insert(_ hash: UInt64, id: ID) {
        hashes.append(hash)
        ids.append(id)
    }

    /// Removes every entry whose id satisfies `predicate`, keeping the others in order.
    public mutating func removeAll(where predicate: (ID) throws -> Bool) rethrows {
        var keptHashes: [UInt64] = []
        var keptIDs: [ID] = []
        for index in hashes.indices where try !predicate(ids[index]) {
            keptHashes.append(hashes[index])
            keptIDs.append(ids[index])
        }
        hashes = keptHashes
        ids = keptIDs
    }

    /// The closest entry to `query`, nil when the index is empty.
    public func nearest(to query: UInt64) -> Match? {
        var bestIndex = -1
        var bestDistance = Int.max
        hashes.withUnsafeBufferPointer { hashes in
            for index in 0..<hashes.count {
                let distance = (hashes[index] ^ query).nonzeroBitCount
                if distance < bestDistance {
                    bestDistance = distance
                    bestIndex = index
                    if distance == 0 { break }
                }
            }
        }
        return bestIndex < 0 ? nil : match(at: bestIndex, distance: bestDistance)
    }

    /// The `count` closest entries, closest first (fewer when the index is smaller).
    public func nearest(to query: UInt64, count wanted: Int) -> [Match] {
        guard wanted > 0 else { return [] }
        // First pass: how many entries lie at each distance; that fixes the cut-off distance.
        var histogram = [Int](repeating: 0, count: 65)
        hashes.withUnsafeBufferPointer { hashes in
            for hash in hashes { histogram[(hash ^ query).nonzeroBitCount] += 1 }
        }
        var cutoff = 0
        var closer = 0
        while cutoff < 64 && closer + histogram[cutoff] < wanted {
            closer += histogram[cutoff]
            cutoff += 1
        }
        // Second pass: everything below the cut-off, and the earliest entries at it.
        var atCutoff = wanted - closer
        var found: [Match] = []
        for index in hashes.indices {
            let distance = (hashes[index] ^ query).nonzeroBitCount
            if distance < cutoff || (distance == cutoff && atCutoff > 0) {
                if distance == cutoff { atCutoff -= 1 }
                found.append(match(at: index, distance: distance))
            }
        }
        return Self.sortedStably(found)
    }

    /// Every entry within `maxDistance` bits of `query`, closest first.
    public func matches(within maxDistance: Int, of query: UInt64) -> [Match] {
        var found: [Match] = []
        for index in hashes.indices {
            let distance = (hashes[index] ^ query).nonzeroBitCount
            if distance <= maxDistance { found.append(match(at: index, distance: distance)) }
        }
        return Self.sortedStably(found)
    }

    private func match(at index: Int, distance: Int) -> Match {
        Match(id: ids[index], hash: hashes[index], distance: distance)
    }

    /// Sorts by distance, keeping insertion order among equals (the input is in insertion order).
    private static func sortedStably(_ matches: [Match]) -> [Match] {
        var buckets = [[Match]](repeating: [], count: 65)
        for match in matches { buckets[match.distance].append(match) }
        return buckets.flatMap { $0 }
    }
}

/// Matches carry only `Sendable` ids.
extension HammingIndex.Match: Sendable {}
/// Matches compare by id, hash and distance.
extension HammingIndex.Match: Equatable where ID: Equatable {}
