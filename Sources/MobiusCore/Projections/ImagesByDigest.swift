import Synchronization

/// The seqs of the library's images by their file's SHA-256, in the order added: what `library
/// add` refuses a second copy of a file by.
struct ImagesByDigest: Sendable {
    /// The first image of each SHA-256.
    private var first: [PackedDigest: UInt64] = [:]
    /// For a SHA-256 several images share: the seqs after the first, in the order added. Empty
    /// for most libraries; it makes removing the first of them O(1).
    private var later: [PackedDigest: [UInt64]] = [:]

    /// The seq of the first image with `digest`.
    func firstSeq(of digest: PackedDigest) -> UInt64? { first[digest] }

    /// Records the image added at `seq` (after every image recorded so far).
    mutating func insert(_ digest: PackedDigest, seq: UInt64) {
        // One lookup for a new SHA-256 (nearly every image): put the seq, put the first back if there was one.
        if let earlier = first.updateValue(seq, forKey: digest) {
            first[digest] = earlier
            later[digest, default: []].append(seq)
        }
    }

    /// Forgets the image added at `seq`.
    mutating func remove(_ digest: PackedDigest, seq: UInt64) {
        if first[digest] == seq {
            if var rest = later.removeValue(forKey: digest), !rest.isEmpty {
                first[digest] = rest.removeFirst()
                if !rest.isEmpty { later[digest] = rest }
            } else {
                first[digest] = nil
            }
        } else if var rest = later.removeValue(forKey: digest) {
            rest.removeAll { $0 == seq }
            if !rest.isEmpty { later[digest] = rest }
        }
    }
}

/// An `ImagesByDigest` built on first use and kept up to date after.
///
/// A million-image snapshot decodes in a third of a second without it and takes 0.4 s more to
/// build it (`bench snapshot`), yet only `library add` looks images up by SHA-256; startup does
/// not pay for what it does not use. The library holds one of these boxes and copies it before
/// changing a box it shares (`isKnownUniquelyReferenced`), so the library stays a value; the lock
/// makes the build safe when copies sharing one box are read from several threads.
final class LazyImagesByDigest: Sendable {
    private let table: Mutex<ImagesByDigest?>

    /// A box with nothing built, or holding `table`.
    init(_ table: ImagesByDigest? = nil) { self.table = Mutex(table) }

    /// A box of its own with the same contents.
    func copy() -> LazyImagesByDigest { LazyImagesByDigest(table.withLock { $0 }) }

    /// Whether it has been built.
    var isBuilt: Bool { table.withLock { $0 != nil } }

    /// The seq of the first image with `digest`, building the table with `build` first if needed.
    func firstSeq(of digest: PackedDigest, building build: () -> ImagesByDigest) -> UInt64? {
        table.withLock { table in
            if table == nil { table = build() }
            return table?.firstSeq(of: digest)
        }
    }

    /// Changes the table if it has been built (one not built yet is built from the images as
    /// they are then).
    func updateIfBuilt(_ change: (inout ImagesByDigest) -> Void) {
        table.withLock { table in
            if table != nil { change(&table!) }
        }
    }
}
