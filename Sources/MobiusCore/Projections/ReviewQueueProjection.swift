import JSON

/// One low-confidence match waiting for (or given) a decision.
public struct ReviewItem: Sendable, Equatable {
    /// `lcm-<seq>`.
    public var id: String
    /// The seq of its `lcm.enqueued`.
    public var seq: UInt64
    /// When it was enqueued, µs.
    public var enqueuedAt: UInt64
    /// The extracted image's dHash, hex.
    public var hash: String
    /// Where the image came from.
    public var source: String?
    /// The nearest library image at the time.
    public var candidate: MatchSummary?
    /// The match's confidence.
    public var confidence: Double
    /// The request that extracted it.
    public var requestId: String?
    /// The decision, once resolved.
    public var decision: ReviewDecision?
    /// When it was resolved, µs.
    public var resolvedAt: UInt64?
    /// The library image added, for `add-to-library`.
    public var addedImageId: String?
    /// The reviewer's note.
    public var note: String?

    /// The extraction's seq: the `lcm.enqueued` is appended right after it.
    public var extractionSeq: UInt64 { seq - 1 }
}

/// The review queue (DESIGN.md "Review queue"): open items in the order they came, and the
/// most recent resolved ones (the journal keeps them all).
///
/// Resolving is O(1) amortised: the item leaves `open` and its place in the order becomes a
/// tombstone (an id no longer open: ids are `lcm-<seq>`, never reused), dropped by a
/// compaction once there are more tombstones than open items; resolved items are kept up to
/// twice the limit and trimmed back to it in one go. Neither is encoded or compared, so a
/// queue loaded from a snapshot equals and encodes exactly like the one replayed.
public struct ReviewQueueProjection: Sendable {
    public static let name = "reviewQueue"
    public static let version = 1
    /// Resolved items kept in the projection.
    public static let resolvedLimit = 10_000
    /// Tombstones tolerated before a compaction, at least.
    static let compactionFloor = 256

    /// Open items by id.
    public internal(set) var open: [String: ReviewItem] = [:]
    /// Ids in the order enqueued, resolved ones (no longer in `open`) until the next compaction.
    private var slots: [String] = []
    /// Entries of `slots` no longer open.
    private var resolvedSlots = 0
    /// Resolved items, oldest first: the last `resolvedLimit` and up to as many older ones.
    private var resolvedStore: [ReviewItem] = []
    /// Items resolved in all.
    public internal(set) var resolvedCount = 0

    /// An empty queue.
    public init() {}

    /// The id of the item enqueued by the event at `seq`.
    public static func itemId(seq: UInt64) -> String { "lcm-\(seq)" }

    /// Open ids, oldest first.
    public var openOrder: [String] { slots.filter { open[$0] != nil } }

    /// Resolved items, oldest first (the last `resolvedLimit`).
    public var resolved: [ReviewItem] { Array(resolvedStore.suffix(Self.resolvedLimit)) }

    /// Folds `event`.
    public mutating func apply(_ event: RecordedEvent) {
        switch event.event {
        case .reviewItemEnqueued(let item):
            let id = ReviewQueueProjection.itemId(seq: event.seq)
            enqueue(ReviewItem(id: id, seq: event.seq, enqueuedAt: event.timestamp, hash: item.hash, source: item.source,
                               candidate: item.candidate, confidence: item.confidence, requestId: event.requestId))
        case .reviewItemResolved(let resolution):
            guard var item = open.removeValue(forKey: resolution.itemId) else { return }
            resolvedSlots += 1
            if resolvedSlots >= Self.compactionFloor && resolvedSlots > open.count { compactSlots() }
            item.decision = resolution.decision
            item.resolvedAt = event.timestamp
            item.addedImageId = resolution.imageId
            item.note = resolution.note
            appendResolved(item)
            resolvedCount += 1
        default:
            break
        }
    }

    /// Adds an open item at the end of the order (an id already open is replaced in place).
    private mutating func enqueue(_ item: ReviewItem) {
        if open.updateValue(item, forKey: item.id) == nil { slots.append(item.id) }
    }

    /// Adds a resolved item, trimming the oldest beyond the limit once they reach it again.
    private mutating func appendResolved(_ item: ReviewItem) {
        resolvedStore.append(item)
        if resolvedStore.count >= 2 * Self.resolvedLimit { resolvedStore.removeFirst(resolvedStore.count - Self.resolvedLimit) }
    }

    /// Drops the ids of resolved items from the order.
    private mutating func compactSlots() {
        slots.removeAll { open[$0] == nil }
        resolvedSlots = 0
    }

