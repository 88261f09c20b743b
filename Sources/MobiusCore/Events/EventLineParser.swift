#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import JSON
import Journal

/// Splits standard-input bytes into JSON Lines and turns each into an `EventDraft`.
///
/// A line is `{"type":"T","data":{…}}` with optional `"requestId":"R"` and `"v":N`; blank lines
/// are ignored; anything else (bad JSON, missing, unknown or repeated keys, a line over 16 MiB)
/// is reported with its 1-based line number and skipped.
package struct EventLineParser {
    /// A parser at the start of its input.
    package init() {}

    private var partial: [UInt8] = []
    private var lineNumber = 0
    private var isSkippingLongLine = false

    /// The longest line accepted, in bytes, not counting its newline: exactly this many is
    /// accepted, one more is refused, however the input is split into chunks. A longer line is
    /// never buffered past this.
    package static let maxLineLength = 16 << 20

    /// The drafts of the complete lines in `chunk` (a trailing partial line waits for more).
    package mutating func parse(_ chunk: [UInt8], reportProblem: (Int, String) -> Void) -> [EventDraft] {
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
                case .success(let draft?):
                    if let problem = draft.domainProblem { reportProblem(lineNumber, problem) } else { drafts.append(draft) }
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
    package mutating func finish() -> (line: Int, message: String)? {
        guard isSkippingLongLine || partial.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return nil }
        return (lineNumber + 1, "input ended inside this line (no newline), so it was not appended")
    }

    /// A problem with one line.
    package struct Problem: Error {
        /// The one-line message.
        package let message: String
    }

    /// Parses one line; nil for a blank line. The line must be exactly one JSON object with
    /// the keys `type` and `data` and optionally `requestId` and `v`, each once.
    package static func draft(fromLine line: [UInt8]) -> Result<EventDraft?, Problem> {
        guard let first = line.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return .success(nil) }
        guard line[first] == UInt8(ascii: "{") else {
            return .failure(Problem(message: "not a JSON object: expected '{' at byte \(first)"))
        }
        var type: String?
        var data: [UInt8]?
        var requestId: String?
        var version: UInt64 = 1
        var problem: Problem?
        do {
            try JSONReader.withReader(over: line) { (reader) throws(JSONError) in
                var object = try reader.beginObject()
                // Every member is read (a value left unread is still checked), so bad JSON anywhere
                // is reported before a problem with what the line means.
                while let key = try reader.nextKey(in: &object) {
                    guard problem == nil else { continue }
                    switch key {
                    case "type":
                        guard try reader.peekKind() == .string else { problem = Problem(message: "\"type\" must be a string"); break }
                        type = try reader.readString()
                    case "requestId":
                        guard try reader.peekKind() == .string else { problem = Problem(message: "\"requestId\" must be a string"); break }
                        requestId = try reader.readString()
                    case "data":
                        guard try reader.peekKind() == .object else { problem = Problem(message: "\"data\" must be a JSON object"); break }
                        data = try rawValue(&reader, in: line)
                    case "v":
                        switch versionNumber(try rawValue(&reader, in: line)) {
                        case .success(let number): version = number
                        case .failure(let failure): problem = failure
                        }
                    default:
                        problem = Problem(message: "unknown key \"\(Echoed(key.string))\" (allowed: type, data, requestId, v)")
                    }
                }
            }
        } catch where error.code == .duplicateKey {
            return .failure(Problem(message: "\(Echoed(error.detail)); give each key once"))
        } catch {
            return .failure(Problem(message: "not a JSON object: \(Echoed(error.description))"))
        }
        if let problem { return .failure(problem) }
        guard let type else { return .failure(Problem(message: "missing \"type\"")) }
        guard let data else { return .failure(Problem(message: "missing \"data\"")) }
        return EventDraft.echoingType(type, version: version, requestId: requestId, data: data).map { Optional($0) }
    }

    /// The bytes of the value at the reader, as they are in `line`.
    private static func rawValue(_ reader: inout JSONReader, in line: [UInt8]) throws(JSONError) -> [UInt8] {
        _ = try reader.peekKind()
        let start = reader.offset
        try reader.skipValue()
        return Array(line[start..<reader.offset])
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
