// The snapshot file format, version 1. `SnapshotStore` writes and reads exactly this.
//
// FOLDER  (default `<data>/snapshots`)
//   <seq, 20 digits>-<state SHA-256, first 16 hex digits>.snapshot   the snapshot
//   <same name>.snapshot.sha256                                      its sidecar
//   The name's stem (`00000000000000001000-3f2a…`) is the snapshot's id. Two snapshots at one
//   seq differ only if the code's projections differ (a new projection version), so the state
//   hash in the name keeps them apart.
//
// FILE
//   line 1   `MOBIUS-SNAPSHOT 1` and a newline: magic and format version
//   line 2   the header, one canonical JSON object (keys sorted, no whitespace) and a newline:
//              {"chain":"<64 hex: the journal's chain value after the frame ending at seq>",
//               "projections":{"<name>":<version>,…},
//               "seq":<last seq folded in>,
//               "stateBytes":<length of the state>,
//               "stateSha256":"<64 hex: SHA-256 of the state bytes>",
//               "timestamp":"<ISO 8601 UTC of event seq>",
//               "timestampMicros":<the same, µs since the epoch>}
//   then     exactly `stateBytes` bytes: the canonical encoding of the projections at seq
//            (two replays of one journal give byte-identical state): their JSON with the
//            library's images left out, a newline, and the library's image table
//            (ProjectionSet+Coding.swift, LibraryImageTable.swift; library projection v3)
//   Nothing follows the state. The header is at most 64 KiB.
//
// SIDECAR  `<file name>.sha256`: `<SHA-256 of the whole file, 64 lowercase hex>  <file name>`
//   and a newline — the `sha256sum` format, so `sha256sum -c` checks it from the folder. Written
//   (and synced) after the file is complete and synced: a snapshot without a sidecar that
//   matches is incomplete and never used.
//
// VERIFIED  (DESIGN.md) the sidecar matches the file, the header's state hash matches the state,
//   the chain value matches the journal at `seq`, and — deep — replaying the journal to `seq`
//   reproduces the same state hash. Verification against the journal is the engine's job; this
//   layer checks the file on its own. Startup and time travel check the sidecar but not the
//   state hash again (the sidecar's hash covers the header that holds it); `snapshot verify`
//   and the targets of rollback and restore check both.

/// Constants of the snapshot format; see the specification at the top of this file.
package enum SnapshotFormat {
    /// Line 1 of every snapshot file, newline included.
    package static let magicLine: [UInt8] = Array("MOBIUS-SNAPSHOT 1\n".utf8)
    /// The format version this code writes and reads.
    package static let version = 1
    /// Longest header line accepted.
    package static let maxHeaderBytes = 64 << 10
    /// Snapshot file name extension.
    package static let fileExtension = ".snapshot"
    /// Sidecar extension, after the snapshot's own.
    package static let sidecarExtension = ".sha256"

    /// The id (file stem) of a snapshot at `seq` whose state hashes to `stateHex`.
    package static func id(seq: UInt64, stateHex: String) -> String {
        let digits = String(seq)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "-" + stateHex.prefix(16)
    }

    /// The seq in a snapshot id, or nil if `id` is not one.
    package static func seq(ofId id: String) -> UInt64? {
        let bytes = Array(id.utf8)
        guard bytes.count == 37, bytes[20] == UInt8(ascii: "-"),
              bytes[..<20].allSatisfy({ (0x30...0x39).contains($0) }),
              bytes[21...].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return UInt64(String(decoding: bytes[..<20], as: UTF8.self))
    }
}
