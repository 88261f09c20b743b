import Journal

/// Splits standard-input bytes into JSON Lines and turns each into an `EventDraft`.
///
/// A line is `{"type":"T","data":{…}}` with optional `"requestId":"R"` and `"v":N`; blank lines
/// are ignored; anything else (bad JSON, missing or unknown keys, a line over 16 MiB) is
/// reported with its 1-based line number and skipped.
struct EventLineParser {
    private var partial: [UInt8] = []
    private var lineNumber = 0
    private var isSkippingLongLine = false

    /// Lines longer than this are rejected without being buffered further.
    static let maxLineLength = 16 << 20

    /// The drafts of the complete lines in `chunk` (a trailing partial line waits for more).
    mutating func parse(_ chunk: [UInt8], reportProblem: (Int, String) -> Void) -> [EventDraft] {
        var drafts: [EventDraft] = []
        var start = 0
        for index in chunk.indices where chunk[index] == UInt8(ascii: "\n") {
            partial.append(contentsOf: chunk[start..<index])
            start = index + 1
            lineNumber += 1
            if isSkippingLongLine {
                isSkippingLongLine = false
                reportProblem(lineNumber, "line is longer than \(EventLineParser.maxLineLength) bytes")
            } else {
                switch EventLineParser.draft(fromLine: partial) {
                case .success(let draft?): drafts.append(draft)
                case .success(nil): break
                case .failure(let problem): reportProblem(lineNumber, problem.message)
                }
            }
            partial.removeAll(keepingCapacity: true)
        }
        if !isSkippingLongLine { partial.append(contentsOf: chunk[start...]) }
        if partial.count > EventLineParser.maxLineLength {
            isSkippingLongLine = true
            partial.removeAll()
        }
        return drafts
    }

    /// At end of input: a last line without a newline is not an event — it may be cut off.
    mutating func finish() -> (line: Int, message: String)? {
        guard isSkippingLongLine || partial.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return nil }
        return (lineNumber + 1, "input ended inside this line (no newline), so it was not appended")
    }

    /// The text of a JSON string value; nil if `value` is not a string.
    static func stringValue(_ value: [UInt8]) -> String? {
        guard value.first == UInt8(ascii: "\"") else { return nil }
        return try? JSONValidator.decodeString(value)
    }

    /// A problem with one line.
    struct Problem: Error { let message: String }

    /// Parses one line; nil for a blank line.
    static func draft(fromLine line: [UInt8]) -> Result<EventDraft?, Problem> {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .success(nil) }
        let members: [(key: String, value: [UInt8])]
        do {
            members = try JSONValidator.members(ofObject: line)
        } catch {
            return .failure(Problem(message: "not a JSON object: \(error)"))
        }
        var type: String?
        var data: [UInt8]?
        var requestId: String?
        var version: UInt64 = 1
        for (key, value) in members {
            switch key {
            case "type":
                guard let text = stringValue(value) else { return .failure(Problem(message: "\"type\" must be a string")) }
                type = text
            case "data":
                guard value.first == UInt8(ascii: "{") else { return .failure(Problem(message: "\"data\" must be a JSON object")) }
                data = value
            case "requestId":
                guard let text = stringValue(value) else { return .failure(Problem(message: "\"requestId\" must be a string")) }
                requestId = text
            case "v":
                guard let number = UInt64(String(decoding: value, as: UTF8.self)) else {
                    return .failure(Problem(message: "\"v\" must be a whole number ≥ 0"))
                }
                version = number
            default:
                return .failure(Problem(message: "unknown key \"\(Echoed(key))\" (allowed: type, data, requestId, v)"))
            }
        }
        guard let type else { return .failure(Problem(message: "missing \"type\"")) }
        guard let data else { return .failure(Problem(message: "missing \"data\"")) }
        do {
            return .success(try EventDraft.echoingType(type, version: version, requestId: requestId, data: data))
        } catch {
            return .failure(Problem(message: error.message))
        }
    }
}
