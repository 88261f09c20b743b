import Journal

// The library image table: the binary part of a snapshot's state (LibraryProjection v3).
//
// A snapshot's state is the projections' canonical JSON with the library's images left out,
// a newline, then this table (ProjectionSet+Coding.swift). JSON spent 174 bytes on an image
// and most of a second on a million of them; the table spends about 72 and a few tens of ms.
//
// TABLE  the images in the order added, one record after another, nothing before or after;
//        the JSON's `"imageCount"` says how many. Per image:
//   varint    addedSeq − the previous image's addedSeq (the first image: addedSeq), ≥ 1
//   varint    addedAt − the previous image's addedAt (the first: 0), µs, zigzag-encoded
//             (0, −1, 1, −2 … as 0, 1, 2, 3 …)
//   8 bytes   the dHash, little endian
//   32 bytes  the file's SHA-256, in digest order
//   varint    width, then height, then byteSize (an Int's two's-complement bits)
//   string    the id, when one was given that is not `img-<addedSeq>`: varint byte count,
//             UTF-8 bytes; count 0 for the default id
//   front     the source, front-coded against the previous image's (the first: against ""):
//             varint count of leading bytes shared with it, varint count of the bytes that
//             follow, those bytes — the shared bytes and the rest together are UTF-8
//   front     the format, front-coded the same way against the previous image's format
//
// Varints are minimal unsigned LEB128, as in JournalFormat.swift. The encoding of a library
// is a function of its images in order, so equal libraries give equal bytes; the decoder
// accepts only what the encoder writes — it refuses seqs that do not increase, a repeated id,
// a default id spelt out, a shared prefix shorter than it could be, strings that are not UTF-8, varints that are not minimal, a cut-off
// record and bytes after the last image — so whatever decodes encodes back to the same bytes.

extension LibraryProjection {
    /// What a record is encoded against: the previous image's fields.
    struct TableEncoderState {
        var previousSeq: UInt64 = 0
        var previousAt: UInt64 = 0
        var previousSource = ""
        var previousFormat = ""
    }

    /// Appends the image table (see the top of this file).
    func appendImageTable(to bytes: inout [UInt8]) {
        var state = TableEncoderState()
        appendRecords(of: rows.indices, continuing: &state, to: &bytes)
    }

    /// Calls `body` with the image table in pieces of at most `positions` positions' records,
    /// in order: together they are `appendImageTable`'s bytes.
    func forEachImageTablePiece(positions: Int, _ body: ([UInt8]) -> Void) {
        var state = TableEncoderState()
        var start = 0
        while start < rows.count {
            let end = min(start + positions, rows.count)
            var piece: [UInt8] = []
            appendRecords(of: start..<end, continuing: &state, to: &piece)
            body(piece)
            start = end
        }
    }

