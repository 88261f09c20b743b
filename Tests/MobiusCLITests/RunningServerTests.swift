import Foundation
@testable import MobiusCLI
import MobiusCore
import POSIX
import TestSupport
import Testing

/// The server a write command finds in LOCK, when it does not answer.
@Suite struct RunningServerTests {
    /// A data folder whose journal an engine in this process holds, its LOCK naming `url`.
    static func held(recording url: (FileDescriptor) throws -> String, _ body: (RunningServer, DataFolder) throws -> Void) async throws {
        let directory = try TemporaryDirectory("mobius-running")
        defer { directory.remove() }
        var configuration = EngineConfiguration(dataDirectory: directory.path) { $0.durability = .none }
        configuration.snapshotsOnClose = false
        let engine = try Engine.open(configuration)
        let kernel = Kernel.live
        let listener = try kernel.makeSocket(.ipv4, isNonBlocking: false)
        defer { try? kernel.close(listener) }
        try engine.recordAdminURL(try url(listener))
        try Data("ab".utf8).write(to: URL(fileURLWithPath: directory.appending("admin-token")))
        chmod(directory.appending("admin-token"), 0o600)
        let data = DataFolder(path: directory.path)
        let server = try #require(RunningServer.holding(data))
        try body(server, data)
        try await engine.close()
    }

    // A server that accepts (the kernel completes the handshake) but never answers, as one
    // SIGSTOPped: the CLI said "did not answer", exit 1, and when the server went on it
    // recorded the write all the same — a person retrying would have recorded it twice.
    @Test func aStalledServerIsReportedAsMaybeDoneWithTheRequestIdToLookFor() async throws {
        try await Self.held(recording: { listener in
            let kernel = Kernel.live
            try kernel.bind(listener, to: .loopbackIPv4(port: 0))
            try kernel.listen(listener)
            return "http://127.0.0.1:\(try kernel.localAddress(of: listener).port)"
        }) { server, data in
            do throws(CommandFailure) {
                _ = try server.call("/api/admin/append", body: Array("{}".utf8), timeout: .milliseconds(300))
                Issue.record("a server that never answers answered")
            } catch {
                #expect(error.exitStatus == .checkFailed)
                #expect(error.message.contains("timed out") && error.message.contains("may still carry it out"), "\(error.message)")
                let requestId = error.message.range(of: "--request-id ").map { String(error.message[$0.upperBound...].prefix { $0 != "'" }) } ?? ""
                #expect(requestId.hasPrefix("cli-") && requestId.count == 36, "\(error.message)")
                #expect(error.message.contains("inspect --data \(data.path) --request-id \(requestId)"))
            }
        }
    }

    @Test func aServerThatIsGoneIsReportedAsNothingSent() async throws {
        try await Self.held(recording: { _ in "http://127.0.0.1:\(try LiveService.unusedPort())" }) { server, _ in
            do throws(CommandFailure) {
                _ = try server.call("/api/admin/append", body: Array("{}".utf8), timeout: .seconds(5))
                Issue.record("a refused connection answered")
            } catch {
                #expect(error.message.contains("connection refused") && error.message.contains("nothing was sent"), "\(error.message)")
                #expect(!error.message.contains("may still"))
            }
        }
    }
}