    /// Open items, oldest first.
    public var openItems: [ReviewItem] { slots.compactMap { open[$0] } }

    /// The item with `id`, open or among the resolved ones kept.
    public func item(_ id: String) -> ReviewItem? {
        open[id] ?? resolvedStore.suffix(Self.resolvedLimit).last { $0.id == id }
    }
}

extension ReviewQueueProjection: Equatable {
    /// Equal when the same items are open in the same order and the same ones were resolved
    /// (tombstones, compactions and the untrimmed resolved items do not count).
    public static func == (lhs: ReviewQueueProjection, rhs: ReviewQueueProjection) -> Bool {
        lhs.resolvedCount == rhs.resolvedCount && lhs.open == rhs.open && lhs.openOrder == rhs.openOrder
            && lhs.resolvedStore.suffix(Self.resolvedLimit) == rhs.resolvedStore.suffix(Self.resolvedLimit)
    }
}

extension ReviewQueueProjection {
    /// The canonical encoding: `{"open":[item…],"resolved":[item…],"resolvedCount":N}`.
    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.writeKey("open")
            json.writeArray { json in for item in openItems { item.encode(to: &json) } }
            json.writeKey("resolved")
            json.writeArray { json in for item in resolvedStore.suffix(Self.resolvedLimit) { item.encode(to: &json) } }
            json.write(resolvedCount, forKey: "resolvedCount")
        }
    }

    /// Decodes `encode(to:)`'s output.
    public init(from reader: inout JSONReader) throws(JSONError) {
        self.init()
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "open":
                var array = try reader.beginArray()
                while try reader.nextElement(in: &array) { enqueue(try ReviewItem(from: &reader)) }
            case "resolved":
                var array = try reader.beginArray()
                while try reader.nextElement(in: &array) { appendResolved(try ReviewItem(from: &reader)) }
            case "resolvedCount": resolvedCount = try reader.readInt()
            default: try reader.skipValue()
            }
        }
    }
}

extension ReviewItem {
    func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(addedImageId, orNullForKey: "addedImageId")
            json.writeKey("candidate")
            if let candidate { candidate.encode(to: &json) } else { json.writeNull() }
            json.write(confidence, forKey: "confidence")
            json.write(decision?.rawValue, orNullForKey: "decision")
            json.write(enqueuedAt, forKey: "enqueuedAt")
            json.write(hash, forKey: "hash")
            json.write(id, forKey: "id")
            json.write(note, orNullForKey: "note")
            json.write(requestId, orNullForKey: "requestId")
            json.writeKey("resolvedAt")
            if let resolvedAt { json.write(resolvedAt) } else { json.writeNull() }
            json.write(seq, forKey: "seq")
            json.write(source, orNullForKey: "source")
        }
    }

    init(from reader: inout JSONReader) throws(JSONError) {
        var fields: (id: String?, seq: UInt64?, at: UInt64?, hash: String?, confidence: Double?) = (nil, nil, nil, nil, nil)
        var source: String?, candidate: MatchSummary?, requestId: String?, decision: String?, resolvedAt: UInt64?, added: String?, note: String?
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "addedImageId": added = try reader.readOptionalString()
            case "candidate": candidate = try MatchSummary.read(&reader)
            case "confidence": fields.confidence = try reader.readDouble()
            case "decision": decision = try reader.readOptionalString()
            case "enqueuedAt": fields.at = try reader.readUInt64()
            case "hash": fields.hash = try reader.readString()
            case "id": fields.id = try reader.readString()
            case "note": note = try reader.readOptionalString()
            case "requestId": requestId = try reader.readOptionalString()
            case "resolvedAt": resolvedAt = try reader.readNullIfPresent() ? nil : reader.readUInt64()
            case "seq": fields.seq = try reader.readUInt64()
            case "source": source = try reader.readOptionalString()
            default: try reader.skipValue()
            }
        }
        guard let id = fields.id, let seq = fields.seq, seq > 0, let at = fields.at, let hash = fields.hash, let confidence = fields.confidence else {
            throw JSONError(.missingKey, at: object.startOffset, "a review item needs id, seq, enqueuedAt, hash and confidence")
        }
        let parsedDecision = try decision.map { (text) throws(JSONError) -> ReviewDecision in
            guard let value = ReviewDecision(rawValue: text) else { throw JSONError(.invalidValue, at: object.startOffset, "unknown decision") }
            return value
        }
        self.init(id: id, seq: seq, enqueuedAt: at, hash: hash, source: source, candidate: candidate, confidence: confidence,
                  requestId: requestId, decision: parsedDecision, resolvedAt: resolvedAt, addedImageId: added, note: note)
    }
}
