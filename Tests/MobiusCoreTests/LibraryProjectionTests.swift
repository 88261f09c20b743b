import Imaging
import Integrity
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

    /// The library through a snapshot's state: its JSON summary and image table.
    private static func roundTrip(_ library: LibraryProjection) throws -> LibraryProjection {
        try ProjectionSet(decoding: encoded(library)).library
    }

    /// A snapshot's state holding `library`.
    private static func encoded(_ library: LibraryProjection) -> [UInt8] {
        var projections = ProjectionSet()
        projections.library = library
        return projections.encoded()
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
                // Now and then an explicit id of the default form (older events could hold one).
                let id = random.next() % 4 == 0 ? "named-\(random.next() % 300)" : random.next() % 40 == 0 ? "img-\(random.next() % 4_000 + 1)" : nil
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
                #expect(Self.encoded(loaded) == Self.encoded(library), "a reloaded library encodes the same bytes")
                #expect(loaded.nearest(to: query, count: 7) == library.nearest(to: query, count: 7))
                for image in model.images.suffix(20) { #expect(loaded.image(withId: image.id)?.sha256 == image.sha, "\(image.id) after seq \(seq)") }
                #expect(!loaded.contains(id: "missing") && !loaded.contains(id: "named-300"))
                // Every other stretch goes on from the reloaded library: its ids loaded in bulk.
                if (seq / 97) % 2 == 0 { library = loaded }
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
        #expect(library.count == 1 && library.image(withId: "card")?.source == "first" && library.order == ["card"])
        #expect(LibraryProjection.hashValue(hex: "00000000000000FF") == 255 && LibraryProjection.hashValue(hex: "0ff") == nil)
        #expect(LibraryProjection.hashValue(hex: "00000000000000fg") == nil && LibraryProjection.hashValue(hex: "00000000000000ff0") == nil)
    }
}

/// The snapshot's image table (LibraryImageTable.swift): what it keeps, and what it refuses.
extension LibraryProjectionTests {
    private static func added(_ seq: UInt64, at timestamp: UInt64, id: String?, source: String, sha: String,
                              width: Int = 1, height: Int = 1, byteSize: Int = 1, format: String = "png") -> RecordedEvent {
        RecordedEvent(seq: seq, timestamp: timestamp, requestId: nil, event: .libraryImageAdded(LibraryImageAdded(
            imageId: id, source: source, sha256: sha, hash: DifferenceHash(value: seq &* 0x9E37_79B9_7F4A_7C15).hex,
            width: width, height: height, byteSize: byteSize, format: format)))
    }

    /// Images that exercise every field: ids given, spelt as their default or as another
    /// image's default; sources sharing prefixes that end inside a UTF-8 character; negative
    /// sizes; timestamps going back; seqs far apart.
    private static func awkwardLibrary() -> LibraryProjection {
        let sha = { (n: Int) in String(repeating: String(format: "%02x", n), count: 32) }
        var library = LibraryProjection()
        for event in [
            added(3, at: 5_000, id: nil, source: "rulebooks/é/page-1.png", sha: sha(1)),
            added(4, at: 4_000, id: "img-4", source: "rulebooks/è/page-1.png", sha: sha(2), width: -7, height: Int.max, byteSize: Int.min),
            added(9, at: 9_000, id: "img-3", source: "rulebooks/è/page-1.png", sha: sha(3)),
            added(10, at: 9_000, id: "img-12", source: "", sha: sha(1), format: "pnm"),
            added(12, at: 0, id: nil, source: "🂡 card", sha: sha(4), format: "pnm"),
            added(1_000_000_000_000, at: UInt64.max, id: "card:α", source: "🂡 card back", sha: sha(5)),
        ] { library.apply(event) }
        return library
    }

