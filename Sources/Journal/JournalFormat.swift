// The journal's on-disk format, version 1. Everything the writer, reader, verifier and recovery
// agree on is specified here, byte by byte; the codecs in SegmentHeader.swift, FrameHeader.swift
// and RecordCodec.swift implement exactly this text.
//
// FOLDER  (default `<data>/journal`)
//   LOCK                      the writer's lock file: `flock(LOCK_EX)` held while a writer is open;
//                             its content is the holder's pid and a newline (informational only).
//   <first seq, 20 digits>.seg  segments, in seq order; the name's number equals the header's
//                             first seq. Rolled when the next frame would pass `segmentByteLimit`.
//   quarantine/<segment>-<offset>.torn  bytes cut off a torn tail by recovery (never deleted).
//
// INTEGERS  Fixed-width fields are little-endian. "varint" is unsigned LEB128 (7 bits per byte,
//   least significant group first, high bit = more follows), at most 10 bytes, and must be minimal
//   (no trailing 0x80 0x00 padding) so every value has exactly one encoding.
//
// SEGMENT HEADER  64 bytes at offset 0 of every segment:
//    0  4  magic "MDJ1" (0x4D 0x44 0x4A 0x31)
//    4  2  format version (1)
//    6  2  header length (64); a reader skips unknown trailing header bytes of a future version
//    8  4  dictionary id: the preset deflate dictionary the frames in this segment use (1)
//   12  8  first seq: seq of the first event in this segment (1 for the first segment)
//   20  8  base timestamp, µs since 1970-01-01T00:00:00Z UTC (the first frame's first ts)
//   28 32  previous chain: the full SHA-256 chain value that ended the previous segment
//          (32 zero bytes for the first segment)
//   60  4  CRC-32 (ISO-HDLC, zlib's) of bytes 0..<60
//
// FRAMES  follow the segment header back to back. One frame = one commit; every frame is
//   decodable on its own (no state shared with earlier frames except the chain). Frame layout:
//     magic    1 byte  0xF5 (never 0x00: see PREALLOCATION)
//     flags    1 byte  bits 0–1 codec: 0 = stored (payload is the records as is),
//                      1 = raw deflate (RFC 1951, no zlib/gzip wrapper) primed with the segment's
//                      preset dictionary (a writer may build the stream in sync-flushed parts
//                      compressed in parallel; it is still one stream to the reader);
//                      bits 2–7 reserved, must be 0
//     varint   stored length: payload bytes on disk            (≤ 64 MiB + 64 KiB)
//     varint   uncompressed length: bytes of the records       (1 … 64 MiB)
//     varint   first seq − segment first seq                   (< 2^40)
//     varint   count: events in the frame                      (1 … uncompressed length)
//     varint   first ts − segment base ts, µs                  (< 2^48)
//     varint   last ts − first ts, µs                          (< 2^48)
//     tag      8 bytes: the first 8 bytes of this frame's chain value (see CHAIN)
//     crc      4 bytes: CRC-32 of every header byte before it, then the stored payload
//     payload  stored length bytes
//   Header size is 14 + the varints: about 27 bytes for a one-event frame deep into a segment.
//   Limits are checked before anything is allocated, so a hostile header cannot make a reader
//   allocate more than 64 MiB; an append larger than 64 MiB of records is refused, never split,
//   so every append is exactly one frame and survives a crash entirely or not at all.
//
// RECORDS  the uncompressed payload is `count` records back to back; seq is implicit
//   (frame first seq + index). Record:
//     varint   ts − frame first ts, µs (non-decreasing within the frame; the last equals last ts)
//     varint   type length (1 … 255), then the type's UTF-8 bytes
//     varint   schema version v
//     varint   request-id length + 1 (0 = no request id; length ≤ 255), then its UTF-8 bytes
//     varint   data length (2 … 16 MiB), then data: one minified JSON object, UTF-8
//
// CHAIN  chain_0 = 32 zero bytes; for each frame n in seq order, across segments,
//   chain_n = SHA-256(chain_{n−1} ‖ frame header bytes from magic through the last varint ‖
//                     stored payload).
//   DESIGN.md says "uncompressed payload"; this format hashes the STORED (compressed) bytes on
//   purpose: inflate is deterministic, so binding the stored bytes binds the events exactly as
//   strongly, and at full batches it hashes about a fifth of the bytes — which the replay target
//   (≥ 1M events/s including chain verification) needs. Frames carry an 8-byte tag of their chain
//   value to keep one-event frames small; the full 32-byte value is in every segment header and
//   is what `stats` and snapshots report. A verifier recomputes the full chain from chain_0 and
//   compares tags frame by frame and full values at segment boundaries, so reordering, deletion,
//   insertion or an edit is detected (forging it needs a 64-bit second preimage per frame
//   *and* the final 32-byte value held elsewhere, e.g. in a snapshot or seal).
//
// TIMESTAMPS  assigned by the writer (µs, UTC) when it builds the frame; every event of a frame
//   gets that commit time (record deltas are 0 today; readers honour any delta within the span).
//   Never decreasing: if the clock steps back, the writer reuses the last timestamp until the
//   clock catches up.
//
// PREALLOCATION  the writer extends the active segment with zero bytes ahead of the frames (and
//   syncs them) so that `fdatasync` after an append need not update file metadata. Therefore:
//   a 0x00 byte where a frame magic is expected marks the end of the written frames; everything
//   from there to the end of the file must be 0x00. A sealed segment (one with a successor) is
//   truncated to its last frame before its successor is created.
//
// DAMAGE  A frame that fails its checks (magic, bounds, CRC, chain, seq continuity) in the LAST
//   segment with no CRC-valid frame anywhere after it is a TORN TAIL (a crash artefact): on
//   write-open, recovery copies the bytes from the damage to the last non-zero byte into
//   quarantine/<segment>-<offset>.torn (synced), truncates the segment there (synced), and
//   appends `journal.recovered` {"segment","offset","bytes","quarantinedTo","reason"}. A last
//   segment whose header is invalid and that holds no valid frame (a crash while creating it)
//   is moved to quarantine/<segment>-0.torn whole. Any other failure is CORRUPTION: the writer
//   refuses to open (error names segment, offset, seqs); readers return what is before it.
//   Write-open checks every segment header and rescans the last segment completely; frames of
//   older segments are checked by `verify`, not on every open (that would read the whole
//   journal). A bit flip inside the last frame is indistinguishable from a torn write and is
//   quarantined, not lost: the bytes stay in quarantine/ and the event says so.
//   Readers of a live journal (the writer holds LOCK) re-read a damaged tail a few times before
//   reporting it, since a frame being copied into the page cache can be seen half-written.
//
// COMPATIBILITY  The format version is in every segment header; readers reject versions they do
//   not know with an error naming the segment. Dictionary ids are never reused for other bytes.

