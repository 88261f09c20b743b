import Foundation
import Testing

/// A `serve` child process of the built binary on an ephemeral loopback port, with
/// `MOBIUS_ADMIN_TOKEN` unset (its token is the data folder's file), started and read up to its
/// `listening on …` line.
final class ServeProcess {
    let process = Process()
    /// The line it printed first.
    let printed: String
    /// `http://127.0.0.1:PORT`.
    let url: String

    init(data: String, arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        try BuiltBinary.require(sourceLocation: sourceLocation)
        process.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        process.arguments = ["serve", "--data", data, "--port", "0"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "MOBIUS_ADMIN_TOKEN")
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                process.terminate()
                try #require(Bool(false), "serve ended before printing its address", sourceLocation: sourceLocation)
            }
            line += chunk
        }
        printed = String(decoding: line, as: UTF8.self)
        url = printed.split(separator: " ").dropFirst(2).first.map(String.init) ?? ""
    }

    deinit { if process.isRunning { process.terminate() } }

    /// Sends SIGTERM and waits; the exit status.
    func stop() -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return process.terminationStatus
    }
}
