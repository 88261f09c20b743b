import Imaging
import JSON

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
/// Removal is O(1) amortised: an image's place in the order (and in the index, which shares
/// the positions) becomes a tombstone, found by binary search on the seqs the images were
/// added at (the order is by that seq), and the tombstones are compacted away once they are as
/// many as a quarter of the live images. Tombstones are never encoded and never compared, so a
/// library loaded from a snapshot equals and encodes exactly like the one replayed.
public struct LibraryProjection: Sendable {
    public static let name = "library"
    /// 2: registered images awaiting a fingerprint (`library.image.registered`) are part of
    /// the state; a version-1 snapshot would have skipped them, so it is not used.
    public static let version = 2
    /// Tombstones tolerated before a compaction, at least (below it, a compaction would cost
    /// more than the searches skipping them).
    static let compactionFloor = 256

    /// Images by id.
    public internal(set) var images: [String: LibraryImage] = [:]
    /// Registered images without a fingerprint yet, by id (see `register`).
    public internal(set) var awaitingFingerprint: [String: RegisteredImage] = [:]
    /// Ids by position: in the order added, removed ones still holding their place until the
    /// next compaction (their `slotSeqs` entry is 0).
    private var slots: [String] = []
    /// The `addedSeq` of the image at each position, increasing; 0 for a removed one.
    private var slotSeqs: [UInt64] = []
    /// Removed positions not yet compacted away.
    private var removedSlots = 0
    /// The search index over `images`, with the same positions as `slots` (not encoded:
    /// rebuilt from the images).
    var index = HammingIndex<String>()
    /// The first image of each file SHA-256 (not encoded: rebuilt from `images`).
    var idsBySha256: [String: String] = [:]
    /// For a SHA-256 several images share: the ids after the first, in the order added. Empty
    /// for most libraries; it makes removing the first of them O(1).
    var laterIdsBySha256: [String: [String]] = [:]

    /// An empty library.
    public init() {}

    /// Number of images.
    public var count: Int { images.count }

    /// Ids in the order they were added.
    public var order: [String] {
        var ids: [String] = []
        ids.reserveCapacity(images.count)
        for position in slots.indices where slotSeqs[position] != 0 { ids.append(slots[position]) }
        return ids
    }

    /// The id an image added by the event at `seq` gets when it names none.
    public static func defaultId(seq: UInt64) -> String { "img-\(seq)" }

    /// Folds `event`: additions (an id already in the library is left as it is: the first
    /// addition wins) and removals.
    public mutating func apply(_ event: RecordedEvent) {
        switch event.event {
        case .libraryImageAdded(let added):
            guard let hash = LibraryProjection.hashValue(hex: added.hash) else { return }
            let id = added.imageId ?? LibraryProjection.defaultId(seq: event.seq)
            if insertIfNew(LibraryImage(id: id, source: added.source, sha256: added.sha256, hash: hash, width: added.width, height: added.height,
                                        byteSize: added.byteSize, format: added.format, addedSeq: event.seq, addedAt: event.timestamp)) {
                awaitingFingerprint[id] = nil
            }
        case .libraryImageRegistered(let registered):
            register(registered, seq: event.seq)
        case .libraryImageRemoved(let removed):
            if awaitingFingerprint.removeValue(forKey: removed.imageId) != nil { return }
            guard let image = images.removeValue(forKey: removed.imageId) else { return }
            removeSlot(of: image)
            forgetSha256(of: image)
        default:
            break
        }
    }

    /// A 64-bit dHash from its 16 hex digits, as `DifferenceHash(hex:)` reads them (either
    /// case) but without its arrays: a snapshot load parses a million of them.
    static func hashValue(hex: String) -> UInt64? {
        func parse(_ digits: UnsafeBufferPointer<UInt8>) -> UInt64? {
            guard digits.count == 16 else { return nil }
            var value: UInt64 = 0
            for digit in digits {
                let nibble: UInt8
                switch digit {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit &- UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit &- UInt8(ascii: "a") &+ 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit &- UInt8(ascii: "A") &+ 10
                default: return nil
                }
                value = value &<< 4 | UInt64(nibble)
            }
            return value
        }
        return hex.utf8.withContiguousStorageIfAvailable(parse) ?? Array(hex.utf8).withUnsafeBufferPointer(parse)
    }

