import Integrity

/// One decoded frame: its header and slices of the input it was decoded from.
///
/// The slices borrow the decoder's input; they are valid only while that buffer is.
package struct Frame {
    /// The frame's header fields.
    package var header: FrameHeader
    /// Offset of the frame's first byte in the decoder's input.
    package var offset: Int
    /// Header plus payload, in bytes.
    package var length: Int
    /// Magic through the last varint: the header bytes the chain hashes.
    package var hashedHeader: UnsafeRawBufferPointer
    /// The stored (possibly compressed) payload.
    package var payload: UnsafeRawBufferPointer

    /// The whole frame as it was decoded, magic through payload (header and payload are
    /// contiguous in the input).
    package var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: hashedHeader.baseAddress, count: length) }
}

/// Decodes frames from a byte stream; pure, no I/O.
///
/// `decode` returns nil when the input ends inside the frame (need more bytes) and leaves the
/// cursor untouched; it throws when the bytes cannot be a valid frame. The CRC is checked here;
/// the chain is checked by `FrameChain`, which needs the previous frames.
package struct FrameDecoder {
    /// Flag bits frames of this segment's format version may set.
    private let allowedFlags: UInt8

    /// A decoder for frames of a segment of `formatVersion`; it keeps no state between frames.
    package init(formatVersion: UInt16 = JournalFormat.formatVersion) {
        allowedFlags = formatVersion >= 2 ? 0x03 | JournalFormat.continuesSyncGroupFlag : 0x03
    }

    /// Decodes the frame at the cursor, checking bounds and CRC-32.
    package mutating func decode(_ input: inout ByteCursor) throws(FrameError) -> Frame? {
        var cursor = input
        let start = cursor.offset
        guard let (header, hashedEnd, storedCRC) = try decodeHeader(&cursor) else { return nil }
        guard let payload = cursor.readBytes(header.storedLength) else { return nil }
        let headerBytes = UnsafeRawBufferPointer(rebasing: input.bytes[start..<(hashedEnd + 8)])
        let computed = CRC32.checksum(payload, initial: CRC32.checksum(headerBytes))
        guard computed == storedCRC else {
            throw FrameError(.checksumMismatch, at: start, "frame CRC-32 is \(storedCRC), bytes give \(computed)")
        }
        input = cursor
        return Frame(
            header: header, offset: start, length: cursor.offset - start,
            hashedHeader: UnsafeRawBufferPointer(rebasing: input.bytes[start..<hashedEnd]),
            payload: payload
        )
    }

    /// Decodes the header at the cursor (bounds checked; payload and CRC not read) and leaves
    /// the cursor at the payload. Returns the header, where its hashed part ends, and the stored
    /// CRC; nil when the input ends inside the header.
    package func decodeHeader(_ cursor: inout ByteCursor) throws(FrameError) -> (FrameHeader, hashedEnd: Int, crc: UInt32)? {
        let start = cursor.offset
        guard let magic = cursor.readByte() else { return nil }
        guard magic == JournalFormat.frameMagic else {
            throw FrameError(.badMagic, at: start, "byte 0x\(String(magic, radix: 16)) where a frame starts (expected 0xf5)")
        }
        guard let flags = cursor.readByte() else { return nil }
        guard flags & ~allowedFlags == 0, let codec = PayloadCodec(rawValue: flags & 0x03) else {
            throw FrameError(.badFlags, at: start + 1, "flags 0x\(String(flags, radix: 16)) (reserved bits or unknown codec)")
        }
        var fields: [UInt64] = [0, 0, 0, 0, 0, 0]
        for index in 0..<6 {
            let fieldOffset = cursor.offset
            do {
                guard let value = try cursor.readVarint() else { return nil }
                fields[index] = value
            } catch {
                throw FrameError(.malformedVarint, at: fieldOffset, "frame header field \(index + 1) is not a minimal varint")
            }
            // Reject absurd values before they are converted to Int or used to size anything.
            if fields[index] > UInt64(JournalFormat.maxTimestampDelta) {
                throw FrameError(.fieldOutOfBounds, at: fieldOffset, "frame header field \(index + 1) = \(fields[index]) is out of range")
            }
        }
        let hashedEnd = cursor.offset
        guard let tag = cursor.readLittleEndian(UInt64.self),
              let storedCRC = cursor.readLittleEndian(UInt32.self) else { return nil }
        let header = FrameHeader(
            codec: codec, continuesSyncGroup: flags & JournalFormat.continuesSyncGroupFlag != 0, storedLength: Int(fields[0]),
            uncompressedLength: Int(fields[1]), seqOffset: fields[2], count: Int(fields[3]), firstTimestampDelta: fields[4],
            timestampSpan: fields[5], chainTag: tag
        )
        try header.validate(at: start)
        return (header, hashedEnd, storedCRC)
    }
}

extension FrameDecoder {
    /// The offset of the first frame with a valid CRC that starts anywhere in `bytes` — with
    /// `beginningSyncGroup`, only one that begins a sync group (flags bit 2 clear). This is what
    /// separates a torn tail (nothing durable after the damage) from corruption.
    package func firstValidFrame(in bytes: UnsafeRawBufferPointer, beginningSyncGroup: Bool) -> Int? {
        var decoder = self
        var index = bytes.startIndex
        while index < bytes.endIndex {
            defer { index += 1 }
            guard bytes[index] == JournalFormat.frameMagic else { continue }
            var cursor = ByteCursor(bytes, offset: index)
            if let frame = try? decoder.decode(&cursor), !beginningSyncGroup || !frame.header.continuesSyncGroup { return index }
        }
        return nil
    }
}

/// Builds frames: header, chain tag and CRC around a stored payload.
package enum FrameEncoder {
    /// Appends the complete frame for `payload` to `output` and returns the new chain value.
    ///
    /// `header.storedLength` must equal `payload.count`; its `chainTag` is ignored and computed
    /// from `previousChain`, the hashed header bytes and the payload.
    package static func append(
        _ header: FrameHeader, payload: UnsafeRawBufferPointer, previousChain: SHA256Digest,
        to output: inout [UInt8]
    ) -> SHA256Digest {
        precondition(header.storedLength == payload.count, "frame header and payload disagree")
        let start = output.count
        header.appendHashedPart(to: &output)
        let chain = output.withUnsafeBytes { bytes in
            FrameChain.next(previousChain, hashedHeader: UnsafeRawBufferPointer(rebasing: bytes[start...]), payload: payload)
        }
        output.append(contentsOf: chain.bytes.prefix(JournalFormat.chainTagLength))
        let crc = output.withUnsafeBytes { bytes in
            CRC32.checksum(payload, initial: CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[start...])))
        }
        output.appendLittleEndian(crc)
        output.append(contentsOf: payload)
        return chain
    }
}
