import Imaging

/// One image of the library.
public struct LibraryImage: Sendable, Equatable {
    /// Its id (`img-<seq>` unless one was given).
    public var id: String
    /// Where it came from.
    public var source: String
    /// SHA-256 of its file, hex.
    public var sha256: String
    /// Its 64-bit dHash.
    public var hash: UInt64
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// File size in bytes.
    public var byteSize: Int
    /// `png` or `pnm`.
    public var format: String
    /// The seq of its `library.image.added`.
    public var addedSeq: UInt64
    /// When it was added, µs.
    public var addedAt: UInt64

    /// The dHash as 16 lowercase hex digits.
    public var hashHex: String { DifferenceHash(value: hash).hex }
}

/// The image library and its Hamming index (DESIGN.md "Library"): images in the order they
/// were added, looked up by id, matched by nearest dHash with ties going to the image added
/// first.
///
/// The images are rows by position, in the order added — which is the order of their seqs —
/// and the index shares the positions. Most ids are the default `img-<seq>`, found by binary
/// search on the seqs, and ids given explicitly load as a sorted table (`ExplicitIdIndex`); a
/// snapshot of a million images therefore loads into arrays, not a million-entry dictionary.
///
/// Removal is O(1) amortised: an image's position becomes a tombstone (the index's), keeping
/// its seq so the seqs stay sorted, and the tombstones are compacted away once they are as
/// many as a quarter of the live images. Tombstones are never encoded and never compared, so a
/// library loaded from a snapshot equals and encodes exactly like the one replayed.
public struct LibraryProjection: Sendable {
    public static let name = "library"
    /// 3: the snapshot state holds the images as a binary table (LibraryImageTable.swift),
    /// not JSON. (2: registered images awaiting a fingerprint are part of the state.)
    public static let version = 3
    /// Tombstones tolerated before a compaction, at least (below it, a compaction would cost
    /// more than the searches skipping them).
    static let compactionFloor = 256

    /// The image at a position. (Its dHash is in the index too, which searches; the rows are
    /// the library's own, so lookups and encoding make no calls into the generic index.)
    struct Row: Sendable, Equatable {
        /// The seq of its `library.image.added`.
        var seq: UInt64
        var hash: UInt64
        /// The id, when one was given that is not the default `img-<seq>`.
        var explicitId: String?
        var source: String
        var digest: PackedDigest
        var width: Int
        var height: Int
        var byteSize: Int
        var format: String
        var addedAt: UInt64
    }

    /// Registered images without a fingerprint yet, by id (see `register`).
    public internal(set) var awaitingFingerprint: [String: RegisteredImage] = [:]
    /// The dHash of each position, with the image's seq as its id; removed positions are
    /// tombstones here and in `isRemoved`.
    private(set) var index = HammingIndex<UInt64>()
    /// The image at each position, in the order added (so by seq).
    private(set) var rows: [Row] = []
    /// Whether each position's image was removed (since the last compaction).
    private(set) var isRemoved: [Bool] = []
    /// The seq of each image whose id was given explicitly.
    private var explicitIds = ExplicitIdIndex()
    /// For an explicit id of the default form `img-<n>` (events of older versions could give
    /// one): the seq it names → the seq of the image holding it. Such an id keeps the image
    /// added at seq n, which has no explicit id, out of the library.
    private var defaultFormIds: [UInt64: UInt64] = [:]
    /// The images by file SHA-256, once something has asked for one.
    private var imagesByDigest = LazyImagesByDigest()

    /// An empty library.
    public init() {}

    /// Number of images.
    public var count: Int { index.count }

    /// Ids in the order they were added.
    public var order: [String] {
        var ids: [String] = []
        ids.reserveCapacity(count)
        forEachPosition { ids.append(id(at: $0)) }
        return ids
    }

    /// The id an image added by the event at `seq` gets when it names none.
    public static func defaultId(seq: UInt64) -> String { "img-\(seq)" }

