#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Journal

/// Splits standard-input bytes into JSON Lines and turns each into an `EventDraft`.
///
/// A line is `{"type":"T","data":{…}}` with optional `"requestId":"R"` and `"v":N`; blank lines
/// are ignored; anything else (bad JSON, missing, unknown or repeated keys, a line over 16 MiB)
/// is reported with its 1-based line number and skipped.
struct EventLineParser {
    private var partial: [UInt8] = []
    private var lineNumber = 0
    private var isSkippingLongLine = false

    /// The longest line accepted, in bytes, not counting its newline: exactly this many is
    /// accepted, one more is refused, however the input is split into chunks. A longer line is
    /// never buffered past this.
    static let maxLineLength = 16 << 20

    /// The drafts of the complete lines in `chunk` (a trailing partial line waits for more).
    mutating func parse(_ chunk: [UInt8], reportProblem: (Int, String) -> Void) -> [EventDraft] {
        var drafts: [EventDraft] = []
        var start = 0
        while start <= chunk.count {
            let newline = EventLineParser.newline(in: chunk, from: start)
            take(chunk[start..<(newline ?? chunk.count)])
            guard let newline else { break }
            start = newline + 1
            lineNumber += 1
            if isSkippingLongLine {
                isSkippingLongLine = false
                reportProblem(lineNumber, "the line is longer than \(EventLineParser.maxLineLength) bytes (16 MiB); split the event's data")
            } else {
                switch EventLineParser.draft(fromLine: partial) {
                case .success(let draft?): drafts.append(draft)
                case .success(nil): break
                case .failure(let problem): reportProblem(lineNumber, problem.message)
                }
            }
            partial.removeAll(keepingCapacity: true)
        }
        return drafts
    }

    /// The index of the first LF in `bytes` at or after `start`; `memchr`, since lines can be
    /// megabytes long.
    private static func newline(in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard start < buffer.count, let base = buffer.baseAddress,
                  let found = memchr(base + start, 0x0A, buffer.count - start) else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }
    }

    /// Adds bytes of the current line, switching to skipping once it passes the limit.
    private mutating func take(_ bytes: ArraySlice<UInt8>) {
        guard !isSkippingLongLine else { return }
        guard partial.count + bytes.count <= EventLineParser.maxLineLength else {
            isSkippingLongLine = true
            partial = []
            return
        }
        partial.append(contentsOf: bytes)
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
        var seen: Set<String> = []
        for (key, value) in members {
            // Keys compare after unescaping, so "t\u0079pe" repeats "type" too.
            guard seen.insert(key).inserted else {
                return .failure(Problem(message: "\"\(Echoed(key))\" is given twice; give each key once"))
            }
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
                switch versionNumber(value) {
                case .success(let number): version = number
                case .failure(let problem): return .failure(problem)
                }
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

    /// `"v"`: a JSON number that is a whole number from 0 to 2^64 − 1.
    private static func versionNumber(_ value: [UInt8]) -> Result<UInt64, Problem> {
        if let number = UInt64(String(decoding: value, as: UTF8.self)) { return .success(number) }
        // Digits alone (JSON allows no leading zeros or plus sign) that did not fit.
        if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return .failure(Problem(message: "\"v\" is too large; the largest version is \(UInt64.max)"))
        }
        return .failure(Problem(message: "\"v\" must be a whole number ≥ 0"))
    }
}
