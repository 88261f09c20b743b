// The backup format, version 1: what `backup create` writes and `backup verify|restore` read.
// `TarHeader` implements the member headers below byte by byte, `TarWriter`/`TarReader` the
// archive around them, `BackupManifest` the manifest.
//
// FILES  `backup create --out FILE` writes two files side by side:
//   FILE          a gzip stream (RFC 1952, one member, written by zlib: no file name, mtime 0,
//                 OS 3) of a POSIX ustar archive (below). GNU `tar -tzf` lists it, `tar -xzf`
//                 extracts it into a usable data folder (`journal/`, `snapshots/`, plus
//                 `manifest.json`).
//   FILE.sha256   `<SHA-256 of FILE, 64 lowercase hex>  <base name of FILE>\n` — the `sha256sum`
//                 format (two spaces, no path), so `sha256sum -c FILE.sha256` run in FILE's
//                 folder checks it.
//   Both are written under hidden temporary names in FILE's folder (`.<name>.incomplete-<pid>`),
//   fsynced, renamed into place (FILE first) and the folder fsynced, before success is printed.
//
// MEMBERS  in this order, nothing else:
//   journal/                         directory
//   journal/<first seq, 20 digits>.seg   each segment in seq order, immediately followed by
//   journal/<first seq, 20 digits>.idx   its index (JournalFormat.swift, SEGMENT INDEX)
//   snapshots/                       directory
//   snapshots/<id>.snapshot          each snapshot, oldest seq first, followed by
//   snapshots/<id>.snapshot.sha256   its sidecar (SnapshotFormat.swift)
//   manifest.json                    it describes every file member before it
//   manifest.json.sha256             last: `<SHA-256 of manifest.json>  manifest.json\n`, so
//                                    the manifest is checked by itself too (and `sha256sum -c`
//                                    checks it in an extracted folder)
//   Segments are what `JournalCapture` hands out: checked frame by frame (CRC, seqs, chain from
//   seq 1, links) from the segment header to the frame that ended at the head read when the
//   backup started, so the archive is consistent while a writer keeps appending; sealed
//   segments are byte-identical to the source, the last one ends at that frame (no zero
//   padding). Indexes are written from the frames captured (the last one unsealed), so they
//   describe exactly the bytes archived. Snapshots are those whose sidecar matches their file
//   and whose chain is the journal's at their seq, seq ≤ the head; others are left out with a
//   warning. Never archived: `journal/LOCK`, `journal/quarantine/`, temporary files, the admin
//   token (`DATA/admin-token`) or anything else in the data folder.
//
// USTAR MEMBER HEADER  512 bytes; numbers are octal ASCII digits, zero-padded, then NUL:
//     0 100  name       the member's path (≤ 100 bytes, so `prefix` stays empty), NUL-padded;
//                       directories end with '/'
//   100   8  mode       "0000644\0" for files, "0000755\0" for directories
//   108   8  uid        "0000000\0"
//   116   8  gid        "0000000\0"
//   124  12  size       11 octal digits + NUL: data bytes (0 for directories; < 8 GiB)
//   136  12  mtime      11 octal digits + NUL: the backup's creation time, seconds since 1970
//   148   8  chksum     6 octal digits, NUL, space: the sum of all 512 header bytes as unsigned
//                       values, counted with this field as 8 spaces
//   156   1  typeflag   '0' regular file, '5' directory
//   157 100  linkname   NUL
//   257   6  magic      "ustar\0"
//   263   2  version    "00"
//   265  32  uname      NUL (no user name: extraction gives files to the extracting user)
//   297  32  gname      NUL
//   329   8  devmajor   NUL
//   337   8  devminor   NUL
//   345 155  prefix     NUL
//   500  12  (padding)  NUL
//   The member's data follows, padded with NUL to a multiple of 512 bytes. After the last
//   member: two 512-byte blocks of NUL, then NUL up to a multiple of 10,240 bytes (GNU tar's
//   default record, 20 blocks).
//   The reader checks the checksum (also accepting the signed sum that some old tars wrote), the
//   magic ("ustar\0" + "00", or GNU's "ustar  \0"), that sizes are octal, that each name is one
//   of those above (so extraction can never write outside its folder), that no name repeats,
//   that padding and everything after the end blocks is NUL.
//
// MANIFEST  `manifest.json`: one canonical JSON object (keys sorted, no whitespace) and "\n":
//   {"createdAt":"<ISO 8601 UTC, µs>","createdAtMicros":<µs since 1970>,
//    "files":[{"path":"<member>","sha256":"<64 hex>","size":<bytes>},…]   every file member
//                                                    before the manifest, in archive order,
//    "format":"mobius-dhash backup","formatVersion":1,
//    "host":"<host name of the machine that made it>",
//    "journal":{"chain":"<64 hex>","headSeq":<n>,"segments":<n>}   the head captured,
//    "snapshots":<n>,
//    "tool":{"name":"mobius-dhash","version":"<version>"}}
//   A reader ignores keys it does not know and refuses a formatVersion it does not know.
//
// VERIFIED  (`backup verify`, and `backup restore` before it writes) — in this order, the
//   first failure named: FILE.sha256 matches FILE; the gzip stream and its CRC-32; every
//   header; manifest.json.sha256 matches manifest.json; every member listed in the manifest
//   with its size and SHA-256, and nothing else;
//   the journal extracted (to a temporary folder) passes `verify --deep` and ends at the
//   manifest's head seq and chain; every snapshot's sidecar matches and its chain is the
//   journal's at its seq.

