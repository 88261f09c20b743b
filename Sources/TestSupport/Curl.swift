import Foundation

/// The real `curl` (installed by `tools/require-curl`) as a test's HTTP client. The async forms
/// wait on a thread of their own (see `onOwnThread`); the blocking ones are for tests already
/// off the cooperative pool.
public enum Curl {
    /// What `curl -s --max-time 10 ARGUMENTS…` printed on standard output.
    public static func run(_ arguments: [String]) async throws -> String {
        try await onOwnThread { try runBlocking(arguments) }
    }

    /// The body and the status code of one request (`-w '\n%{http_code}'`).
    public static func call(_ arguments: [String]) async throws -> (body: String, status: Int) {
        try await onOwnThread { try callBlocking(arguments) }
    }

    /// `run`, blocking the calling thread.
    public static func runBlocking(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "--max-time", "10"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    /// `call`, blocking the calling thread.
    public static func callBlocking(_ arguments: [String]) throws -> (body: String, status: Int) {
        let output = try runBlocking(["-w", "\n%{http_code}"] + arguments)
        guard let newline = output.lastIndex(of: "\n") else { return (output, 0) }
        return (String(output[..<newline]), Int(output[output.index(after: newline)...]) ?? 0)
    }
}