    /// Appends the records of the live images at `positions`, after those `state` ended with.
    private func appendRecords(of positions: Range<Int>, continuing state: inout TableEncoderState, to bytes: inout [UInt8]) {
        // Room for the longest encoding of every record, written through a pointer: appending
        // to the array a byte at a time spent most of the encoding in the array's checks.
        var room = 0
        for position in positions where !isRemoved[position] {
            room += TableWriter.fixedRoom + rows[position].source.utf8.count + rows[position].format.utf8.count + (rows[position].explicitId?.utf8.count ?? 0)
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: room))
        let written = bytes.withUnsafeMutableBufferPointer { buffer in
            var writer = TableWriter(base: buffer.baseAddress! + start)
            for position in positions where !isRemoved[position] {
                let row = rows[position]
                writer.varint(row.seq - state.previousSeq)
                let delta = Int64(bitPattern: row.addedAt &- state.previousAt)
                writer.varint(UInt64(bitPattern: (delta << 1) ^ (delta >> 63)))
                withUnsafeBytes(of: row.hash.littleEndian) { writer.bytes($0) }
                row.digest.withBytes { writer.bytes($0) }
                writer.varint(UInt64(bitPattern: Int64(row.width)))
                writer.varint(UInt64(bitPattern: Int64(row.height)))
                writer.varint(UInt64(bitPattern: Int64(row.byteSize)))
                var id = row.explicitId ?? ""
                id.withUTF8 { id in
                    writer.varint(UInt64(id.count))
                    writer.bytes(UnsafeRawBufferPointer(id))
                }
                writer.frontCoded(row.source, after: &state.previousSource)
                writer.frontCoded(row.format, after: &state.previousFormat)
                state.previousSeq = row.seq
                state.previousAt = row.addedAt
            }
            return writer.count
        }
        bytes.removeLast(room - written)
    }

    /// Reads a table of `count` images into this library (which holds none yet).
    mutating func decodeImageTable(_ table: UnsafeRawBufferPointer, count: Int) throws(ProjectionDecodingError) {
        precondition(self.count == 0, "an image table decodes into an empty library")
        // A record is at least 49 bytes: a hostile count cannot reserve more than the table holds.
        reserveCapacity(min(count, table.count / 49))
        var cursor = ByteCursor(table)
        var previousSeq: UInt64 = 0, previousAt: UInt64 = 0
        var source: [UInt8] = [], format: [UInt8] = []
        var sourceText = "", formatText = ""
        var sawExplicitId = false
        for ordinal in 0..<count {
            func failure(_ what: String) -> ProjectionDecodingError {
                ProjectionDecodingError(detail: "library image \(ordinal + 1) of \(count) at byte \(cursor.offset) of the image table: \(what)", isVersionMismatch: false)
            }
            func varint() throws(ProjectionDecodingError) -> UInt64 {
                let value: UInt64?
                do {
                    value = try cursor.readVarint()
                } catch {
                    throw failure("a varint is over-long or not minimal")
                }
                guard let value else { throw failure("the table ends inside it") }
                return value
            }
            func bytes(_ count: UInt64) throws(ProjectionDecodingError) -> UnsafeRawBufferPointer {
                guard count <= UInt64(cursor.remaining), let bytes = cursor.readBytes(Int(count)) else { throw failure("the table ends inside it") }
                return bytes
            }
            func frontCoded(_ previous: inout [UInt8], _ text: inout String) throws(ProjectionDecodingError) {
                let shared = try varint(), rest = try bytes(try varint())
                guard shared <= UInt64(previous.count) else { throw failure("it shares more bytes than the previous string has") }
                if shared < UInt64(previous.count), let next = rest.first, next == previous[Int(shared)] {
                    throw failure("it shares fewer bytes with the previous string than it could (not the encoder's)")
                }
                // Most formats (and some sources) repeat the previous one whole: keep its String.
                if shared == UInt64(previous.count) && rest.isEmpty { return }
                previous.removeLast(previous.count - Int(shared))
                previous.append(contentsOf: rest)
                guard let decoded = Self.string(fromUTF8: previous) else { throw failure("a string is not UTF-8") }
                text = decoded
            }
            let seqDelta = try varint()
            guard seqDelta > 0, previousSeq <= UInt64.max - seqDelta else { throw failure("its seq does not increase") }
            let seq = previousSeq + seqDelta
            let zigzag = try varint()
            let addedAt = previousAt &+ UInt64(bitPattern: Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1))
            let hash = UInt64(littleEndian: try bytes(8).loadUnaligned(as: UInt64.self))
            let digest = PackedDigest(bytes: try bytes(32))
            let width = Int(Int64(bitPattern: try varint())), height = Int(Int64(bitPattern: try varint()))
            let byteSize = Int(Int64(bitPattern: try varint()))
            let idBytes = try bytes(try varint())
            var explicitId: String?
            if !idBytes.isEmpty {
                guard let id = Self.string(fromUTF8: idBytes) else { throw failure("its id is not UTF-8") }
                explicitId = id
            }
            try frontCoded(&source, &sourceText)
            try frontCoded(&format, &formatText)
            if let explicitId {
                // The first explicit id makes room for the rest being explicit too (imported
                // libraries name every image).
                if !sawExplicitId {
                    sawExplicitId = true
                    reserveExplicitIds(count - ordinal)
                }
                guard Self.seq(ofDefaultId: explicitId) != seq else { throw failure("its id \(explicitId) is its default, which the table leaves out") }
                guard awaitingFingerprint[explicitId] == nil else { throw failure("its id \(explicitId) is also awaiting a fingerprint") }
            } else if !awaitingFingerprint.isEmpty && awaitingFingerprint[Self.defaultId(seq: seq)] != nil {
                throw failure("its id \(Self.defaultId(seq: seq)) is also awaiting a fingerprint")
            }
            let row = Row(seq: seq, hash: hash, explicitId: explicitId, source: sourceText, digest: digest, width: width, height: height, byteSize: byteSize,
                          format: formatText, addedAt: addedAt)
            appendDecoded(row)
            previousSeq = seq
            previousAt = addedAt
        }
        guard cursor.remaining == 0 else {
            throw ProjectionDecodingError(detail: "the image table has \(cursor.remaining) byte(s) after its \(count) image(s)", isVersionMismatch: false)
        }
        if let repeated = finishDecoding() {
            throw ProjectionDecodingError(detail: "the image table gives two images the id \(repeated)", isVersionMismatch: false)
        }
    }

    /// `bytes` as a String if they are UTF-8; nil if not. (`String(validating:)` is generic and
    /// not specialised here: it cost a runtime metadata lookup per string.)
    private static func string(fromUTF8 bytes: some Collection<UInt8>) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        // ASCII (most ids and sources) is UTF-8 as it is.
        if bytes.allSatisfy({ $0 < 0x80 }) { return text }
        // Decoding repairs what is not UTF-8, so the bytes were UTF-8 exactly when they survive.
        return text.utf8.count == bytes.count && text.utf8.elementsEqual(bytes) ? text : nil
    }
}

/// Writes a table's bytes through a pointer into room made beforehand.
private struct TableWriter {
    /// Room for a record besides its strings: two varints, the dHash and digest, three
    /// varints, and the strings' varints, each at its longest.
    static let fixedRoom = 10 + 10 + 8 + 32 + 3 * 10 + 10 + 2 * 20

    let base: UnsafeMutablePointer<UInt8>
    /// Bytes written.
    private(set) var count = 0

    init(base: UnsafeMutablePointer<UInt8>) { self.base = base }

    /// A minimal unsigned LEB128 varint.
    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: rest) | 0x80
            count += 1
            rest >>= 7
        }
        base[count] = UInt8(rest)
        count += 1
    }

    /// `raw` as it is.
    mutating func bytes(_ raw: UnsafeRawBufferPointer) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: raw.count)
        count += raw.count
    }

    /// `text` front-coded against `previous`, which becomes `text`.
    mutating func frontCoded(_ text: String, after previous: inout String) {
        var current = text
        current.withUTF8 { current in
            previous.withUTF8 { old in
                var shared = 0
                let limit = min(current.count, old.count)
                while shared < limit && current[shared] == old[shared] { shared += 1 }
                varint(UInt64(shared))
                varint(UInt64(current.count - shared))
                bytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(current)[shared...]))
            }
        }
        previous = text
    }
}
