import Foundation
import Imaging

/// `mobius-dhash hash [--json] [--size N] [--workers N] [--max-pixels N] FILE…`: prints each file's dHash.
///
/// Output is `<hex>  <file>` per line, like `sha256sum` (a name holding a backslash, LF or CR is
/// escaped and its line starts with `\`, as `sha256sum` does: see `EscapedFileName`), or with
/// `--json` one JSON object per line: `{"file","hash","hash_base64","bits","width","height","format"}`.
/// Files are hashed by `--workers` threads (default: one per core) and printed in argument order.
/// A file that cannot be hashed gets one line on standard error; the others still print, and the
/// exit status is 2.
struct HashCommand: Command {
    static let name = "hash"
    static let summary = "print the dHash of image files (PNG, PNM; '-' reads standard input)"

    /// Files to hash, `-` for standard input.
    let files: [String]
    /// Print JSON Lines instead of `<hex>  <file>`.
    let isJSON: Bool
    /// ImageHash's `hash_size`.
    let size: Int
    /// Threads hashing files at once.
    let workers: Int
    /// Images above `--max-pixels` pixels (default 100 million) are refused; PNG image data may
    /// inflate to what the largest image within that limit needs (see `DecodingLimits.allowing`).
    let limits: DecodingLimits

    init(arguments: inout ArgumentList) throws(UsageError) {
        isJSON = arguments.flag("--json")
        size = try arguments.integer("--size", in: 2...64) ?? 8
        workers = try arguments.integer("--workers", in: 1...256) ?? ProcessInfo.processInfo.activeProcessorCount
        // The decompressed-size limit scales with the pixel limit, or a 16-bit RGBA image above
        // 134 Mpx would hit the default 1 GiB even with --max-pixels raised for it.
        limits = try arguments.integer("--max-pixels", in: 1...(1 << 40)).map(DecodingLimits.allowing(pixels:)) ?? DecodingLimits()
        files = try arguments.remainingPositionals()
        guard !files.isEmpty else { throw UsageError("hash needs at least one FILE ('-' for standard input)") }
        guard files.filter({ $0 == "-" }).count <= 1 else { throw UsageError("'-' (standard input) can be given only once") }
    }

    func run(_ io: CommandIO) throws -> ExitStatus {
        var hasFailed = false
        ParallelMap.run(count: files.count, workers: workers) { index in
            ImageFileReader.fingerprint(path: files[index], size: size, limits: limits)
        } deliver: { index, result in
            switch result {
            case .success(let fingerprint):
                io.print(isJSON ? Self.json(fingerprint, file: files[index]) : EscapedFileName(files[index]).line(hex: fingerprint.hash.hex))
            case .failure(let failure):
                hasFailed = true
                io.printError("mobius-dhash hash: \(failure)")
            }
        }
        return hasFailed ? .usageOrUnreadable : .success
    }

    /// One JSON Lines record.
    static func json(_ fingerprint: Fingerprint, file: String) -> String {
        let hash = fingerprint.hash
        return "{\"file\":\(JSONText.quoted(file)),\"hash\":\"\(hash.hex)\",\"hash_base64\":\"\(hash.base64)\","
            + "\"bits\":\(hash.size * hash.size),\"width\":\(fingerprint.width),\"height\":\(fingerprint.height),"
            + "\"format\":\"\(fingerprint.format.rawValue)\"}"
    }
}
