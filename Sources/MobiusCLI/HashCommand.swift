import Foundation
import Imaging

/// `mobius-dhash hash [--json] [--size N] [--workers N] [--max-pixels N] FILE…`: prints each file's dHash.
///
/// Output is `<hex>  <file>` per line, like `sha256sum`, or with `--json` one JSON object per
/// line: `{"file","hash","hash_base64","bits","width","height","format"}`. Files are hashed by
/// `--workers` threads (default: one per core) and printed in argument order. A file that cannot
/// be hashed gets one line on standard error; the others still print, and the exit status is 2.
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
    /// Images above this many pixels are refused (default 100 million).
    let limits: DecodingLimits

    init(arguments: inout ArgumentList) throws(UsageError) {
        isJSON = arguments.flag("--json")
        size = try arguments.integer("--size", in: 2...64) ?? 8
        workers = try arguments.integer("--workers", in: 1...256) ?? ProcessInfo.processInfo.activeProcessorCount
        var limits = DecodingLimits()
        if let maxPixels = try arguments.integer("--max-pixels", in: 1...(1 << 40)) { limits.maxPixelCount = maxPixels }
        self.limits = limits
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
                io.print(isJSON ? Self.json(fingerprint, file: files[index]) : "\(fingerprint.hash.hex)  \(files[index])")
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
