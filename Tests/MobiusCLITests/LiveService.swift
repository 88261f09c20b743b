import Foundation
import HTTP
@testable import MobiusCLI
import MobiusAPI
import MobiusCore
import POSIX
import TestSupport

/// The service as `serve` runs it (an engine over a temporary data folder, the MobiusAPI
/// routes, a real HTTP server on an ephemeral loopback port), with its admin token in a 0600
/// file, for the commands that talk to a running service (`smoke`, `monitor`).
final class LiveService: Sendable {
    let directory: TemporaryDirectory
    let engine: Engine
    let server: HTTPServer
    /// `http://127.0.0.1:PORT`.
    let url: String
    /// The token file, `DATA/admin-token`.
    let tokenFile: String
    static let token = String(repeating: "cd", count: 32)

    init(handler: (@Sendable (MobiusAPI, HTTPRequest) async -> HTTPResponse)? = nil) throws {
        directory = try TemporaryDirectory("mobius-live")
        tokenFile = directory.appending("admin-token")
        FileManager.default.createFile(atPath: tokenFile, contents: Data((Self.token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        var configuration = EngineConfiguration(dataDirectory: directory.path) { $0.durability = .none }
        configuration.snapshotsOnClose = false
        engine = try Engine.open(configuration)
        let api = MobiusAPI(engine: engine, imageRoots: ImageRoots([directory.path]), version: "test",
                            adminToken: AdminToken(value: Self.token, origin: "test"))
        server = try HTTPServer.start(HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { request in
            if let handler { return await handler(api, request) }
            return await api.handle(request)
        }
        url = "http://127.0.0.1:\(server.localAddress.port)"
    }

    /// A loopback port nothing listens on (bound by the kernel's choice, then released).
    static func unusedPort() throws -> UInt16 {
        let kernel = Kernel.live
        let probe = try kernel.makeSocket(.ipv4)
        defer { try? kernel.close(probe) }
        try kernel.bind(probe, to: .loopbackIPv4(port: 0))
        return try kernel.localAddress(of: probe).port
    }

    /// The options naming this service and its token file.
    var options: [String] { ["--url", url, "--admin-token-file", tokenFile] }

    func stop() async {
        await server.shutdown(gracePeriod: .milliseconds(200))
        try? await engine.close()
        directory.remove()
    }
}

/// Runs a blocking command on a thread of its own (it waits on sockets; the cooperative pool
/// must stay free for the in-process server's engine), its streams captured.
struct BlockingRun: Sendable {
    var status: MobiusCLI.ExitStatus
    var output: String
    var errors: String

    /// The output's lines.
    var lines: [String] { output.split(separator: "\n").map(String.init) }

    init(_ arguments: [String]) async {
        let result: (MobiusCLI.ExitStatus, String, String) = await withCheckedContinuation { continuation in
            Thread {
                let output = OutputBox(), errors = OutputBox()
                let io = CommandIO(out: { output.append($0) }, error: { errors.append($0) }, readLine: { nil })
                let status: MobiusCLI.ExitStatus
                switch Invocation(parsing: arguments.map { CommandWord($0) }, root: MobiusCommandLine.root) {
                case .run(let path, .blocking(let command)):
                    do throws(CommandFailure) {
                        status = try command.run(io)
                    } catch {
                        io.printError(error.line(commandPath: path))
                        status = error.exitStatus
                    }
                case .failure(let path, let failure):
                    io.printError(failure.line(commandPath: path))
                    status = failure.exitStatus
                case .help(let text):
                    io.print(text)
                    status = .success
                case .version, .run(_, .suspending):
                    preconditionFailure("BlockingRun runs blocking commands only")
                }
                continuation.resume(returning: (status, output.text, errors.text))
            }.start()
        }
        (status, output, errors) = result
    }
}

/// Text collected from one thread and read after it ends.
final class OutputBox: @unchecked Sendable {
    // @unchecked Sendable: written by the command's one thread, read after it has finished.
    private(set) var text = ""
    func append(_ more: String) { text += more }
}
