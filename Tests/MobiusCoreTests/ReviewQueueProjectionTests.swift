import JSON
@testable import MobiusCore
import Testing
import TestSupport

/// The review queue's O(1) resolution (tombstones, compaction, trimming the resolved items in
/// batches) against a plain model.
@Suite struct ReviewQueueProjectionTests {
    private static func encoded(_ queue: ReviewQueueProjection) throws -> [UInt8] {
        var json = JSONWriter()
        queue.encode(to: &json)
        return try json.finish()
    }

    @Test(arguments: [1, 2] as [UInt64])
    func resolvingMatchesAPlainList(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var queue = ReviewQueueProjection()
        var open: [String] = [], resolved: [String] = []
        // More than twice the resolved limit, so the resolved items are trimmed several times.
        for seq in UInt64(1)...50_000 {
            let event: DomainEvent
            if open.isEmpty || random.next() % 100 < 52 {
                event = .reviewItemEnqueued(ReviewItemEnqueued(hash: "00000000000000ff", source: nil, candidate: nil, confidence: 0.5))
                open.append(ReviewQueueProjection.itemId(seq: seq))
            } else {
                let id = open.remove(at: Int(random.next() % UInt64(open.count)))
                event = .reviewItemResolved(ReviewItemResolved(itemId: id, decision: .reject, imageId: nil, note: nil))
                resolved.append(id)
            }
            queue.apply(RecordedEvent(seq: seq, timestamp: seq, requestId: nil, event: event))
            if seq % 4_999 == 0 {
                #expect(queue.openItems.map(\.id) == open)
                #expect(queue.resolved.map(\.id) == Array(resolved.suffix(ReviewQueueProjection.resolvedLimit)))
                #expect(queue.resolvedCount == resolved.count)
                let bytes = try Self.encoded(queue)
                let loaded = try bytes.withUnsafeBytes { raw in
                    var reader = JSONReader(raw)
                    return try ReviewQueueProjection(from: &reader)
                }
                #expect(loaded == queue)
                #expect(try Self.encoded(loaded) == bytes, "a reloaded queue encodes the same bytes")
                if let last = resolved.last { #expect(queue.item(last)?.decision == .reject) }
            }
        }
    }
}
