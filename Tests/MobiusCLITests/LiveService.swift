import Foundation
import HTTP
@testable import MobiusCLI
import MobiusCore
import POSIX
import TestSupport
import Testing

/// The service for the commands that talk to one (`smoke`, `monitor`): the built `serve` as a
/// child process over a temporary data folder, on an ephemeral loopback port, with its admin
/// token in `DATA/admin-token` (0600). A process of its own, so that a busy test process (the
/// whole suite runs in one) cannot starve the service's engine; tests read its state over HTTP.
final class LiveService: @unchecked Sendable {
    // @unchecked Sendable: every property is set once in init; `Process` is only signalled and waited on.
    let directory: TemporaryDirectory
    /// `http://127.0.0.1:PORT`.
    let url: String
    /// The token file, `DATA/admin-token`.
    let tokenFile: String
    static let token = String(repeating: "cd", count: 32)
    private let process: Process

    init() throws {
        try BuiltBinary.require()
        directory = try TemporaryDirectory("mobius-live")
        tokenFile = directory.appending("admin-token")
        guard FileManager.default.createFile(atPath: tokenFile, contents: Data((Self.token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure(.checkFailed, "cannot write the token file \(tokenFile)")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        process.arguments = ["serve", "--data", directory.path, "--port", "0", "--image-root", directory.path, "--durability", "none"]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "MOBIUS_ADMIN_TOKEN")
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                process.terminate()
                throw CommandFailure(.checkFailed, "serve ended before printing its address")
            }
            line += chunk
        }
        let printed = String(decoding: line, as: UTF8.self)
        url = printed.split(separator: " ").dropFirst(2).first.map(String.init) ?? ""
    }

    /// The options naming this service and its token file.
    /// A loaded machine (the whole suite runs in parallel) may take seconds per request: the
    /// checks under test are about answers, not speed.
    var options: [String] { ["--url", url, "--admin-token-file", tokenFile, "--timeout", "60s"] }

    /// A client of the service.
    func client() throws -> HTTPClient { HTTPClient(endpoint: try HTTPEndpoint(parsing: url)) }

    /// `POST path` with the admin token.
    func admin(_ path: String, body: [UInt8] = [], contentType: String = "application/json") throws -> HTTPClientResponse {
        try client().post(path, body: body, contentType: contentType, fields: ["Authorization": "Bearer \(Self.token)"])
    }

    /// The JSON answer of `GET path`.
    func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(client().get(path).body)) as? [String: Any])
    }

    /// How many events of `type` the journal holds.
    func eventCount(_ type: String) throws -> Int {
        try client().get("/api/events?type=\(type)").body.split(separator: 0x0A).count
    }

    /// SIGTERM, wait, remove the folder.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        directory.remove()
    }

    /// A loopback port nothing listens on (bound by the kernel's choice, then released).
    static func unusedPort() throws -> UInt16 {
        let kernel = Kernel.live
        let probe = try kernel.makeSocket(.ipv4)
        defer { try? kernel.close(probe) }
        try kernel.bind(probe, to: .loopbackIPv4(port: 0))
        return try kernel.localAddress(of: probe).port
    }
}

/// An in-process server in front of a `LiveService` that passes every request on and rewrites
/// the answers for one path: a service whose answers are wrong in a chosen way.
final class TamperingProxy: Sendable {
    let server: HTTPServer
    /// `http://127.0.0.1:PORT` of the proxy.
    let url: String

    init(to target: String, path: String, status: Int?, rewrite: @escaping @Sendable (String) -> String) throws {
        let endpoint = try HTTPEndpoint(parsing: target)
        // The handler runs on the server's worker threads, so its blocking client waits there.
        server = try HTTPServer.start(HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { request in
            var fields: HTTPFields = [:]
            for name in ["Content-Type", "Authorization", "X-Request-Id"] { if let value = request.fields[name] { fields.append(name: name, value: value) } }
            guard let answer = try? HTTPClient(endpoint: endpoint).send(request.method, request.target, fields: fields, body: request.body) else {
                return HTTPResponse(status: .serviceUnavailable, text: "the service behind the proxy did not answer")
            }
            let tampered = request.path == path
            let body = tampered ? Array(rewrite(answer.text).utf8) : answer.body
            return HTTPResponse(status: tampered ? status.map { HTTPStatus(code: $0) } ?? answer.status : answer.status,
                                fields: ["Content-Type": answer.fields["Content-Type"] ?? "application/json"], body: .bytes(body))
        }
        url = "http://127.0.0.1:\(server.localAddress.port)"
    }

    func stop() async { await server.shutdown(gracePeriod: .milliseconds(200)) }
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
