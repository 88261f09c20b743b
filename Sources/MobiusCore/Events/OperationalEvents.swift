import JSON

/// `log.record`: a log record at info or above. `{"level","message","category","metadata"}`.
public struct LogRecorded: EventPayload {
    public static let type = "log.record"
    public static let version: UInt64 = 1

    /// The level's name.
    public var level: String
    /// The (redacted) message.
    public var message: String
    /// The part of the service that logged it.
    public var category: String?
    /// The (redacted) metadata.
    public var metadata: LogValue

    /// A record with the given fields.
    public init(level: String, message: String, category: String?, metadata: LogValue = .object([])) {
        self.level = level
        self.message = message
        self.category = category
        self.metadata = metadata
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var level: String?, message: String?, category: String?, metadata = LogValue.object([])
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "level": level = try reader.readString()
            case "message": message = try reader.readString()
            case "category": category = try reader.readOptionalString()
            case "metadata": metadata = try LogValue(from: &reader)
            default: break
            }
        }
        self.level = level ?? "info"
        self.message = try fields.required(message, "message")
        self.category = category
        self.metadata = metadata
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(level, forKey: "level")
            json.write(message, forKey: "message")
            json.write(category, orNullForKey: "category")
            json.writeKey("metadata")
            metadata.encode(to: &json)
        }
    }
}

/// `metric.sample`: the service's periodic operational sample. `{"values":{"name":number,…}}`
/// (names sorted when written).
public struct MetricSampled: EventPayload {
    public static let type = "metric.sample"
    public static let version: UInt64 = 1

    /// Values by name (process RSS, open connections, latency percentiles, …).
    public var values: [String: Double]

    /// A sample.
    public init(values: [String: Double]) { self.values = values }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var values: [String: Double] = [:]
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            guard key == "values" else { return }
            var object = try reader.beginObject()
            while let name = try reader.nextKey(in: &object) { values[name.string] = try reader.readDouble() }
        }
        self.values = values
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.writeKey("values")
            json.writeObject(sortingKeys: values.keys) { name, json in json.write(values[name]!) }
        }
    }
}

/// `metrics.reset`: counting starts again (a deployment appends one after taking its baseline).
/// `{"reason"}`.
public struct MetricsReset: EventPayload {
    public static let type = "metrics.reset"
    public static let version: UInt64 = 1

    /// Why.
    public var reason: String

    /// A reset.
    public init(reason: String) { self.reason = reason }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        var reason = ""
        try PayloadFields<Self>(version: version).read(&reader) { (key, reader) throws(JSONError) in
            if key == "reason" { reason = try reader.readString() }
        }
        self.reason = reason
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in json.write(reason, forKey: "reason") }
    }
}

/// `health.check`: one poll by the monitor. `{"ok","status","reason"}`.
public struct HealthChecked: EventPayload {
    public static let type = "health.check"
    public static let version: UInt64 = 1

    /// Whether the check passed (HTTP 200 and status OK or WARNING).
    public var isPassing: Bool
    /// The status the service reported, if it answered.
    public var status: String?
    /// Why it failed (refused connection, timeout, 503, …).
    public var reason: String?

    /// A check.
    public init(isPassing: Bool, status: String?, reason: String?) {
        self.isPassing = isPassing
        self.status = status
        self.reason = reason
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var ok: Bool?, status: String?, reason: String?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "ok": ok = try reader.readBool()
            case "status": status = try reader.readOptionalString()
            case "reason": reason = try reader.readOptionalString()
            default: break
            }
        }
        isPassing = try fields.required(ok, "ok")
        self.status = status
        self.reason = reason
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(isPassing, forKey: "ok")
            json.write(status, orNullForKey: "status")
            json.write(reason, orNullForKey: "reason")
        }
    }
}

/// `journal.recovered`: the journal's own record of a repaired torn tail (written by
/// `JournalWriter.open`). `{"segment","offset","bytes","quarantinedTo","reason"}`.
public struct JournalRecovered: EventPayload {
    public static let type = "journal.recovered"
    public static let version: UInt64 = 1

    /// Segment cut.
    public var segment: String
    /// Where it now ends.
    public var offset: Int
    /// Bytes moved to quarantine.
    public var bytes: Int
    /// The quarantine file.
    public var quarantinedTo: String
    /// Why.
    public var reason: String

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var segment: String?, offset: Int?, bytes: Int?, to: String?, reason: String?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "segment": segment = try reader.readString()
            case "offset": offset = try reader.readInt()
            case "bytes": bytes = try reader.readInt()
            case "quarantinedTo": to = try reader.readString()
            case "reason": reason = try reader.readString()
            default: break
            }
        }
        self.segment = try fields.required(segment, "segment")
        self.offset = try fields.required(offset, "offset")
        self.bytes = try fields.required(bytes, "bytes")
        quarantinedTo = try fields.required(to, "quarantinedTo")
        self.reason = try fields.required(reason, "reason")
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(segment, forKey: "segment")
            json.write(offset, forKey: "offset")
            json.write(bytes, forKey: "bytes")
            json.write(quarantinedTo, forKey: "quarantinedTo")
            json.write(reason, forKey: "reason")
        }
    }
}
