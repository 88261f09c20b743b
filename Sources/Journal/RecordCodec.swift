/// One record decoded in place: slices borrow the inflated payload.
package struct RecordView {
    /// Timestamp minus the frame's first timestamp, µs.
    package var timestampDelta: UInt64
    /// The type's UTF-8 bytes.
    package var type: UnsafeRawBufferPointer
    /// The schema version.
    package var version: UInt64
    /// The request id's bytes, if the event has one.
    package var requestId: UnsafeRawBufferPointer?
    /// The minified JSON data.
    package var data: UnsafeRawBufferPointer
}

/// Encodes and decodes the records inside a frame payload (layout in JournalFormat.swift).
package enum RecordCodec {
    /// Appends the record for `draft` stamped `timestampDelta` µs after the frame's first event.
    @inline(__always)
    package static func append(_ draft: EventDraft, timestampDelta: UInt64, to output: inout [UInt8]) {
        append(type: draft.type.utf8, version: draft.version, requestId: draft.requestId?.utf8, data: draft.data,
               timestampDelta: timestampDelta, to: &output)
    }

    /// Appends a record from its parts as they are, unchecked: `append(_:)` for drafts (which
    /// are checked), and tests that forge records a reader must refuse.
    @inline(__always)
    package static func append(type: some Collection<UInt8>, version: UInt64, requestId: (some Collection<UInt8>)?,
                               data: some Collection<UInt8>, timestampDelta: UInt64, to output: inout [UInt8]) {
        output.appendVarint(timestampDelta)
        output.appendVarint(UInt64(type.count))
        output.append(contentsOf: type)
        output.appendVarint(version)
        if let requestId {
            output.appendVarint(UInt64(requestId.count + 1))
            output.append(contentsOf: requestId)
        } else {
            output.appendVarint(0)
        }
        output.appendVarint(UInt64(data.count))
        output.append(contentsOf: data)
    }

    /// Bytes `append` will write for `draft` (with a timestamp delta taking `timestampBytes`).
    package static func encodedLength(of draft: EventDraft, timestampBytes: Int = 1) -> Int {
        let typeCount = draft.type.utf8.count
        let requestCount = draft.requestId.map { $0.utf8.count + 1 } ?? 0
        return timestampBytes + varintLength(UInt64(typeCount)) + typeCount + varintLength(draft.version)
            + varintLength(UInt64(requestCount)) + max(0, requestCount - 1)
            + varintLength(UInt64(draft.data.count)) + draft.data.count
    }

    /// Decodes the record at the cursor. The payload is complete, so running out of bytes is
    /// an error here, not "need more".
    @inline(__always)
    package static func decode(_ input: inout ByteCursor) throws(FrameError) -> RecordView {
        let start = input.offset
        func fail(_ what: String) -> FrameError { FrameError(.badRecord, at: start, what) }
        func varint(_ input: inout ByteCursor, _ what: String) throws(FrameError) -> UInt64 {
            guard let value = try? input.readVarint() else { throw fail("\(what) is truncated or malformed") }
            return value
        }
        let delta = try varint(&input, "timestamp delta")
        let typeLength = try varint(&input, "type length")
        guard typeLength >= 1, typeLength <= UInt64(JournalFormat.maxTypeLength), let type = input.readBytes(Int(typeLength)) else {
            throw fail("type length \(typeLength) is out of bounds")
        }
        let version = try varint(&input, "schema version")
        let requestCode = try varint(&input, "request id length")
        var requestId: UnsafeRawBufferPointer? = nil
        if requestCode > 0 {
            guard requestCode <= UInt64(JournalFormat.maxRequestIdLength + 1), let bytes = input.readBytes(Int(requestCode - 1)) else {
                throw fail("request id length \(requestCode - 1) is out of bounds")
            }
            requestId = bytes
        }
        let dataLength = try varint(&input, "data length")
        guard dataLength >= 2, dataLength <= UInt64(JournalFormat.maxDataLength), let data = input.readBytes(Int(dataLength)) else {
            throw fail("data length \(dataLength) is out of bounds")
        }
        return RecordView(timestampDelta: delta, type: type, version: version, requestId: requestId, data: data)
    }
}
