import Glibc

/// Inflates frame payloads and walks their records, reusing one buffer (constant memory).
package final class PayloadDecoder {
    private let decompressor = Decompressor()
    private var inflated = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    private var typeNames: [(bytes: [UInt8], name: String)] = []
    /// The records of the frame being read, checked before any is delivered (reused).
    private var checked: [RecordView] = []

    /// A decoder with an empty buffer.
    package init() {}

    deinit { inflated.deallocate() }

    /// Calls `body` with each record of `frame` and its absolute seq and timestamp.
    ///
    /// Throws `.corrupt` (naming the frame's offset and seqs) if the payload does not inflate to
    /// the declared length, its records do not fill it exactly, a timestamp leaves the header's
    /// span or a record breaks a content rule (`RecordContent`); then no record of the frame
    /// has been passed to `body`.
    package func forEachRecord(
        in scanned: ScannedFrame, dictionaryId: UInt32,
        _ body: (_ seq: UInt64, _ timestamp: UInt64, _ record: RecordView) throws(JournalError) -> Void
    ) throws(JournalError) {
        let header = scanned.frame.header
        func damaged(_ error: FrameError) -> JournalError {
            JournalError(.corrupt, "frame passes its CRC and chain but its payload is invalid: \(error)", offset: scanned.fileOffset,
                         seqRange: scanned.firstSeq...scanned.lastSeq)
        }
        let records: UnsafeRawBufferPointer
        switch header.codec {
        case .stored:
            records = scanned.frame.payload
        case .deflate:
            if inflated.count < header.uncompressedLength {
                inflated.deallocate()
                inflated = .allocate(byteCount: max(header.uncompressedLength, inflated.count * 2), alignment: 16)
            }
            let target = UnsafeMutableRawBufferPointer(rebasing: inflated[..<header.uncompressedLength])
            do throws(FrameError) {
                try decompressor.decompress(scanned.frame.payload, into: target, dictionaryId: dictionaryId)
            } catch {
                throw damaged(error)
            }
            records = UnsafeRawBufferPointer(target)
        }
        // Every record is checked before any is handed out: a frame is one commit, and a reader
        // never delivers part of a frame it would then report as damaged.
        checked.removeAll(keepingCapacity: true)
        var cursor = ByteCursor(records)
        var previousDelta: UInt64 = 0
        for index in 0..<header.count {
            let record: RecordView
            do throws(FrameError) {
                record = try RecordCodec.decode(&cursor)
            } catch {
                throw damaged(FrameError(error.code, at: error.offset, "record \(index + 1) of \(header.count): \(error.detail)"))
            }
            guard record.timestampDelta >= previousDelta, record.timestampDelta <= header.timestampSpan else {
                throw damaged(FrameError(.badRecord, at: cursor.offset, "record \(index + 1) has timestamp delta \(record.timestampDelta) outside the frame's span"))
            }
            previousDelta = record.timestampDelta
            if let problem = RecordContent.problem(in: record) {
                throw damaged(FrameError(.badRecord, at: cursor.offset, "record \(index + 1) (seq \(scanned.firstSeq + UInt64(index))): \(problem)"))
            }
            checked.append(record)
        }
        guard cursor.remaining == 0 else {
            throw damaged(FrameError(.badRecord, at: cursor.offset, "\(cursor.remaining) bytes left after the frame's \(header.count) records"))
        }
        for (index, record) in checked.enumerated() {
            try body(scanned.firstSeq + UInt64(index), scanned.firstTimestamp + record.timestampDelta, record)
        }
    }

    /// The type name of `record`, shared between events (type names repeat; allocating a
    /// String per event would dominate replay).
    package func typeName(of record: RecordView) -> String { typeNameAndOrdinal(of: record).name }

    /// The type name of `record` and its ordinal: its place in this decoder's table of the
    /// type names met so far (nil past the table's 256 entries).
    package func typeNameAndOrdinal(of record: RecordView) -> (name: String, ordinal: Int?) {
        for (ordinal, entry) in typeNames.enumerated() where entry.bytes.count == record.type.count {
            if entry.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, record.type.baseAddress!, record.type.count) == 0 }) { return (entry.name, ordinal) }
        }
        let name = String(decoding: record.type, as: UTF8.self)
        guard typeNames.count < 256 else { return (name, nil) }
        typeNames.append((Array(record.type), name))
        return (name, typeNames.count - 1)
    }

    /// `record` as a borrowed event: no copy of its data.
    package func borrowedEvent(seq: UInt64, timestamp: UInt64, record: RecordView) -> BorrowedJournalEvent {
        let (name, ordinal) = typeNameAndOrdinal(of: record)
        return BorrowedJournalEvent(seq: seq, timestamp: timestamp, type: name, typeOrdinal: ordinal, version: record.version,
                                    requestIdBytes: record.requestId, data: record.data)
    }

    /// Materialises `record` as a `JournalEvent`.
    package func event(seq: UInt64, timestamp: UInt64, record: RecordView) -> JournalEvent {
        JournalEvent(
            seq: seq, timestamp: timestamp, type: typeName(of: record), version: record.version,
            requestId: record.requestId.map { String(decoding: $0, as: UTF8.self) }, data: Array(record.data)
        )
    }
}