    /// The seq a default id names: `img-` and the seq's digits exactly as `defaultId` writes
    /// them (no sign, no leading zero); nil for any other id.
    static func seq(ofDefaultId id: String) -> UInt64? {
        let utf8 = id.utf8
        // The first byte first: a load checks every explicit id, and the generic prefix test is slow.
        guard utf8.count > 4, utf8.first == UInt8(ascii: "i"), utf8.starts(with: "img-".utf8) else { return nil }
        let digits = utf8.dropFirst(4)
        guard digits.first != UInt8(ascii: "0"), digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return UInt64(id.dropFirst(4))
    }

    /// Folds `event`: additions (an id already in the library is left as it is: the first
    /// addition wins) and removals.
    public mutating func apply(_ event: RecordedEvent) {
        switch event.event {
        case .libraryImageAdded(let added):
            guard let hash = LibraryProjection.hashValue(hex: added.hash), let digest = PackedDigest(hex: added.sha256) else { return }
            let id = added.imageId ?? LibraryProjection.defaultId(seq: event.seq)
            let row = Row(seq: event.seq, hash: hash, explicitId: id, source: added.source, digest: digest, width: added.width, height: added.height,
                          byteSize: added.byteSize, format: added.format, addedAt: event.timestamp)
            if insertIfNew(row) { awaitingFingerprint[id] = nil }
        case .libraryImageRegistered(let registered):
            register(registered, seq: event.seq)
        case .libraryImageRemoved(let removed):
            if awaitingFingerprint.removeValue(forKey: removed.imageId) != nil { return }
            guard let position = position(ofId: removed.imageId) else { return }
            remove(at: position)
        default:
            break
        }
    }

    /// A 64-bit dHash from its 16 hex digits, as `DifferenceHash(hex:)` reads them (either
    /// case) but without its arrays.
    static func hashValue(hex: String) -> UInt64? {
        var value: UInt64 = 0
        var count = 0
        for digit in hex.utf8 {
            guard count < 16, let nibble = PackedDigest.nibble(digit) else { return nil }
            value = value &<< 4 | UInt64(nibble)
            count += 1
        }
        return count == 16 ? value : nil
    }

    /// Makes room for `count` more decoded images with ids given explicitly.
    mutating func reserveExplicitIds(_ count: Int) {
        explicitIds.reserveLoaded(count)
    }

    /// Makes room for `count` images.
    mutating func reserveCapacity(_ count: Int) {
        rows.reserveCapacity(count)
        isRemoved.reserveCapacity(count)
        index.reserveCapacity(count)
    }

    /// Adds the image of `row` unless its id (`img-<seq>` when it has none) is in the library
    /// already; false then (nothing changes). Seqs must increase from one addition to the next
    /// (events fold in seq order).
    mutating func insertIfNew(_ row: consuming Row) -> Bool {
        let seq = row.seq
        precondition(rows.last.map { $0.seq < seq } ?? true, "library images are added in seq order")
        if let id = row.explicitId, LibraryProjection.seq(ofDefaultId: id) == seq { row.explicitId = nil }
        if let explicitId = row.explicitId {
            let named = LibraryProjection.seq(ofDefaultId: explicitId)
            // An id of the default form may name an image that has no explicit id.
            if let named, let position = position(ofSeq: named), rows[position].explicitId == nil { return false }
            guard changeExplicitIds({ $0.insertIfNew(explicitId, seq: seq, idOfSeq: $1) }) else { return false }
            if let named { defaultFormIds[named] = seq }
        } else {
            // No image has this seq yet: only an explicit id can hold its default id.
            guard defaultFormIds[seq] == nil else { return false }
        }
        let digest = row.digest
        changeImagesByDigest { $0.insert(digest, seq: seq) }
        index.insert(row.hash, id: seq)
        rows.append(row)
        isRemoved.append(false)
        return true
    }

