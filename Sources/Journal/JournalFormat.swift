// The journal's on-disk format, version 2 (version-1 segments are still read). Everything the
// writer, reader, verifier and recovery agree on is specified here, byte by byte; the codecs in
// SegmentHeader.swift, FrameHeader.swift, RecordCodec.swift and SegmentIndex.swift implement
// exactly this text.
//
// FOLDER  (default `<data>/journal`)
//   LOCK                      the writer's lock file: `flock(LOCK_EX)` held while a writer is open.
//                             Its content, rewritten by each writer once it holds the lock, names
//                             the holder in ASCII lines `<key> <value>\n`:
//                               pid <decimal pid>\n          always
//                               url <http(s) URL>\n          when the writer is a server: its admin API
//                             e.g. `pid 12345\nurl http://127.0.0.1:5001\n`. Readers
//                             (`WriterLock.holder`) read at most 4 KiB, skip unknown keys and
//                             malformed lines, take the first valid value of each key, accept a
//                             line of digits alone as the pid (format 2 writers before this
//                             line format wrote `12345\n`), and accept only `http://` or
//                             `https://` URLs of printable ASCII without spaces (≤ 2048 bytes).
//                             Informational only: whether a writer is there is the flock (probed
//                             with a momentary `LOCK_SH | LOCK_NB`), never the content.
//   <first seq, 20 digits>.seg  segments, in seq order; the name's number equals the header's
//                             first seq. Rolled when the next frame would pass `segmentByteLimit`.
//   <first seq, 20 digits>.idx  the segment's index (see SEGMENT INDEX); derived data.
//   quarantine/<segment>-<offset>.torn  bytes cut off a torn tail by recovery (never deleted).
//
// INTEGERS  Fixed-width fields are little-endian. "varint" is unsigned LEB128 (7 bits per byte,
//   least significant group first, high bit = more follows), at most 10 bytes, and must be minimal
//   (no trailing 0x80 0x00 padding) so every value has exactly one encoding.
//
// SEGMENT HEADER  64 bytes at offset 0 of every segment:
//    0  4  magic "MDJ1" (0x4D 0x44 0x4A 0x31)
//    4  2  format version: 2 (1 in segments written before sync groups; see COMPATIBILITY)
//    6  2  header length (64); a reader skips unknown trailing header bytes of a future version
//    8  4  dictionary id: the preset deflate dictionary the frames in this segment use (1)
//   12  8  first seq: seq of the first event in this segment (1 for the first segment)
//   20  8  base timestamp, µs since 1970-01-01T00:00:00Z UTC (the first frame's first ts)
//   28 32  previous chain: the full SHA-256 chain value that ended the previous segment
//          (32 zero bytes for the first segment)
//   60  4  CRC-32 (ISO-HDLC, zlib's) of bytes 0..<60
//
// SEGMENT LINKS  The first segment starts at seq 1 with a zero previous chain; every later
//   segment starts at the previous segment's last seq + 1 and its previous chain is the chain
//   value after the previous segment's last frame. A journal whose segments do not link so
//   (a segment deleted, renamed, cut short, extended or swapped) is damaged.
//
// FRAMES  follow the segment header back to back. One frame = one commit; every frame is
//   decodable on its own (no state shared with earlier frames except the chain). Frame layout:
//     magic    1 byte  0xF5 (never 0x00: see PREALLOCATION)
//     flags    1 byte  bits 0–1 codec: 0 = stored (payload is the records as is),
//                      1 = raw deflate (RFC 1951, no zlib/gzip wrapper) primed with the segment's
//                      preset dictionary (a writer may build the stream in sync-flushed parts
//                      compressed in parallel; it is still one stream to the reader);
//                      bit 2 (version 2 only) CONTINUES SYNC GROUP: the writer wrote this frame
//                      with no sync since the frame before it in the same segment, so one crash
//                      can tear both (see DAMAGE); 0 = everything before this frame was on
//                      stable storage when it was written. The first frame of a segment has 0.
//                      bits 3–7 (2–7 in version 1) reserved, must be 0
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
//     varint   type length (1 … 255), then the type's bytes: ASCII letters, digits, '.', '_', '-'
//     varint   schema version v
//     varint   request-id length + 1 (0 = no request id; length ≤ 255), then its bytes:
//              printable ASCII (0x20–0x7E) without '"' or '\'
//     varint   data length (2 … 16 MiB), then data: exactly one JSON object (RFC 8259, UTF-8,
//              no insignificant whitespace, no duplicate keys in any object)
//   The writer checks these rules before appending and every reader checks them again before it
//   hands out an event: a record that breaks one is damage (a frame can have a valid CRC and
//   chain and still be forged: the chain is unkeyed), never printed.
//
// CHAIN  chain_0 = 32 zero bytes; for each frame n in seq order, across segments,
//   chain_n = SHA-256(chain_{n−1} ‖ frame header bytes from magic through the last varint ‖
//                     stored payload).
//   DESIGN.md says "uncompressed payload"; this format hashes the STORED (compressed) bytes on
//   purpose: inflate is deterministic, so binding the stored bytes binds the events exactly as
//   strongly, and at full batches it hashes about a fifth of the bytes — which the replay target
//   (≥ 1M events/s including chain verification) needs. Frames carry an 8-byte tag of their chain
//   value to keep one-event frames small; the full 32-byte value is in every segment header and
//   index and is what `stats` and snapshots report. A verifier recomputes the full chain from
//   chain_0 and compares tags frame by frame and full values at segment boundaries, so
//   reordering, deletion, insertion or an edit is detected (forging it needs a 64-bit second
//   preimage per frame *and* the final 32-byte value held elsewhere, e.g. in a snapshot or seal).
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
//   truncated to its last frame before its successor is created. When the disk cannot hold
//   another preallocation step the writer goes on without one: frames that fit in what is
//   allocated, or that the file can still grow by, are written and synced as usual.
//
// SEGMENT INDEX  `<first seq>.idx` describes the prefix [0, end offset) of its segment. Written
//   when the segment is sealed (once its successor exists on stable storage) and, for the active
//   segment, by a clean close (after the final sync: an index never covers unsynced frames); always replaced atomically (`<name>.idx.tmp` written and synced, renamed over
//   the old one, folder synced). Derived data: a missing or invalid index is rebuilt by
//   scanning its segment, and readers that start at an index entry still check the chain from
//   there (a wrong entry shows up as chain damage at the next frame). Layout:
//    0  4  magic "MDX1" (0x4D 0x44 0x58 0x31)
//    4  2  index format version (1)
//    6  2  fixed part length (104)
//    8  4  CRC-32 of the segment's 64-byte header (binds the index to that header)
//   12  4  sparse step: a new entry starts once a frame begins this many bytes after the
//          previous entry (262,144)
//   16  8  segment first seq
//   24  8  end offset: segment bytes covered (for a sealed segment, its exact file size)
//   32  8  last seq covered (first seq − 1 when no frame is covered)
//   40  8  last timestamp covered, µs (the header's base timestamp when none)
//   48  8  frames covered
//   56  8  offset of the last covered frame (0 when none)
//   64 32  chain value after the last covered frame (the header's previous chain when none)
//   96  4  entry count N (≥ 1 when frames are covered: the first frame always has an entry)
//  100  4  flags: bit 0 SEALED — written when the segment was sealed, after its successor
//          was created and synced (so a sealed index without a later segment means segments
//          after it were removed); bits 1–31 must be 0
//  104  N × 56  entries in offset order: frame offset (8), the frame's first seq (8), its first
//          timestamp µs (8), the chain value before the frame (32)
//   end 4  CRC-32 of every byte before it
//   So a point-in-time read finds its frame by binary search over seqs or timestamps and scans
//   at most one step of frames; write-open checks segment links from headers and indexes
//   alone.
//
// DAMAGE  Write-open (Recovery.swift) reads every segment header and index and the frames of the
//   last segment after its index; it never reads the frames of sealed segments (so its cost
//   does not grow with the journal), which is `verify`'s job. It refuses to open — naming the
//   segment, offset and seqs — when a segment header is invalid (except a last segment being
//   created, below), the segments do not link (SEGMENT LINKS), a sealed segment's size differs
//   from its index's end offset or its last frame does not match the index, an index has no
//   segment, the last segment's index is SEALED (its successors are gone) or covers more bytes
//   than the segment holds (it was cut short), or damage in the last segment is followed by a
//   frame that begins a later sync group.
//   TORN TAIL: in the last segment, damage (a frame failing magic, bounds or CRC, or non-zero
//   bytes where only zero padding may be) after which no CRC-valid frame that begins a sync
//   group (bit 2 clear) starts anywhere is a crash artefact: the bytes of an unfinished write,
//   of which any sector may be missing (zero) while later ones reached the disk, or stray pages
//   of preallocated space. Recovery cuts at the end of the last frame that verifies: it copies
//   the bytes from there to the last non-zero byte into quarantine/<segment>-<offset>.torn
//   (synced), truncates the segment there (synced), and appends `journal.recovered`
//   {"segment","offset","bytes","quarantinedTo","reason"}. A frame at the cut that has a valid
//   CRC but fails the seq, timestamp or chain check is corruption, not a tear. A last segment
//   whose header is invalid and that holds no valid frame (a crash while creating it) is moved
//   to quarantine/<segment>-0.torn whole. Damage in the last sync group cannot be told from a
//   torn write, so a bit flip there is quarantined (kept and recorded), not lost.
//   Readers of a live journal (the writer holds LOCK) re-read a damaged tail a few times before
//   reporting it, since a frame being copied into the page cache can be seen half-written.
//
// COMPATIBILITY  The format version is in every segment header; readers reject versions they do
//   not know with an error naming the segment. Version 1 differs only in that flags bit 2 is
//   reserved, so its frames all count as beginning a sync group; a writer never appends to a
//   segment of an older version, it starts a new segment. Dictionary ids are never reused for
//   other bytes. Index files carry their own version; an index of an unknown version is rebuilt.