    /// Makes room for `count` images.
    mutating func reserveCapacity(_ count: Int) {
        images.reserveCapacity(count)
        slots.reserveCapacity(count)
        slotSeqs.reserveCapacity(count)
        index.reserveCapacity(count)
        idsBySha256.reserveCapacity(count)
    }

    /// Gives `image` (already in `images`) its place in the order, the index and the SHA-256 lookup.
    private mutating func insertPlace(of image: LibraryImage) {
        slots.append(image.id)
        slotSeqs.append(image.addedSeq)
        index.insert(image.hash, id: image.id)
        if let first = idsBySha256.updateValue(image.id, forKey: image.sha256) {
            idsBySha256[image.sha256] = first
            laterIdsBySha256[image.sha256, default: []].append(image.id)
        }
    }

    /// Adds `image` unless its id is in the library already; false then (nothing changes).
    /// Each lookup hashes its key once: a snapshot load inserts a million images.
    mutating func insertIfNew(_ image: LibraryImage) -> Bool {
        // The defaulted subscript's in-place access inserts the default when the key is absent
        // (evaluating it only then) and leaves a present value alone, in one lookup.
        var isNew = false
        func access(_ value: inout LibraryImage) {}
        access(&images[image.id, default: { isNew = true; return image }()])
        if isNew { insertPlace(of: image) }
        return isNew
    }

    /// Tombstones `image`'s position, and compacts when the tombstones have grown to a quarter
    /// of the library (so each removal pays O(1) of the compaction's cost on average).
    private mutating func removeSlot(of image: LibraryImage) {
        guard let position = position(of: image) else { preconditionFailure("library image \(image.id) has no position") }
        slotSeqs[position] = 0
        index.remove(atPosition: position)
        removedSlots += 1
        if removedSlots >= Self.compactionFloor && removedSlots * 4 >= images.count { compact() }
    }

    /// Where `image` sits: binary search on the added seqs (increasing: images are added in
    /// seq order, and snapshots keep that order), with a scan as the fallback for a library
    /// whose order is not by seq.
    private func position(of image: LibraryImage) -> Int? {
        var low = 0, high = slotSeqs.count
        while low < high {
            let middle = (low + high) / 2
            // A tombstone's 0 breaks the order: step to the nearest live slot to compare.
            var probe = middle
            while probe < high && slotSeqs[probe] == 0 { probe += 1 }
            if probe == high { high = middle; continue }
            if slotSeqs[probe] == image.addedSeq { return slots[probe] == image.id ? probe : scanForPosition(of: image) }
            if slotSeqs[probe] < image.addedSeq { low = probe + 1 } else { high = middle }
        }
        return scanForPosition(of: image)
    }

    private func scanForPosition(of image: LibraryImage) -> Int? {
        slots.indices.first { slotSeqs[$0] == image.addedSeq && slots[$0] == image.id }
    }

    /// Drops the tombstones from the order and the index (the same positions go).
    private mutating func compact() {
        var kept = 0
        for position in slots.indices where slotSeqs[position] != 0 {
            if kept != position {
                slots.swapAt(kept, position)
                slotSeqs[kept] = slotSeqs[position]
            }
            kept += 1
        }
        slots.removeLast(slots.count - kept)
        slotSeqs.removeLast(slotSeqs.count - kept)
        index.compact()
        removedSlots = 0
    }

    /// Keeps `idsBySha256` naming the first image still in the library for `image`'s SHA-256.
    private mutating func forgetSha256(of image: LibraryImage) {
        if idsBySha256[image.sha256] == image.id {
            if var later = laterIdsBySha256.removeValue(forKey: image.sha256), !later.isEmpty {
                idsBySha256[image.sha256] = later.removeFirst()
                if !later.isEmpty { laterIdsBySha256[image.sha256] = later }
            } else {
                idsBySha256[image.sha256] = nil
            }
        } else if var later = laterIdsBySha256.removeValue(forKey: image.sha256) {
            later.removeAll { $0 == image.id }
            if !later.isEmpty { laterIdsBySha256[image.sha256] = later }
        }
    }

    /// The image whose file has SHA-256 `sha256` (hex), the first added if several do.
    public func image(withSha256 sha256: String) -> LibraryImage? { idsBySha256[sha256].flatMap { images[$0] } }

    /// The nearest image to `hash` with its distance and confidence; nil for an empty library.
    public func nearest(to hash: UInt64) -> MatchSummary? {
        guard let found = index.nearest(to: hash) else { return nil }
        return MatchSummary(imageId: found.id, distance: found.distance, confidence: 1 - Double(found.distance) / 64)
    }

