/// An event read back from the journal.
public struct JournalEvent: Sendable, Equatable {
    /// Position in the journal: starts at 1, no gaps.
    public var seq: UInt64
    /// When the writer accepted it, µs since 1970-01-01T00:00:00Z (UTC), never decreasing.
    public var timestamp: UInt64
    /// The event type.
    public var type: String
    /// The schema version of `data`.
    public var version: UInt64
    /// The request that caused it, if any.
    public var requestId: String?
    /// The minified JSON object given at append time.
    public var data: [UInt8]

    /// A value with the given fields.
    public init(seq: UInt64, timestamp: UInt64, type: String, version: UInt64, requestId: String?, data: [UInt8]) {
        self.seq = seq
        self.timestamp = timestamp
        self.type = type
        self.version = version
        self.requestId = requestId
        self.data = data
    }

    /// The envelope `inspect` prints, without a newline:
    /// `{"seq":42,"ts":"2026-11-27T10:15:03.123456Z","type":"…","v":1,"requestId":"…","data":{…}}`
    /// (`requestId` only when present). Type and request id are restricted to characters that
    /// need no JSON escaping, and data is stored minified, so the bytes are copied as they are.
    public func envelopeJSON() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + type.utf8.count + 96)
        out.append(contentsOf: #"{"seq":"#.utf8)
        out.append(contentsOf: String(seq).utf8)
        out.append(contentsOf: #","ts":""#.utf8)
        out.append(contentsOf: Timestamp.iso8601(microseconds: timestamp).utf8)
        out.append(contentsOf: #"","type":""#.utf8)
        out.append(contentsOf: type.utf8)
        out.append(contentsOf: #"","v":"#.utf8)
        out.append(contentsOf: String(version).utf8)
        if let requestId {
            out.append(contentsOf: #","requestId":""#.utf8)
            out.append(contentsOf: requestId.utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: #","data":"#.utf8)
        out.append(contentsOf: data)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