    /// Appends a row a snapshot's image table decoded, without the checks of `insertIfNew`
    /// and without indexing it: `finishDecoding()` does both for every row at once.
    mutating func appendDecoded(_ row: Row) {
        precondition(rows.last.map { $0.seq < row.seq } ?? true, "library images are added in seq order")
        if let explicitId = row.explicitId {
            explicitIds.appendLoaded(explicitId, seq: row.seq)
            if let named = LibraryProjection.seq(ofDefaultId: explicitId) { defaultFormIds[named] = row.seq }
        }
        rows.append(row)
        isRemoved.append(false)
    }

    /// Ends decoding: returns an id two decoded images hold (an explicit id twice, or the
    /// default id of an image another holds explicitly), else builds the index and returns nil.
    mutating func finishDecoding() -> String? {
        if let repeated = changeExplicitIds({ $0.finishLoading(idOfSeq: $1) }) { return repeated }
        for named in defaultFormIds.keys.sorted() {
            if let position = position(ofSeq: named), rows[position].explicitId == nil { return LibraryProjection.defaultId(seq: named) }
        }
        rebuildIndex()
        return nil
    }

    /// Runs `change` on the explicit ids, handing it the explicit id of the image at a seq.
    /// The ids are moved out meanwhile, so reading the rows does not overlap changing them.
    private mutating func changeExplicitIds<T>(_ change: (inout ExplicitIdIndex, (UInt64) -> String?) -> T) -> T {
        var ids = explicitIds
        explicitIds = ExplicitIdIndex()
        defer { explicitIds = ids }
        return change(&ids) { seq in position(ofSeq: seq).flatMap { rows[$0].explicitId } }
    }

    /// Builds the index from the rows (which must have no tombstones).
    private mutating func rebuildIndex() {
        precondition(index.positionCount == 0 && !isRemoved.contains(true), "the index is rebuilt from live rows only")
        index = HammingIndex(hashes: rows.map(\.hash), ids: rows.map(\.seq))
    }

    /// Whether the library has an image with id `id`.
    public func contains(id: String) -> Bool { position(ofId: id) != nil }

    /// The image with id `id`.
    public func image(withId id: String) -> LibraryImage? { position(ofId: id).map(image(at:)) }

    /// The image whose file has SHA-256 `sha256` (hex), the first added if several do.
    public func image(withSha256 sha256: String) -> LibraryImage? {
        guard let digest = PackedDigest(hex: sha256), let seq = imagesByDigest.firstSeq(of: digest, building: buildImagesByDigest) else { return nil }
        return position(ofSeq: seq).map(image(at:))
    }

    /// The images by SHA-256 as they are now.
    private func buildImagesByDigest() -> ImagesByDigest {
        var table = ImagesByDigest()
        forEachPosition { table.insert(rows[$0].digest, seq: rows[$0].seq) }
        return table
    }

    /// Applies `change` to the images by SHA-256 if they were built, in a box of this
    /// library's own.
    private mutating func changeImagesByDigest(_ change: (inout ImagesByDigest) -> Void) {
        guard imagesByDigest.isBuilt else { return }
        if !isKnownUniquelyReferenced(&imagesByDigest) { imagesByDigest = imagesByDigest.copy() }
        imagesByDigest.updateIfBuilt(change)
    }

    /// The nearest image to `hash` with its distance and confidence; nil for an empty library.
    public func nearest(to hash: UInt64) -> MatchSummary? {
        index.nearest(to: hash).map(summary)
    }

    /// The `count` nearest images, closest first.
    public func nearest(to hash: UInt64, count: Int) -> [MatchSummary] {
        index.nearest(to: hash, count: count).map(summary)
    }

    /// Calls `body` with each image in the order added.
    public func forEachImageInOrder(_ body: (LibraryImage) throws -> Void) rethrows {
        try forEachPosition { try body(image(at: $0)) }
    }

