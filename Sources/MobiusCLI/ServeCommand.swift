import Dispatch
import Foundation
import Glibc
import HTTP
import MobiusAPI
import MobiusCore
import POSIX

/// `mobius-dhash serve [--host H] [--port N] [--image-root DIR]… [--max-body SIZE]
/// [--shutdown-grace SEC]`: the HTTP service over the data folder's engine, until SIGTERM or
/// SIGINT; then it stops accepting, finishes requests in flight within the grace period,
/// flushes the journal, writes a snapshot and exits 0.
struct ServeCommand: AsyncCommand {
    static let host = Option<String>("--host", value: "HOST", help: "the IPv4 address to listen on", default: "127.0.0.1")
    static let port = Option.integer("--port", in: 0...65_535, default: 5001, help: "the TCP port (0: any free port, printed)")
    static let imageRoots = Option<String>("--image-root", value: "DIR", help: "a folder {\"imagePath\"} may read from; repeat for several",
                                           shownAs: "the current folder", repeatable: true)
    static let maxBody = Option<Int>.byteCount("--max-body", value: "SIZE", in: 1...(1 << 30), default: 64 << 20,
                                               help: "the largest request body accepted (413 beyond)")
    static let grace = Option.integer("--shutdown-grace", value: "SEC", in: 0...3_600, default: 10,
                                      help: "how long requests in flight may finish after SIGTERM/SIGINT")

    static let tokenFile = Option<String>("--admin-token-file", value: "FILE", help: "the admin token file (made with mode 0600 when missing); MOBIUS_ADMIN_TOKEN overrides it",
                                          shownAs: "DATA/admin-token")
    static let logDirectory = Option<String>("--log-dir", value: "DIR", help: "also write JSON log lines to files in DIR (rotated daily and by size, errors in their own file)")
    static let sampleInterval = Option.integer("--sample-interval", value: "SEC", in: 0...86_400, default: 10,
                                               help: "append a metric.sample event (RSS, connections, latencies) this often; 0 turns it off")
    static let accessLog = Flag("--access-log", help: "log every request (method, route, status, duration); without it only 5xx answers are logged")

    static let spec = CommandSpec(
        "serve", summary: "run the HTTP service (MOBIUS contract, projection queries) until SIGTERM or SIGINT",
        discussion: [
            "Prints 'listening on http://HOST:PORT' once it accepts connections. Log lines (JSON) go to standard error, those at info and above also into the journal as log.record events. Routes: GET / lists them; GET /health (503 when CRITICAL), GET /metrics/dhash, POST /api/dhash/extract, GET /api/library[/ID], GET /api/lcm[?status=all], GET /api/schema, /api/releases, /api/snapshots, GET /api/events (JSON Lines, follow=1 to tail), GET /metrics (Prometheus), POST /api/dhash/batch; the projection GETs take ?seq=N or ?at=TIME. Admin routes (POST /api/admin/snapshot, /api/admin/rollback, /api/admin/append, /api/admin/library, /api/admin/library/ID/remove, /api/lcm/ID/resolve) need Authorization: Bearer TOKEN. On SIGTERM or SIGINT it stops accepting, lets requests in flight finish within --shutdown-grace, closes the journal after a snapshot, and exits 0.",
        ],
        arguments: [host, port, imageRoots, maxBody, grace, tokenFile, logDirectory, accessLog, sampleInterval] + EngineSession.arguments,
        exits: [.checkFailed: "the journal could not be opened for writing (another writer holds it)", .usageOrUnreadable: "the address cannot be bound, or no data folder"])

    let session: EngineSession
    let host: String
    let port: Int
    let roots: [String]
    let maxBody: Int
    let grace: Int
    let tokenFile: String?
    let logDirectory: String?
    let logsEveryRequest: Bool
    let sampleInterval: Int

