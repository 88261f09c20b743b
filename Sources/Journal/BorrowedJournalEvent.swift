/// An event read back from the journal without copying it: `JournalEvent`'s fields, with the
/// data (and request id) pointing into the reader's inflate buffer.
///
/// Valid only inside the call that received it (`JournalReader.readFrames(_:borrowingEvents:)`):
/// the next frame overwrites the buffer. Copy what must outlive it (`materialized()`).
public struct BorrowedJournalEvent {
    /// Position in the journal.
    public var seq: UInt64
    /// When the writer accepted it, µs since the epoch (UTC).
    public var timestamp: UInt64
    /// The event type (one shared `String` per distinct type within a read).
    public var type: String
    /// A small number standing for `type` within one read — the same for every event of that
    /// type, different for other types; nil once a read has met more than 256 types. Lets a
    /// consumer dispatch on the type with an array lookup instead of string comparisons.
    public var typeOrdinal: Int?
    /// The schema version of `data`.
    public var version: UInt64
    /// The request id's UTF-8 bytes, if any.
    public var requestIdBytes: UnsafeRawBufferPointer?
    /// The minified JSON object given at append time.
    public var data: UnsafeRawBufferPointer

    /// An event with the given fields (the pointers must outlive its use).
    public init(seq: UInt64, timestamp: UInt64, type: String, typeOrdinal: Int?, version: UInt64,
                requestIdBytes: UnsafeRawBufferPointer?, data: UnsafeRawBufferPointer) {
        self.seq = seq
        self.timestamp = timestamp
        self.type = type
        self.typeOrdinal = typeOrdinal
        self.version = version
        self.requestIdBytes = requestIdBytes
        self.data = data
    }

    /// The request id, if any.
    public var requestId: String? { requestIdBytes.map { String(decoding: $0, as: UTF8.self) } }

    /// The event, copied.
    public func materialized() -> JournalEvent {
        JournalEvent(seq: seq, timestamp: timestamp, type: type, version: version, requestId: requestId, data: Array(data))
    }
}
