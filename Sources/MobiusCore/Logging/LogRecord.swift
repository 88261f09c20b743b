import JSON
import Journal

/// How severe a log record is, lowest first.
public enum LogLevel: String, Sendable, CaseIterable, Comparable {
    case trace, debug, info, notice, warning, error, critical

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One log record, before redaction.
public struct LogRecord: Sendable, Equatable {
    /// When it was logged, µs since the epoch (UTC).
    public var timestamp: UInt64
    /// How severe.
    public var level: LogLevel
    /// What happened, for a person.
    public var message: String
    /// The part of the service that logged it (`http.access`, `engine`, …).
    public var category: String?
    /// The request it belongs to.
    public var requestId: String?
    /// Anything else, in the caller's order.
    public var metadata: [(String, LogValue)]

    /// A record with the given fields.
    public init(timestamp: UInt64, level: LogLevel, message: String, category: String? = nil, requestId: String? = nil,
                metadata: [(String, LogValue)] = []) {
        self.timestamp = timestamp
        self.level = level
        self.message = message
        self.category = category
        self.requestId = requestId
        self.metadata = metadata
    }

    public static func == (lhs: LogRecord, rhs: LogRecord) -> Bool {
        lhs.timestamp == rhs.timestamp && lhs.level == rhs.level && lhs.message == rhs.message && lhs.category == rhs.category
            && lhs.requestId == rhs.requestId && LogValue.object(lhs.metadata) == LogValue.object(rhs.metadata)
    }

    /// The record redacted by `redactor`: message, category and every metadata value.
    public func redacted(by redactor: Redactor) -> LogRecord {
        var copy = self
        copy.message = redactor.redact(message)
        copy.category = category.map(redactor.redact)
        if case .object(let members) = redactor.redact(.object(metadata)) { copy.metadata = members }
        return copy
    }

    /// The JSON Lines record (no newline): `{"timestamp","level","message","service","version",
    /// "environment","requestId"?,"category"?,…metadata}`. Metadata keys that would replace one
    /// of these fields are written under `meta.<key>` instead.
    public func jsonLine(service: String, version: String, environment: String) -> [UInt8] {
        let reserved: Set<String> = ["timestamp", "level", "message", "service", "version", "environment", "requestId", "category"]
        var json = JSONWriter()
        json.writeObject { json in
            json.write(Timestamp.iso8601(microseconds: timestamp), forKey: "timestamp")
            json.write(level.rawValue, forKey: "level")
            json.write(message, forKey: "message")
            json.write(service, forKey: "service")
            json.write(version, forKey: "version")
            json.write(environment, forKey: "environment")
            if let requestId { json.write(requestId, forKey: "requestId") }
            if let category { json.write(category, forKey: "category") }
            // A key given twice keeps its last value.
            let names = metadata.map { reserved.contains($0.0) ? "meta." + $0.0 : $0.0 }
            var last: [String: Int] = [:]
            for (position, name) in names.enumerated() { last[name] = position }
            for (position, name) in names.enumerated() where last[name] == position {
                json.writeKey(name)
                metadata[position].1.encode(to: &json)
            }
        }
        do {
            return try json.finish()
        } catch {
            preconditionFailure("log record refused by the JSON writer: \(error)")
        }
    }
}
