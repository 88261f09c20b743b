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
public struct LibraryProjection: Sendable {
    public static let name = "library"
    public static let version = 1

    /// Images by id.
    public internal(set) var images: [String: LibraryImage] = [:]
    /// Ids in the order they were added.
    public internal(set) var order: [String] = []
    /// The search index over `images` (not encoded: rebuilt from them).
    var index = HammingIndex<String>()
    /// The first image of each file SHA-256 (not encoded: rebuilt from `images`).
    var idsBySha256: [String: String] = [:]

    /// An empty library.
    public init() {}

    /// Number of images.
    public var count: Int { images.count }

    /// The id an image added by the event at `seq` gets when it names none.
    public static func defaultId(seq: UInt64) -> String { "img-\(seq)" }

    /// Folds `event`: additions (an id already in the library is left as it is: the first
    /// addition wins) and removals.
    public mutating func apply(_ event: RecordedEvent) {
        switch event.event {
        case .libraryImageAdded(let added):
            guard let hash = DifferenceHash(hex: added.hash)?.value else { return }
            let id = added.imageId ?? LibraryProjection.defaultId(seq: event.seq)
            guard images[id] == nil else { return }
            insert(LibraryImage(id: id, source: added.source, sha256: added.sha256, hash: hash, width: added.width, height: added.height,
                                byteSize: added.byteSize, format: added.format, addedSeq: event.seq, addedAt: event.timestamp))
        case .libraryImageRemoved(let removed):
            guard let image = images.removeValue(forKey: removed.imageId) else { return }
            order.removeAll { $0 == removed.imageId }
            index.removeAll { $0 == removed.imageId }
            if idsBySha256[image.sha256] == image.id {
                idsBySha256[image.sha256] = order.first { images[$0]?.sha256 == image.sha256 }
            }
        default:
            break
        }
    }

    mutating func insert(_ image: LibraryImage) {
        images[image.id] = image
        order.append(image.id)
        index.insert(image.hash, id: image.id)
        if idsBySha256[image.sha256] == nil { idsBySha256[image.sha256] = image.id }
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

    /// Images in the order they were added.
    public var imagesInOrder: [LibraryImage] { order.compactMap { images[$0] } }
}

extension LibraryProjection: Equatable {
    public static func == (lhs: LibraryProjection, rhs: LibraryProjection) -> Bool {
        lhs.order == rhs.order && lhs.images == rhs.images
    }
}

extension LibraryProjection {
    /// The canonical encoding: `{"images":[[addedSeq,id,source,sha256,hash,width,height,
    /// byteSize,format,addedAt],…]}` in the order added; `id` is null when it is the default
    /// `img-<addedSeq>` (most images), which keeps a million-image snapshot compact.
    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.writeKey("images")
            json.writeArray { json in
                for id in order {
                    let image = images[id]!
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

    /// Decodes `encode(to:)`'s output and rebuilds the index.
    public init(from reader: inout JSONReader) throws(JSONError) {
        self.init()
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
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
                guard try !reader.nextElement(in: &fields), let hash = DifferenceHash(hex: hashText)?.value, images[id] == nil else {
                    throw JSONError(.invalidValue, at: fields.startOffset, "a library image has extra fields, a bad hash or a repeated id")
                }
                insert(LibraryImage(id: id, source: source, sha256: sha, hash: hash, width: width, height: height, byteSize: size,
                                    format: format, addedSeq: seq, addedAt: addedAt))
            }
        }
    }
}
