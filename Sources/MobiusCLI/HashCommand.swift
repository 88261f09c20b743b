import Foundation
import Imaging

/// `mobius-dhash hash [--json] [--size N] [--workers N] [--max-pixels N] FILE…`: prints each file's dHash.
///
/// Output is `<hex>  <file>` per line, like `sha256sum` (a name holding a backslash, LF or CR is
/// escaped and its line starts with `\`, as `sha256sum` does: see `EscapedFileName`), or with
/// `--json` one JSON object per line: `{"file","hash","hash_base64","bits","width","height","format"}`.
/// Files are hashed by `--workers` threads (default: one per core) and printed in argument order.
/// A file that cannot be hashed gets one line on standard error; the others still print, and the
/// exit status is 2. Takes no `--data`: it reads only the files it is given.
struct HashCommand: Command {
    static let asJSON = Flag("--json", help: #"print one JSON object per file: {"file","hash","hash_base64","bits","width","height","format"}"#)
    static let size = Option.integer("--size", in: 2...64, default: 8, help: "ImageHash's hash_size: the hash has N×N bits")
    static let workers = Option.integer("--workers", in: 1...256, default: ProcessInfo.processInfo.activeProcessorCount,
                                        shownAs: "one per core", help: "files hashed at once, each on its own thread")
    // The decompressed-size limit scales with the pixel limit, or a 16-bit RGBA image above
    // 134 Mpx would hit the default 1 GiB even with --max-pixels raised for it.
    static let maxPixels = Option.integer("--max-pixels", in: 1...(1 << 40), default: DecodingLimits().maxPixelCount,
                                          help: "refuse images with more pixels than this; PNG data may inflate to what the largest such image needs")
    static let files = Positional<String>(
        "FILE", help: "the image files, printed in this order; '-' reads standard input (at most once)",
        repeatable: true, required: true, whenMissing: "name the image files to hash, or '-' for standard input",
        invalidUTF8Advice: "rename the file, or pass its contents on standard input as '-'")

    static let spec = CommandSpec(
        "hash", summary: "print the dHash of image files (PNG, PNM; '-' reads standard input)",
        discussion: [
            "Prints '<hex>  <file>' per file, like sha256sum: a name holding a backslash, LF or CR is escaped (\\\\, \\n, \\r) and its line starts with a backslash. Files are hashed in parallel and printed in argument order. A file that cannot be hashed gets one line on standard error; the others still print.",
        ],
        arguments: [asJSON, size, workers, maxPixels, files],
        exits: [.checkFailed: "not used by hash", .usageOrUnreadable: "a file could not be read or decoded (the others still print)"])

    /// Files to hash, `-` for standard input.
    let files: [String]
    /// Print JSON Lines instead of `<hex>  <file>`.
    let isJSON: Bool
    /// ImageHash's `hash_size`.
    let size: Int
    /// Threads hashing files at once.
    let workers: Int
    /// Images above `--max-pixels` pixels are refused; PNG image data may inflate to what the
    /// largest image within that limit needs (see `DecodingLimits.allowing`).
    let limits: DecodingLimits

    init(_ arguments: ParsedArguments) {
        files = arguments.values(of: Self.files)
        isJSON = arguments.isSet(Self.asJSON)
        size = arguments[Self.size]
        workers = arguments[Self.workers]
        limits = DecodingLimits.allowing(pixels: arguments[Self.maxPixels])
    }

    func validate() throws(CommandFailure) {
        guard files.filter({ $0 == "-" }).count <= 1 else {
            throw .usage("'-' (standard input) can be given only once", argument: "FILE")
        }
    }

    func run(_ io: CommandIO) -> ExitStatus {
        var hasFailed = false
        ParallelMap.run(count: files.count, workers: workers) { index in
            ImageFileReader.fingerprint(path: files[index], size: size, limits: limits)
        } deliver: { index, result in
            switch result {
            case .success(let fingerprint):
                io.print(isJSON ? Self.jsonLine(fingerprint, file: files[index]) : EscapedFileName(files[index]).line(hex: fingerprint.hash.hex))
            case .failure(let failure):
                hasFailed = true
                io.printError("\(failure)", commandPath: [Self.spec.name])
            }
        }
        return hasFailed ? .usageOrUnreadable : .success
    }

    /// One JSON Lines record.
    static func jsonLine(_ fingerprint: Fingerprint, file: String) -> String {
        let hash = fingerprint.hash
        return JSONLine.object { json in
            json.write(file, forKey: "file")
            json.write(hash.hex, forKey: "hash")
            json.write(hash.base64, forKey: "hash_base64")
            json.write(hash.size * hash.size, forKey: "bits")
            json.write(fingerprint.width, forKey: "width")
            json.write(fingerprint.height, forKey: "height")
            json.write(fingerprint.format.rawValue, forKey: "format")
        }
    }
}
