import PopcountExtensions

/// A library of 64-bit hashes searched exactly by Hamming distance.
///
/// Hashes sit in one contiguous `[UInt64]` and every query scans all of them with a popcount of
/// the XOR (POPCNT where the CPU has it: `PopcountScan`): exact answers, no tuning, and about
/// 0.3 ms per million entries on one core here.
/// Ties are broken by insertion order (earlier first), so results are deterministic.
///
/// Removal by position is O(1): `remove(atPosition:)` leaves a tombstone that searches skip, and
/// `compact()` drops the tombstones in one pass when the owner decides (a library that removed
/// an image by filtering both arrays paid O(n) per removal, which made a replay with removals
/// quadratic: `bench replay`).
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
    /// Per position, whether the entry was removed; empty until the first removal, so an index
    /// that never removes pays nothing for it.
    private var isRemoved: [Bool] = []
    /// Positions removed and not yet compacted away.
    public private(set) var removedCount = 0

    /// An empty index.
    public init() {}

    /// An index of `hashes[i]` under `ids[i]`, in that order (the arrays must be as long).
    public init(hashes: [UInt64], ids: [ID]) {
        precondition(hashes.count == ids.count, "an index needs one id per hash")
        self.hashes = hashes
        self.ids = ids
    }

    /// Number of entries (removed ones not counted).
    public var count: Int { hashes.count - removedCount }

    /// Positions in use, removed ones included: the position the next `insert` gets.
    public var positionCount: Int { hashes.count }

    /// Adds `hash` under `id` (ids need not be unique) and returns its position: its place in
    /// insertion order, stable until `compact()` or `removeAll(where:)`.
    @discardableResult
    public mutating func insert(_ hash: UInt64, id: ID) -> Int {
        hashes.append(hash)
        ids.append(id)
        if !isRemoved.isEmpty { isRemoved.append(false) }
        return hashes.count - 1
    }

    /// Makes room for `count` entries.
    public mutating func reserveCapacity(_ count: Int) {
        hashes.reserveCapacity(count)
        ids.reserveCapacity(count)
    }

    /// Whether the entry at `position` was removed.
    public func isRemoved(atPosition position: Int) -> Bool {
        precondition(position >= 0 && position < hashes.count, "position \(position) is outside the index (\(hashes.count) positions)")
        return !isRemoved.isEmpty && isRemoved[position]
    }

    /// The id stored at `position` (removed or not).
    public func id(atPosition position: Int) -> ID { ids[position] }

    /// Removes the entry at `position` in O(1), leaving a tombstone that every search skips
    /// until `compact()`. Removing a removed entry does nothing.
    public mutating func remove(atPosition position: Int) {
        precondition(position >= 0 && position < hashes.count, "position \(position) is outside the index (\(hashes.count) positions)")
        if isRemoved.isEmpty { isRemoved = [Bool](repeating: false, count: hashes.count) }
        guard !isRemoved[position] else { return }
        isRemoved[position] = true
        removedCount += 1
    }

    /// Drops removed entries, keeping the others in order; positions are renumbered 0, 1, …
    /// in that order.
    public mutating func compact() {
        guard removedCount > 0 else { return }
        var kept = 0
        for position in hashes.indices where !isRemoved[position] {
            if kept != position {
                hashes[kept] = hashes[position]
                ids.swapAt(kept, position)
            }
            kept += 1
        }
        hashes.removeLast(hashes.count - kept)
        ids.removeLast(ids.count - kept)
        isRemoved = []
        removedCount = 0
    }

    /// Removes every entry whose id satisfies `predicate`, keeping the others in order (and
    /// compacting: positions are renumbered).
    public mutating func removeAll(where predicate: (ID) throws -> Bool) rethrows {
        for position in hashes.indices where !isRemoved(atPosition: position) {
            if try predicate(ids[position]) { remove(atPosition: position) }
        }
        compact()
    }

    /// The closest entry to `query`, nil when the index is empty.
    public func nearest(to query: UInt64) -> Match? {
        let (position, distance) = hashes.withUnsafeBufferPointer { hashes in
            isRemoved.withUnsafeBufferPointer { isRemoved in
                PopcountScan.isAvailable
                    ? PopcountScan.nearest(to: query, in: hashes, skipping: isRemoved)
                    : Self.nearest(to: query, in: hashes, skipping: isRemoved)
            }
        }
        return position < 0 ? nil : match(at: position, distance: distance)
    }

    /// `PopcountScan.nearest` for CPUs without POPCNT: the same loop, compiled for the baseline.
    static func nearest(to query: UInt64, in hashes: UnsafeBufferPointer<UInt64>,
                        skipping isRemoved: UnsafeBufferPointer<Bool>) -> (position: Int, distance: Int) {
        var bestPosition = -1
        var bestDistance = Int.max
        for position in 0..<hashes.count {
            let distance = (hashes[position] ^ query).nonzeroBitCount
            if distance < bestDistance && (isRemoved.isEmpty || !isRemoved[position]) {
                bestDistance = distance
                bestPosition = position
                if distance == 0 { break }
            }
        }
        return (bestPosition, bestDistance)
    }

    /// The `count` closest entries, closest first (fewer when the index is smaller).
    public func nearest(to query: UInt64, count wanted: Int) -> [Match] {
        guard wanted > 0 else { return [] }
        // First pass: how many entries lie at each distance; that fixes the cut-off distance.
        var histogram = [Int](repeating: 0, count: 65)
        hashes.withUnsafeBufferPointer { hashes in
            for hash in hashes { histogram[(hash ^ query).nonzeroBitCount] += 1 }
        }
        if removedCount > 0 {
            for index in hashes.indices where isRemoved[index] { histogram[(hashes[index] ^ query).nonzeroBitCount] -= 1 }
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
        for index in hashes.indices where !isRemoved(atPosition: index) {
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
        for index in hashes.indices where !isRemoved(atPosition: index) {
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
