import Dispatch
import Glibc
import HTTP
import MobiusAPI
import MobiusCore

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

    static let spec = CommandSpec(
        "serve", summary: "run the HTTP service (MOBIUS contract, projection queries) until SIGTERM or SIGINT",
        discussion: [
            "Prints 'listening on http://HOST:PORT' once it accepts connections. Routes: GET / lists them; GET /health (503 when CRITICAL), GET /metrics/dhash, POST /api/dhash/extract, GET /api/library[/ID], GET /api/lcm[?status=all]; the GETs take ?seq=N or ?at=TIME. On SIGTERM or SIGINT it stops accepting, lets requests in flight finish within --shutdown-grace, closes the journal after a snapshot, and exits 0.",
        ],
        arguments: [host, port, imageRoots, maxBody, grace] + EngineSession.arguments,
        exits: [.checkFailed: "the journal could not be opened for writing (another writer holds it)", .usageOrUnreadable: "the address cannot be bound, or no data folder"])

    let session: EngineSession
    let host: String
    let port: Int
    let roots: [String]
    let maxBody: Int
    let grace: Int

    init(_ arguments: ParsedArguments) {
        session = EngineSession(arguments)
        host = arguments[Self.host]
        port = arguments[Self.port]
        let given = arguments.values(of: Self.imageRoots)
        roots = given.isEmpty ? ["."] : given
        maxBody = arguments[Self.maxBody]
        grace = arguments[Self.grace]
    }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        for root in roots where ImageRoots([root]).realPaths.isEmpty {
            throw CommandFailure(.unreadableInput, "--image-root \(Echoed(root)) is not an existing folder; create it or name another")
        }
        let stop = SignalWaiter([SIGTERM, SIGINT])
        var configuration = HTTPServerConfiguration(host: host, port: UInt16(port))
        configuration.limits.bodyBytes = maxBody
        configuration.maxConnections = 256
        let (host, roots, grace) = (host, roots, grace)
        return try await session.run(io, commandPath: [Self.spec.name]) { (engine) throws(CommandFailure) in
            let api = MobiusAPI(engine: engine, imageRoots: ImageRoots(roots), version: MobiusVersion.current)
            let server: HTTPServer
            do {
                server = try HTTPServer.start(configuration) { request in await api.handle(request) }
            } catch {
                throw CommandFailure(.unreadableInput, "cannot listen on \(host):\(configuration.port): \(error)")
            }
            io.print("listening on http://\(host):\(server.localAddress.port)")
            let signal = await stop.next()
            io.printError("got \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): finishing requests in flight (up to \(grace) s), then a snapshot", commandPath: [Self.spec.name])
            await server.shutdown(gracePeriod: .seconds(grace))
            return .success
        }
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