/// Constants of the backup format; see the specification at the top of this file.
package enum BackupFormat {
    /// The manifest's `format` value.
    package static let name = "mobius-dhash backup"
    /// The format version this code writes and reads.
    package static let version = 1
    /// The manifest's member name.
    package static let manifestName = "manifest.json"
    /// The manifest's own checksum member, the archive's last.
    package static let manifestSidecarName = manifestName + ".sha256"
    /// The journal's folder inside the archive (and a data folder).
    package static let journalFolder = "journal"
    /// The snapshots' folder inside the archive (and a data folder).
    package static let snapshotFolder = "snapshots"
    /// The sidecar's extension, after the archive's name.
    package static let sidecarExtension = ".sha256"
    /// ustar block size.
    package static let blockBytes = 512
    /// The archive is padded with NUL to a multiple of this (GNU tar's default record).
    package static let recordBytes = 10_240
    /// Longest name a header holds without the prefix field.
    package static let maxNameBytes = 100
    /// Largest member the 11-digit octal size field holds.
    package static let maxMemberBytes = (1 << 33) - 1

    /// Whether `name` is a member name a backup may hold (see MEMBERS): the manifest and its
    /// checksum, the two
    /// folders, segments and indexes, snapshots and their sidecars — nothing with `..`, a
    /// leading `/` or a deeper path, so extracting it cannot write outside its folder.
    package static func isMemberName(_ name: String) -> Bool {
        if name == manifestName || name == manifestSidecarName || name == journalFolder + "/" || name == snapshotFolder + "/" { return true }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let file = String(parts[1])
        switch parts[0] {
        case journalFolder[...]:
            guard file.hasSuffix(".seg") || file.hasSuffix(".idx") else { return false }
            let digits = file.dropLast(4)
            return digits.count == 20 && digits.allSatisfy { $0.isASCII && $0.isNumber }
        case snapshotFolder[...]:
            var stem = file
            if stem.hasSuffix(SnapshotFormat.sidecarExtension) { stem.removeLast(SnapshotFormat.sidecarExtension.count) }
            guard stem.hasSuffix(SnapshotFormat.fileExtension) else { return false }
            return SnapshotFormat.seq(ofId: String(stem.dropLast(SnapshotFormat.fileExtension.count))) != nil
        default:
            return false
        }
    }
}
