import JSON

/// The content rules every record must meet (RECORDS in JournalFormat.swift), checked by the
/// writer before an append and by every reader before it hands out an event: a frame's CRC and
/// chain prove only that its bytes were not changed since someone computed them, and the chain
/// is unkeyed, so a reader cannot print what it has not checked.
package enum RecordContent {
    /// Whether `byte` may appear in an event type: ASCII letters, digits, `.`, `_`, `-`.
    @inline(__always)
    package static func isTypeByte(_ byte: UInt8) -> Bool { byteClasses[Int(byte)] & typeClass != 0 }

    /// Whether `byte` may appear in a request id: printable ASCII without `"` or `\`.
    @inline(__always)
    package static func isRequestIdByte(_ byte: UInt8) -> Bool { byteClasses[Int(byte)] & requestIdClass != 0 }

    private static let typeClass: UInt8 = 1
    private static let requestIdClass: UInt8 = 2

    /// Which rules each byte value meets: a table, because these checks run on every event a
    /// reader hands out (the closures they replaced cost ~245 instructions per event).
    private static let byteClasses: [UInt8] = (0...255).map { (value: Int) -> UInt8 in
        let byte = UInt8(value)
        let isType = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        let isRequestId = byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
        return (isType ? typeClass : 0) | (isRequestId ? requestIdClass : 0)
    }

    /// Whether `type` is made of type bytes only (its length is checked apart).
    package static func isValidType(_ type: String) -> Bool { all(type, meet: typeClass) }

    /// Whether `requestId` is made of request-id bytes only (its length is checked apart).
    package static func isValidRequestId(_ requestId: String) -> Bool { all(requestId, meet: requestIdClass) }

    /// Whether every UTF-8 byte of `text` meets the rule `mask` names.
    private static func all(_ text: String, meet mask: UInt8) -> Bool {
        var text = text
        return text.withUTF8 { all(UnsafeRawBufferPointer($0), meet: mask) }
    }

    /// Whether every byte of `bytes` meets the rule `mask` names.
    @inline(__always)
    private static func all(_ bytes: UnsafeRawBufferPointer, meet mask: UInt8) -> Bool {
        byteClasses.withUnsafeBufferPointer { table in
            for byte in bytes where table[Int(byte)] & mask == 0 { return false }
            return true
        }
    }

    /// What is wrong with `record`, or nil when it meets every rule. The data check is the
    /// strict JSON one the writer applies: one object, minified, no duplicate keys.
    package static func problem(in record: RecordView) -> String? {
        guard !record.type.isEmpty, record.type.count <= JournalFormat.maxTypeLength, all(record.type, meet: typeClass) else {
            return "event type is not 1–255 letters, digits, '.', '_' or '-'"
        }
        if let requestId = record.requestId {
            guard requestId.count <= JournalFormat.maxRequestIdLength, all(requestId, meet: requestIdClass) else {
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