/// Constants of the on-disk format; see the specification at the top of this file.
package enum JournalFormat {
    /// Segment header magic, "MDJ1".
    package static let segmentMagic: [UInt8] = [0x4D, 0x44, 0x4A, 0x31]
    /// The format version this code writes.
    package static let formatVersion: UInt16 = 2
    /// The oldest format version this code reads.
    package static let oldestReadableVersion: UInt16 = 1
    /// Size of a segment header (the same in versions 1 and 2).
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
    /// Flags bit 2 (version 2): the frame continues the sync group of the frame before it.
    package static let continuesSyncGroupFlag: UInt8 = 0x04
    /// Index file magic, "MDX1".
    package static let indexMagic: [UInt8] = [0x4D, 0x44, 0x58, 0x31]
    /// The index file version this code writes and reads.
    package static let indexVersion: UInt16 = 1
    /// Bytes of an index file before its entries.
    package static let indexFixedLength = 104
    /// Bytes of one index entry: offset, first seq, first timestamp, chain before.
    package static let indexEntryLength = 56
    /// A new index entry starts once a frame begins this many bytes after the previous entry.
    package static let indexSparseStep = 256 << 10
    /// Name of the quarantine folder inside the journal folder.
    package static let quarantineFolder = "quarantine"
    /// Name of the lock file inside the journal folder.
    package static let lockFile = "LOCK"

    /// The file name of the segment whose first event has `firstSeq`.
    package static func segmentFileName(firstSeq: UInt64) -> String {
        let digits = String(firstSeq)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    /// The file name of the index of segment `segmentName` (`…0001.seg` → `…0001.idx`).
    package static func indexFileName(ofSegment segmentName: String) -> String {
        String(segmentName.dropLast(4)) + ".idx"
    }

    /// The first seq encoded in a segment file name, or nil if `name` is not a segment name.
    package static func firstSeq(ofSegmentFileName name: String) -> UInt64? {
        guard name.utf8.count == 24, name.hasSuffix(".seg") else { return nil }
        let digits = name.utf8.prefix(20)
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }
}