    /// Images in the order they were added.
    public var imagesInOrder: [LibraryImage] {
        var result: [LibraryImage] = []
        result.reserveCapacity(count)
        forEachImageInOrder { result.append($0) }
        return result
    }

    /// Calls `body` with each live position, in order.
    func forEachPosition(_ body: (Int) throws -> Void) rethrows {
        for position in rows.indices where !isRemoved[position] { try body(position) }
    }

    /// The image at `position`.
    private func image(at position: Int) -> LibraryImage {
        let row = rows[position]
        return LibraryImage(id: id(at: position), source: row.source, sha256: row.digest.hex, hash: row.hash, width: row.width,
                            height: row.height, byteSize: row.byteSize, format: row.format, addedSeq: row.seq, addedAt: row.addedAt)
    }

    /// The id of the image at `position`.
    private func id(at position: Int) -> String {
        rows[position].explicitId ?? LibraryProjection.defaultId(seq: rows[position].seq)
    }

    private func summary(_ match: HammingIndex<UInt64>.Match) -> MatchSummary {
        guard let position = position(ofSeq: match.id) else { preconditionFailure("library index entry \(match.id) has no row") }
        return MatchSummary(imageId: id(at: position), distance: match.distance, confidence: 1 - Double(match.distance) / 64)
    }

    /// The live position of the image with id `id`.
    private func position(ofId id: String) -> Int? {
        if let seq = explicitIds.seq(of: id, idOfSeq: { seq in position(ofSeq: seq).flatMap { rows[$0].explicitId } }) {
            return position(ofSeq: seq)
        }
        guard let seq = LibraryProjection.seq(ofDefaultId: id), let position = position(ofSeq: seq), rows[position].explicitId == nil else { return nil }
        return position
    }

    /// The live position of the image added at `seq`: binary search on the seqs, which
    /// increase with the position (tombstones keep theirs).
    private func position(ofSeq seq: UInt64) -> Int? {
        var low = 0, high = rows.count
        while low < high {
            let middle = (low + high) / 2
            let found = rows[middle].seq
            if found == seq { return isRemoved[middle] ? nil : middle }
            if found < seq { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Tombstones live `position`, forgets its id and SHA-256, and compacts when the tombstones
    /// have grown to a quarter of the library (so each removal pays O(1) of the compaction's cost
    /// on average).
    private mutating func remove(at position: Int) {
        let row = rows[position], seq = row.seq
        isRemoved[position] = true
        index.remove(atPosition: position)
        if let explicitId = row.explicitId {
            explicitIds.remove(explicitId, seq: seq)
            if let named = LibraryProjection.seq(ofDefaultId: explicitId) { defaultFormIds[named] = nil }
        }
        changeImagesByDigest { $0.remove(row.digest, seq: seq) }
        if index.removedCount >= Self.compactionFloor && index.removedCount * 4 >= count { compact() }
    }

    /// Drops the tombstones from the rows and the index (the same positions go).
    private mutating func compact() {
        var kept = 0
        for position in rows.indices where !isRemoved[position] {
            if kept != position { rows.swapAt(kept, position) }
            kept += 1
        }
        rows.removeLast(rows.count - kept)
        isRemoved = [Bool](repeating: false, count: kept)
        index.compact()
    }
}

extension LibraryProjection: Equatable {
    /// Equal when the same images are in the same order (tombstones and compaction history
    /// do not count).
    public static func == (lhs: LibraryProjection, rhs: LibraryProjection) -> Bool {
        guard lhs.count == rhs.count, lhs.awaitingFingerprint == rhs.awaitingFingerprint else { return false }
        var left: [Int] = [], right: [Int] = []
        lhs.forEachPosition { left.append($0) }
        rhs.forEachPosition { right.append($0) }
        return zip(left, right).allSatisfy { lhs.rows[$0] == rhs.rows[$1] }
    }
}
