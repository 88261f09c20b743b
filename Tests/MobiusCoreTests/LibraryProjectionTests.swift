import Imaging
import JSON
@testable import MobiusCore
import Testing
import TestSupport

/// The library's O(1) removals (tombstones, compaction) against a plain model: an array of the
/// images in the order added.
@Suite struct LibraryProjectionTests {
    private struct Model {
        var images: [(id: String, sha: String, hash: UInt64)] = []

        func nearest(to query: UInt64) -> (id: String, distance: Int)? {
            var best: (id: String, distance: Int)? = nil
            for image in images {
                let distance = (image.hash ^ query).nonzeroBitCount
                if best == nil || distance < best!.distance { best = (image.id, distance) }
            }
            return best
        }
    }

    private static func event(_ seq: UInt64, _ event: DomainEvent) -> RecordedEvent {
        RecordedEvent(seq: seq, timestamp: 1_000_000 * seq, requestId: nil, event: event)
    }

    private static func roundTrip(_ library: LibraryProjection) throws -> LibraryProjection {
        var json = JSONWriter()
        library.encode(to: &json)
        let bytes = try json.finish()
        return try bytes.withUnsafeBytes { raw in
            var reader = JSONReader(raw)
            return try LibraryProjection(from: &reader)
        }
    }

    private static func encoded(_ library: LibraryProjection) throws -> [UInt8] {
        var json = JSONWriter()
        library.encode(to: &json)
        return try json.finish()
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func removalsAndCompactionsMatchAPlainList(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var library = LibraryProjection()
        var model = Model()
        // Few distinct SHA-256s and hashes, so duplicates and distance ties are common; enough
        // removals for several compactions (at least `compactionFloor` tombstones each).
        let shas = (0..<40).map { String(repeating: $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16), count: 32) }
        for seq in UInt64(1)...4_000 {
            if model.images.isEmpty || random.next() % 100 < 55 {
                let hash = random.next() & 0xFFFF
                let sha = shas[Int(random.next() % UInt64(shas.count))]
                let id = random.next() % 4 == 0 ? "named-\(random.next() % 300)" : nil
                library.apply(Self.event(seq, .libraryImageAdded(LibraryImageAdded(
                    imageId: id, source: "s", sha256: sha, hash: DifferenceHash(value: hash).hex, width: 1, height: 1, byteSize: 1, format: "png"))))
                let resolved = id ?? LibraryProjection.defaultId(seq: seq)
                if !model.images.contains(where: { $0.id == resolved }) { model.images.append((resolved, sha, hash)) }
            } else {
                let id = random.next() % 10 == 0 ? "missing" : model.images[Int(random.next() % UInt64(model.images.count))].id
                library.apply(Self.event(seq, .libraryImageRemoved(LibraryImageRemoved(imageId: id, reason: nil))))
                model.images.removeAll { $0.id == id }
            }
            if seq % 97 == 0 || seq == 4_000 {
                #expect(library.order == model.images.map(\.id), "order after seq \(seq)")
                #expect(library.count == model.images.count)
                for sha in shas.prefix(8) {
                    #expect(library.image(withSha256: sha)?.id == model.images.first { $0.sha == sha }?.id, "first image of a SHA-256 after seq \(seq)")
                }
                let query = random.next() & 0xFFFF
                let nearest = library.nearest(to: query)
                #expect(nearest?.imageId == model.nearest(to: query)?.id && nearest?.distance == model.nearest(to: query)?.distance)
                let loaded = try Self.roundTrip(library)
                #expect(loaded == library)
                #expect(try Self.encoded(loaded) == Self.encoded(library), "a reloaded library encodes the same bytes")
                #expect(loaded.nearest(to: query, count: 7) == library.nearest(to: query, count: 7))
            }
        }
    }
}

extension LibraryProjectionTests {
    @Test func aSecondAdditionOfAnIdLeavesTheFirst() {
        var library = LibraryProjection()
        for (seq, source) in [(UInt64(1), "first"), (2, "second")] {
            library.apply(RecordedEvent(seq: seq, timestamp: seq, requestId: nil, event: .libraryImageAdded(LibraryImageAdded(
                imageId: "card", source: source, sha256: String(repeating: "0", count: 64), hash: "00000000000000ff", width: 1, height: 1, byteSize: 1, format: "png"))))
        }
        #expect(library.count == 1 && library.images["card"]?.source == "first" && library.order == ["card"])
        #expect(LibraryProjection.hashValue(hex: "00000000000000FF") == 255 && LibraryProjection.hashValue(hex: "0ff") == nil)
        #expect(LibraryProjection.hashValue(hex: "00000000000000fg") == nil && LibraryProjection.hashValue(hex: "00000000000000ff0") == nil)
    }
}
