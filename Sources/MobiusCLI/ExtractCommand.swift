import Foundation
import JSON
import MobiusCore
import POSIX
import Synchronization

/// `mobius-dhash extract [--workers N] FILE…`: fingerprints each image, matches it against the
/// library and records the result in the journal; prints one result JSON per file, in argument
/// order, each as soon as the files before it are printed.
///
/// Each file appends `extraction.completed` (with `lcm.enqueued` in the same commit when the
/// match is low-confidence) or `extraction.failed`; concurrent files share group commits. A
/// file that cannot be read or decoded is recorded as a failure, printed as `{"error",…}` and
/// noted on standard error; the others still go on, and the exit status is 2.
struct ExtractCommand: AsyncCommand {
    static let workers = Option.integer("--workers", in: 1...256, default: ProcessInfo.processInfo.activeProcessorCount,
                                        shownAs: "one per core",
                                        help: "tasks reading and decoding files, two files at a time each (fewer tasks if the open-file limit is too low for that); each file is recorded once ready, so the journal's order may differ from the arguments' (the printed lines keep theirs)")
    static let files = Positional<String>(
        "FILE", help: "the image files (PNG, PNM), printed in this order", repeatable: true, required: true,
        whenMissing: "name the image files to extract", invalidUTF8Advice: "rename the file")

    static let spec = CommandSpec(
        "extract", summary: "fingerprint images, match them against the library, record each result; one JSON per file",
        discussion: [
            #"Prints per file {"hash","hash_base64","hash_alg","bits","width","height","format","confidence","match","lowConfidence","duration_ms","requestId","timestamp","seq","source","sha256","byteSize"} and "reviewItemId" when the match went to the review queue (confidence below 0.8; an empty library matches nothing, confidence 0). A file that cannot be read or decoded prints {"error","kind","source","seq",…}: the failure is recorded too."#,
        ],
        arguments: [workers, files] + EngineSession.arguments,
        exits: [
            .checkFailed: "the journal refused a write (the files recorded before it are printed)",
            .usageOrUnreadable: "a file could not be read or decoded (recorded as a failure; the others still go on), or no data folder",
        ])

    let session: EngineSession
    let workers: Int
    let files: [String]

    init(_ arguments: ParsedArguments) {
        session = EngineSession(arguments)
        workers = arguments[Self.workers]
        files = arguments.values(of: Self.files)
    }

    /// Descriptors left for the journal, snapshots and standard streams beside the image files.
    static let descriptorsBesideFiles = 32

    /// `asked` workers, or fewer (at least one) when their two open files each would not fit
    /// in `openFileLimit` beside `descriptorsBesideFiles`: running out would fail the files, or
    /// the journal's next segment, with EMFILE.
    static func workers(_ asked: Int, openFileLimit: Int?) -> Int {
        guard let openFileLimit else { return asked }
        return max(1, min(asked, (openFileLimit - descriptorsBesideFiles) / 2))
    }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        if let server = RunningServer.holding(session.data) { return try run(through: server, io) }
        let files = files
        let limit = Kernel.live.openFileLimit, workers = Self.workers(workers, openFileLimit: limit)
        if workers < self.workers, let limit {
            io.printError("using \(workers) workers, not \(self.workers): each holds two files open, and this process may open \(limit) (raise it with ulimit -n)",
                          commandPath: [Self.spec.name])
        }
        // The first files are read and decoded while the engine opens; each waits for it only to be matched.
        return try await session.runWhileOpening(io, commandPath: [Self.spec.name]) { (configuration, opening) throws(CommandFailure) in
            // Each line is printed once every earlier file's is, before the engine closes: what
            // was recorded shows even if the process is stopped, or closing fails.
            let worst = Mutex(ExitStatus.success)
            do {
                try await OrderedTasks.map(files, workers: workers, preparer: { claim in
                    Engine.scanFiles(configuration: configuration) { claim().map { ($0.index, $0.element) } }
                }, finish: { scanned -> Result<ExtractionOutcome, EngineError> in
                    let engine = try await opening.engine
                    do throws(EngineError) {
                        return .success(try await engine.record(engine.prepareExtraction(scanned)))
                    } catch {
                        return .failure(error)
                    }
                }, deliver: { index, outcome in
                    let status = Self.report(outcome, of: files[index], io)
                    worst.withLock { if Self.severity(status) > Self.severity($0) { $0 = status } }
                })
            } catch let error as CommandFailure {
                throw error
            } catch {
                throw CommandFailure(.checkFailed, "\(error)")
            }
            return worst.withLock { $0 }
        }
    }

    /// Prints the result line of `file`, and a line on standard error if it failed: 1 when the
    /// journal refused its record, 2 when it could not be read or decoded, else 0.
    static func report(_ outcome: Result<ExtractionOutcome, EngineError>, of file: String, _ io: CommandIO) -> ExitStatus {
        switch outcome {
        case .success(let outcome):
            io.print(JSONLine.value { outcome.writeObject(to: &$0) })
            guard case .failure(let failure) = outcome.result else { return .success }
            // Read failures name the path already; a decoder's reason does not.
            io.printError(failure.kind == .undecodable ? "\(file): \(failure.event.reason)" : failure.event.reason, commandPath: [spec.name])
            return .usageOrUnreadable
        case .failure(let error):
            io.printError("\(file): not recorded: \(error.message)", commandPath: [spec.name])
            return .checkFailed
        }
    }

    /// Which status the whole run ends with when files end with several: a refused record (1)
    /// over a file that could not be read (2) over success.
    private static func severity(_ status: ExitStatus) -> Int {
        switch status {
        case .checkFailed: 2
        case .usageOrUnreadable: 1
        case .success: 0
        }
    }
}
