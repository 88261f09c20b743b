import JSON

/// What the health checks said (DESIGN.md "Health"): consecutive failed `health.check`s (a
/// passing one resets the count), the last check, and the baseline in force — the one the
/// latest `deployment.started` took — with the extractions counted since.
public struct HealthProjection: Sendable, Equatable {
    public static let name = "health"
    public static let version = 1

    /// Failed checks since the last passing one.
    public internal(set) var consecutiveFailedChecks = 0
    /// Checks seen, and of those failed.
    public internal(set) var checks = 0
    public internal(set) var failedChecks = 0
    /// The last check: when, whether it passed, why not.
    public internal(set) var lastCheckAt: UInt64?
    public internal(set) var lastCheckPassed: Bool?
    public internal(set) var lastCheckReason: String?
    /// The baseline in force and the seq it was taken at.
    public internal(set) var baseline: MetricsBaseline?
    public internal(set) var baselineSeq: UInt64?
    /// Extractions since the baseline was taken.
    public internal(set) var extractionsSinceBaseline = 0

    /// No check yet.
    public init() {}

    /// Folds `event`.
    public mutating func apply(_ event: RecordedEvent) {
        switch event.event {
        case .healthChecked(let check):
            checks += 1
            lastCheckAt = event.timestamp
            lastCheckPassed = check.isPassing
            lastCheckReason = check.reason
            if check.isPassing {
                consecutiveFailedChecks = 0
            } else {
                failedChecks += 1
                consecutiveFailedChecks += 1
            }
        case .deploymentStarted(let started):
            guard let taken = started.deployment.baseline else { return }
            baseline = taken
            baselineSeq = event.seq
            extractionsSinceBaseline = 0
        case .extractionCompleted, .extractionFailed:
            if baseline != nil { extractionsSinceBaseline += 1 }
        default:
            break
        }
    }

    /// The canonical encoding.
    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.writeKey("baseline")
            if let baseline { baseline.encode(to: &json) } else { json.writeNull() }
            json.writeKey("baselineSeq")
            if let baselineSeq { json.write(baselineSeq) } else { json.writeNull() }
            json.write(checks, forKey: "checks")
            json.write(consecutiveFailedChecks, forKey: "consecutiveFailedChecks")
            json.write(extractionsSinceBaseline, forKey: "extractionsSinceBaseline")
            json.write(failedChecks, forKey: "failedChecks")
            json.writeKey("lastCheckAt")
            if let lastCheckAt { json.write(lastCheckAt) } else { json.writeNull() }
            json.writeKey("lastCheckPassed")
            if let lastCheckPassed { json.write(lastCheckPassed) } else { json.writeNull() }
            json.write(lastCheckReason, orNullForKey: "lastCheckReason")
        }
    }

    /// Decodes `encode(to:)`'s output.
    public init(from reader: inout JSONReader) throws(JSONError) {
        self.init()
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "baseline": baseline = try MetricsBaseline.read(&reader)
            case "baselineSeq": baselineSeq = try reader.readNullIfPresent() ? nil : reader.readUInt64()
            case "checks": checks = try reader.readInt()
            case "consecutiveFailedChecks": consecutiveFailedChecks = try reader.readInt()
            case "extractionsSinceBaseline": extractionsSinceBaseline = try reader.readInt()
            case "failedChecks": failedChecks = try reader.readInt()
            case "lastCheckAt": lastCheckAt = try reader.readNullIfPresent() ? nil : reader.readUInt64()
            case "lastCheckPassed": lastCheckPassed = try reader.readNullIfPresent() ? nil : reader.readBool()
            case "lastCheckReason": lastCheckReason = try reader.readOptionalString()
            default: try reader.skipValue()
            }
        }
    }
}