    @Test func theImageTableKeepsEveryFieldAndTheLookups() throws {
        let library = Self.awkwardLibrary()
        // img-3 is taken by seq 3, so seq 9's "img-3" is refused; seq 12's default id img-12 was taken by seq 10.
        #expect(library.order == ["img-3", "img-4", "img-12", "card:α"])
        let loaded = try Self.roundTrip(library)
        #expect(loaded == library)
        #expect(loaded.imagesInOrder == library.imagesInOrder)
        #expect(Self.encoded(loaded) == Self.encoded(library))
        #expect(loaded.image(withId: "img-4")?.width == -7 && loaded.image(withId: "img-4")?.byteSize == Int.min)
        #expect(loaded.image(withId: "img-12")?.addedSeq == 10 && loaded.image(withId: "img-10") == nil)
        #expect(loaded.image(withId: "card:α")?.addedAt == UInt64.max)
        #expect(loaded.image(withSha256: String(repeating: "01", count: 32))?.id == "img-3", "the first image of a SHA-256")
        #expect(loaded.image(withId: "img-03") == nil && loaded.image(withId: "img-") == nil)
    }

    @Test func everyCutAndEveryBitFlipOfTheTableIsRefusedOrReencodesTheSame() throws {
        let state = Self.encoded(Self.awkwardLibrary())
        let tableStart = try #require(state.firstIndex(of: 0x0A)) + 1
        for end in tableStart..<state.count {
            #expect(throws: ProjectionDecodingError.self, "cut at \(end)") { try ProjectionSet(decoding: Array(state[..<end])) }
        }
        var decodedFlips = 0
        for offset in tableStart..<state.count {
            for bit in 0..<8 {
                var damaged = state
                damaged[offset] ^= 1 << bit
                // Either refused, or a library whose own encoding is exactly these bytes.
                if let decoded = try? ProjectionSet(decoding: damaged) {
                    decodedFlips += 1
                    #expect(decoded.encoded() == damaged, "flip of bit \(bit) at \(offset)")
                }
            }
        }
        #expect(decodedFlips > 0, "flips inside a dHash or a digest decode as other values")
    }

    @Test func aCopyKeepsItsOwnLookupBySha256() {
        let sha = String(repeating: "cd", count: 32)
        var library = LibraryProjection()
        library.apply(Self.added(1, at: 1, id: "first", source: "a", sha: sha))
        let copy = library
        #expect(copy.image(withSha256: sha)?.id == "first", "built on first use, in the box the copies share")
        library.apply(RecordedEvent(seq: 2, timestamp: 2, requestId: nil, event: .libraryImageRemoved(LibraryImageRemoved(imageId: "first", reason: nil))))
        library.apply(Self.added(3, at: 3, id: "second", source: "b", sha: sha))
        #expect(library.image(withSha256: sha)?.id == "second")
        #expect(copy.image(withSha256: sha)?.id == "first", "the copy's lookup did not change with the original")
    }
}

extension LibraryProjectionTests {
    @Test func theStateHashHashedInPiecesIsTheEncodingsHash() {
        // More images than one piece (16,384 positions), with tombstones across the boundaries.
        var projections = ProjectionSet()
        for seq in UInt64(1)...40_000 {
            let event: DomainEvent = seq % 7 == 0
                ? .libraryImageRemoved(LibraryImageRemoved(imageId: LibraryProjection.defaultId(seq: seq - 1), reason: nil))
                : .libraryImageAdded(LibraryImageAdded(imageId: seq % 5 == 0 ? "named-\(seq)" : nil, source: "s/\(seq % 300)/p.png",
                                                       sha256: String(repeating: String(format: "%02x", seq % 256), count: 32),
                                                       hash: DifferenceHash(value: seq).hex, width: 1, height: 1, byteSize: Int(seq), format: "png"))
            projections.apply(RecordedEvent(seq: seq, timestamp: seq, requestId: nil, event: event)) { _ in preconditionFailure() }
        }
        #expect(projections.library.count > 16_384, "two pieces at least")
        #expect(projections.stateHash == SHA256.hash(projections.encoded()))
    }
}