    /// The `count` nearest images, closest first.
    public func nearest(to hash: UInt64, count: Int) -> [MatchSummary] {
        index.nearest(to: hash, count: count).map { MatchSummary(imageId: $0.id, distance: $0.distance, confidence: 1 - Double($0.distance) / 64) }
    }

    /// Calls `body` with each image in the order added.
    public func forEachImageInOrder(_ body: (LibraryImage) throws -> Void) rethrows {
        for position in slots.indices where slotSeqs[position] != 0 { try body(images[slots[position]]!) }
    }

    /// Images in the order they were added.
    public var imagesInOrder: [LibraryImage] {
        var result: [LibraryImage] = []
        result.reserveCapacity(images.count)
        forEachImageInOrder { result.append($0) }
        return result
    }
}

extension LibraryProjection: Equatable {
    /// Equal when the same images are in the same order (tombstones and compaction history
    /// do not count).
    public static func == (lhs: LibraryProjection, rhs: LibraryProjection) -> Bool {
        lhs.images == rhs.images && lhs.order == rhs.order && lhs.awaitingFingerprint == rhs.awaitingFingerprint
    }
}

extension LibraryProjection {
    /// The canonical encoding: `{"awaitingFingerprint":[…],"images":[[addedSeq,id,source,
    /// sha256,hash,width,height,byteSize,format,addedAt],…]}` in the order added; `id` is null
    /// when it is the default `img-<addedSeq>` (most images), which keeps a million-image
    /// snapshot compact. `awaitingFingerprint` is `encodeAwaiting`'s.
    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            encodeAwaiting(to: &json)
            json.writeKey("images")
            json.writeArray { json in
                forEachImageInOrder { image in
                    json.writeArray { json in
                        json.write(image.addedSeq)
                        if image.id == LibraryProjection.defaultId(seq: image.addedSeq) { json.writeNull() } else { json.write(image.id) }
                        json.write(image.source)
                        json.write(image.sha256)
                        json.write(image.hashHex)
                        json.write(image.width)
                        json.write(image.height)
                        json.write(image.byteSize)
                        json.write(image.format)
                        json.write(image.addedAt)
                    }
                }
            }
        }
    }

    /// Bytes of the canonical encoding per image, about (174 for the benchmark's images):
    /// what a decoder reserves room by.
    static let typicalImageBytes = 170

    /// Decodes `encode(to:)`'s output and rebuilds the index. `expectedImages` only reserves
    /// room (growing a million-entry dictionary by doubling rehashes every key about once
    /// more); any count decodes.
    public init(from reader: inout JSONReader, expectedImages: Int = 0) throws(JSONError) {
        self.init()
        if expectedImages > 0 { reserveCapacity(expectedImages) }
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            if key == "awaitingFingerprint" { try decodeAwaiting(from: &reader); continue }
            guard key == "images" else { try reader.skipValue(); continue }
            var array = try reader.beginArray()
            while try reader.nextElement(in: &array) {
                var fields = try reader.beginArray()
                func next() throws(JSONError) {
                    guard try reader.nextElement(in: &fields) else {
                        throw JSONError(.invalidValue, at: fields.startOffset, "a library image is [addedSeq, id, source, sha256, hash, width, height, byteSize, format, addedAt]")
                    }
                }
                try next(); let seq = try reader.readUInt64()
                try next(); let id = try reader.readOptionalString() ?? LibraryProjection.defaultId(seq: seq)
                try next(); let source = try reader.readString()
                try next(); let sha = try reader.readString()
                try next(); let hashText = try reader.readString()
                try next(); let width = try reader.readInt()
                try next(); let height = try reader.readInt()
                try next(); let size = try reader.readInt()
                try next(); let format = try reader.readString()
                try next(); let addedAt = try reader.readUInt64()
                guard try !reader.nextElement(in: &fields), let hash = LibraryProjection.hashValue(hex: hashText),
                      insertIfNew(LibraryImage(id: id, source: source, sha256: sha, hash: hash, width: width, height: height, byteSize: size,
                                               format: format, addedSeq: seq, addedAt: addedAt)) else {
                    throw JSONError(.invalidValue, at: fields.startOffset, "a library image has extra fields, a bad hash or a repeated id")
                }
            }
        }
    }
}