    init(_ arguments: ParsedArguments) {
        session = EngineSession(arguments)
        host = arguments[Self.host]
        port = arguments[Self.port]
        let given = arguments.values(of: Self.imageRoots)
        roots = given.isEmpty ? ["."] : given
        maxBody = arguments[Self.maxBody]
        grace = arguments[Self.grace]
        tokenFile = arguments.value(of: Self.tokenFile)
        logDirectory = arguments.value(of: Self.logDirectory)
        logsEveryRequest = arguments.isSet(Self.accessLog)
        sampleInterval = arguments[Self.sampleInterval]
    }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        for root in roots where ImageRoots([root]).realPaths.isEmpty {
            throw CommandFailure(.unreadableInput, "--image-root \(Echoed(root)) is not an existing folder; create it or name another")
        }
        try session.data.requireFolderForWriting()
        let token: AdminToken
        do {
            token = try AdminToken.load(environment: ProcessInfo.processInfo.environment, file: tokenFile ?? session.data.path + "/admin-token")
        } catch {
            throw CommandFailure(.unreadableInput, error.description)
        }
        var logging = Logger.Configuration(version: MobiusVersion.current)
        logging.logDirectory = logDirectory
        let journalLog = JournalLogSink()
        let logger: Logger
        do {
            logger = try Logger(configuration: logging, recordInJournal: { journalLog.record($0) })
        } catch {
            throw CommandFailure(.unreadableInput, "--log-dir \(Echoed(logDirectory ?? "")): \(error)")
        }
        let telemetry = ServiceTelemetry()
        let stop = SignalWaiter([SIGTERM, SIGINT])
        var configuration = MobiusAPI.serverConfiguration(host: host, port: UInt16(port))
        configuration.limits.bodyBytes = maxBody
        configuration.maxConnections = 1024
        let (host, roots, grace, logsEveryRequest, sampleInterval) = (host, roots, grace, logsEveryRequest, sampleInterval)
        return try await session.run(io, commandPath: [Self.spec.name], closeSnapshot: .whenAnythingFolded, configure: { engine in
            engine.observeAppend = { telemetry.observeAppend($0) }
            engine.kernel = Self.timingSyncs(of: engine.kernel, into: telemetry)
        }) { (engine) throws(CommandFailure) in
            journalLog.attach(engine)
            let api = MobiusAPI(engine: engine, imageRoots: ImageRoots(roots), version: MobiusVersion.current, adminToken: token,
                                telemetry: telemetry, logger: logger, logsEveryRequest: logsEveryRequest)
            let server: HTTPServer
            do {
                server = try HTTPServer.start(configuration) { request in await api.handle(request) }
            } catch {
                throw CommandFailure(.unreadableInput, "cannot listen on \(host):\(configuration.port): \(error)")
            }
            telemetry.countConnections { server.openConnectionCount }
            let address = "http://\(host):\(server.localAddress.port)"
            do throws(EngineError) {
                try engine.recordAdminURL(address)
            } catch {
                await server.shutdown(gracePeriod: .zero)
                throw CommandFailure(.checkFailed, "cannot record the admin URL in the journal's LOCK: \(error.message)")
            }
            logger.log(.info, "listening on \(address)", category: "lifecycle",
                       metadata: [("headSeq", .integer(Int64(engine.head.seq)))])
            io.print("listening on \(address) (admin token from \(token.origin); stop with SIGTERM or Ctrl-C)")
            let sampler = Task {
                guard sampleInterval > 0 else { return }
                while (try? await Task.sleep(for: .seconds(sampleInterval))) != nil {
                    _ = try? await engine.append([.metricSampled(telemetry.sample(engine: engine))])
                }
            }
            let signal = await stop.next()
            sampler.cancel()
            let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
            io.printError("got \(name): finishing requests in flight (up to \(grace) s), then a snapshot", commandPath: [Self.spec.name])
            await server.shutdown(gracePeriod: .seconds(grace))
            logger.log(.info, "stopped on \(name)", category: "lifecycle", metadata: [("headSeq", .integer(Int64(engine.head.seq)))])
            await journalLog.finish()
            return .success
        }
    }
}

extension ServeCommand {
    /// `kernel` with every `fdatasync` timed into `telemetry` (the journal's fsync histogram).
    static func timingSyncs(of kernel: Kernel, into telemetry: ServiceTelemetry) -> Kernel {
        var calls = kernel.calls
        let sync = calls.fdatasync
        calls.fdatasync = { fd in
            let start = ContinuousClock.now
            defer { telemetry.observeSync(ContinuousClock.now - start) }
            return sync(fd)
        }
        return Kernel(calls: calls)
    }
}

/// Waits for one of the given signals without a handler running in signal context: the
/// signals are ignored for their default action and delivered through Dispatch sources.
// @unchecked Sendable: the sources are set once in init and only cancelled in deinit.
final class SignalWaiter: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation

    init(_ signals: [Int32]) {
        (stream, continuation) = AsyncStream<Int32>.makeStream()
        let continuation = continuation
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// The next signal that arrives.
    func next() async -> Int32 {
        for await number in stream { return number }
        return SIGTERM
    }

    deinit { sources.forEach { $0.cancel() } }
}
