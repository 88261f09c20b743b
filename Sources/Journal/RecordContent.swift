import JSON

/// The content rules every record must meet (RECORDS in JournalFormat.swift), checked by the
/// writer before an append and by every reader before it hands out an event: a frame's CRC and
/// chain prove only that its bytes were not changed since someone computed them, and the chain
/// is unkeyed, so a reader cannot print what it has not checked.
package enum RecordContent {
    /// Whether `byte` may appear in an event type: ASCII letters, digits, `.`, `_`, `-`.
    package static func isTypeByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// Whether `byte` may appear in a request id: printable ASCII without `"` or `\`.
    package static func isRequestIdByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }

    /// What is wrong with `record`, or nil when it meets every rule. The data check is the
    /// strict JSON one the writer applies: one object, minified, no duplicate keys.
    package static func problem(in record: RecordView) -> String? {
        guard !record.type.isEmpty, record.type.count <= JournalFormat.maxTypeLength, record.type.allSatisfy(isTypeByte) else {
            return "event type is not 1–255 letters, digits, '.', '_' or '-'"
        }
        if let requestId = record.requestId {
            guard requestId.count <= JournalFormat.maxRequestIdLength, requestId.allSatisfy(isRequestIdByte) else {
                return "request id is not printable ASCII without '\"' or '\\'"
            }
        }
        do {
            guard try JSONValidator.isMinifiedObject(record.data) else { return "data is not in the minified form the writer stores" }
        } catch {
            return "data is not one valid JSON object: \(error)"
        }
        return nil
    }
}
