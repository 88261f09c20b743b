@testable import MobiusCore
import Testing
import TestSupport

/// The library's explicit ids: loaded in bulk as a table sorted by hash, added one by one after.
/// A hash of a few bits makes most ids collide, so every lookup must confirm the id itself.
@Suite struct ExplicitIdIndexTests {
    private static let collidingHash: @Sendable (String) -> UInt64 = { id in UInt64(id.utf8.reduce(0) { $0 &+ Int($1) } % 7) }

    @Test(arguments: [1, 2] as [UInt64])
    func lookupsInsertionsAndRemovalsMatchADictionary(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var ids: [UInt64: String] = [:]
        var index = ExplicitIdIndex(hash: Self.collidingHash)
        var model: [String: UInt64] = [:]
        for seq in UInt64(1)...300 {
            let id = "card-\(random.next() % 1_000)"
            guard model[id] == nil else { continue }
            index.appendLoaded(id, seq: seq)
            model[id] = seq
            ids[seq] = id
        }
        let idOfSeq: (UInt64) -> String? = { ids[$0] }
        #expect(index.finishLoading(idOfSeq: idOfSeq) == nil)
        for seq in UInt64(301)...2_000 {
            let id = "card-\(random.next() % 1_000)"
            switch random.next() % 3 {
            case 0:
                let inserted = index.insertIfNew(id, seq: seq, idOfSeq: idOfSeq)
                #expect(inserted == (model[id] == nil), "insert \(id)")
                if inserted { model[id] = seq; ids[seq] = id }
            case 1:
                if let held = model[id] { index.remove(id, seq: held); model[id] = nil }
            default:
                #expect(index.seq(of: id, idOfSeq: idOfSeq) == model[id], "lookup \(id)")
            }
            #expect(index.count == model.count)
        }
        for (id, seq) in model { #expect(index.seq(of: id, idOfSeq: idOfSeq) == seq) }
    }

    @Test func aRepeatedLoadedIdIsFound() {
        for hash in [Self.collidingHash, ExplicitIdIndex.seededHash] {
            var index = ExplicitIdIndex(hash: hash)
            let ids: [UInt64: String] = [1: "a", 2: "b", 3: "c", 4: "b", 5: "d"]
            for seq in UInt64(1)...5 { index.appendLoaded(ids[seq]!, seq: seq) }
            #expect(index.finishLoading { ids[$0] } == "b")
        }
        var empty = ExplicitIdIndex()
        #expect(empty.finishLoading { _ in nil } == nil && empty.seq(of: "a") { _ in nil } == nil)
    }
}
