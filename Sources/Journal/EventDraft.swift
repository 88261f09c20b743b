import JSON

/// An event to append: everything but the seq and timestamp, which the writer assigns.
public struct EventDraft: Sendable, Equatable {
    /// The event type, a dotted name such as `extraction.completed` (letters, digits, `.`, `_`, `-`).
    public let type: String
    /// The schema version of `data` (`v` in the envelope).
    public let version: UInt64
    /// The request that caused the event, if any (printable ASCII without `"` or `\`).
    public let requestId: String?
    /// One JSON object, minified, exactly as it will be stored and printed.
    public let data: [UInt8]

    /// Validates the fields and minifies `data`; throws `JournalError` with code `.invalidEvent`
    /// naming what is wrong.
    public init(type: String, version: UInt64 = 1, requestId: String? = nil, data: some Collection<UInt8>) throws(JournalError) {
        guard !type.isEmpty, type.utf8.count <= JournalFormat.maxTypeLength, RecordContent.isValidType(type) else {
            throw JournalError(.invalidEvent, "event type '\(type)' must be 1–255 characters of letters, digits, '.', '_' or '-'")
        }
        if let requestId {
            guard requestId.utf8.count <= JournalFormat.maxRequestIdLength, RecordContent.isValidRequestId(requestId) else {
                throw JournalError(.invalidEvent, "requestId must be at most 255 printable ASCII characters without '\"' or '\\'")
            }
        }
        let minified: [UInt8]
        do {
            minified = try JSONValidator.minifiedObject(data)
        } catch {
            throw JournalError(.invalidEvent, "data of a '\(type)' event must be one JSON object: \(error)")
        }
        guard minified.count <= JournalFormat.maxDataLength else {
            throw JournalError(.invalidEvent, "data of a '\(type)' event is \(minified.count) bytes; the limit is \(JournalFormat.maxDataLength)")
        }
        self.type = type
        self.version = version
        self.requestId = requestId
        self.data = minified
    }

    /// Convenience for data given as text.
    public init(type: String, version: UInt64 = 1, requestId: String? = nil, json: String) throws(JournalError) {
        try self.init(type: type, version: version, requestId: requestId, data: Array(json.utf8))
    }
}
