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
public struct ReviewQueueProjection: Sendable, Equatable {
    public static let name = "reviewQueue"
    public static let version = 1
    /// Resolved items kept in the projection.
    public static let resolvedLimit = 10_000

    /// Open items by id.
    public internal(set) var open: [String: ReviewItem] = [:]
    /// Open ids, oldest first.
    public internal(set) var openOrder: [String] = []
    /// Resolved items, oldest first (the last `resolvedLimit`).
    public internal(set) var resolved: [ReviewItem] = []
    /// Items resolved in all.
    public internal(set) var resolvedCount = 0

    /// An empty queue.
    public init() {}

    /// The id of the item enqueued by the event at `seq`.
    public static func itemId(seq: UInt64) -> String { "lcm-\(seq)" }

    /// Folds `event`.
    public mutating func apply(_ event: RecordedEvent) {
        switch event.event {
        case .reviewItemEnqueued(let item):
            let id = ReviewQueueProjection.itemId(seq: event.seq)
            open[id] = ReviewItem(id: id, seq: event.seq, enqueuedAt: event.timestamp, hash: item.hash, source: item.source,
                                  candidate: item.candidate, confidence: item.confidence, requestId: event.requestId)
            openOrder.append(id)
        case .reviewItemResolved(let resolution):
            guard var item = open.removeValue(forKey: resolution.itemId) else { return }
            openOrder.removeAll { $0 == resolution.itemId }
            item.decision = resolution.decision
            item.resolvedAt = event.timestamp
            item.addedImageId = resolution.imageId
            item.note = resolution.note
            resolved.append(item)
            resolvedCount += 1
            if resolved.count > ReviewQueueProjection.resolvedLimit { resolved.removeFirst(resolved.count - ReviewQueueProjection.resolvedLimit) }
        default:
            break
        }
    }

    /// Open items, oldest first.
    public var openItems: [ReviewItem] { openOrder.compactMap { open[$0] } }

    /// The item with `id`, open or among the resolved ones kept.
    public func item(_ id: String) -> ReviewItem? { open[id] ?? resolved.last { $0.id == id } }
}

extension ReviewQueueProjection {
    /// The canonical encoding: `{"open":[item…],"resolved":[item…],"resolvedCount":N}`.
    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.writeKey("open")
            json.writeArray { json in for item in openItems { item.encode(to: &json) } }
            json.writeKey("resolved")
            json.writeArray { json in for item in resolved { item.encode(to: &json) } }
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
                while try reader.nextElement(in: &array) {
                    let item = try ReviewItem(from: &reader)
                    open[item.id] = item
                    openOrder.append(item.id)
                }
            case "resolved":
                var array = try reader.beginArray()
                while try reader.nextElement(in: &array) { resolved.append(try ReviewItem(from: &reader)) }
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