/// Constants of the on-disk format; see the specification at the top of this file.
package enum JournalFormat {
    /// Segment header magic, "MDJ1".
    package static let segmentMagic: [UInt8] = [0x4D, 0x44, 0x4A, 0x31]
    /// The format version this code writes and the only one it reads.
    package static let formatVersion: UInt16 = 1
    /// Size of a version-1 segment header.
    package static let segmentHeaderLength = 64
    /// First byte of every frame; non-zero so preallocated zeros read as "end".
    package static let frameMagic: UInt8 = 0xF5
    /// Largest uncompressed payload a frame may declare (bounds what a reader allocates).
    package static let maxUncompressedLength = 64 << 20
    /// Largest stored payload: deflate can expand incompressible input slightly.
    package static let maxStoredLength = (64 << 20) + (64 << 10)
    /// Largest frame header: magic, flags, six 10-byte varints, tag, CRC.
    package static let maxFrameHeaderLength = 2 + 6 * 10 + 8 + 4
    /// Bytes of the chain value each frame carries.
    package static let chainTagLength = 8
    /// Largest seq offset inside one segment.
    package static let maxSeqOffset: UInt64 = 1 << 40
    /// Largest timestamp delta (µs) a header may carry (~8.9 years).
    package static let maxTimestampDelta: UInt64 = 1 << 48
    /// Longest event type name, in UTF-8 bytes.
    package static let maxTypeLength = 255
    /// Longest request id, in UTF-8 bytes.
    package static let maxRequestIdLength = 255
    /// Largest data object of one event, in bytes.
    package static let maxDataLength = 16 << 20
    /// Name of the quarantine folder inside the journal folder.
    package static let quarantineFolder = "quarantine"
    /// Name of the lock file inside the journal folder.
    package static let lockFile = "LOCK"

    /// The file name of the segment whose first event has `firstSeq`.
    package static func segmentFileName(firstSeq: UInt64) -> String {
        let digits = String(firstSeq)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    /// The first seq encoded in a segment file name, or nil if `name` is not a segment name.
    package static func firstSeq(ofSegmentFileName name: String) -> UInt64? {
        guard name.utf8.count == 24, name.hasSuffix(".seg") else { return nil }
        let digits = name.utf8.prefix(20)
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }
}
