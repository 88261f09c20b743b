import Foundation
import Synchronization

/// A program on `PATH` run as a test's peer (GNU `tar`, `sha256sum`, `gzip`): what it printed
/// and how it exited.
public struct ExternalTool: Sendable {
    /// Its exit status (a signal counts as -1).
    public var status: Int32
    /// Standard output.
    public var output: String
    /// Standard error.
    public var errors: String

    /// Runs `program arguments…` in `folder` (default: the test's working folder), with `input`
    /// as standard input, and waits for it.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], in folder: String? = nil, input: [UInt8] = []) throws -> ExternalTool {
        let (status, output, errors) = try execute(program, arguments, in: folder, input: input)
        return ExternalTool(status: status, output: String(decoding: output, as: UTF8.self), errors: String(decoding: errors, as: UTF8.self))
    }

    /// Like `run`, returning standard output as bytes (`gzip -dc`).
    public static func bytes(_ program: String, _ arguments: [String], in folder: String? = nil, input: [UInt8] = []) throws -> (status: Int32, output: [UInt8]) {
        let (status, output, _) = try execute(program, arguments, in: folder, input: input)
        return (status, [UInt8](output))
    }

    private static func execute(_ program: String, _ arguments: [String], in folder: String?, input: [UInt8]) throws -> (Int32, Data, Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        // Read both pipes and feed the input while the child runs, so no pipe fills and stalls it.
        let errorData = LockedData()
        Thread { errorData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }.start()
        Thread {
            if !input.isEmpty { stdin.fileHandleForWriting.write(Data(input)) }
            try? stdin.fileHandleForWriting.close()
        }.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return (process.terminationReason == .exit ? process.terminationStatus : -1, output, errorData.value)
    }
}

/// Data handed from a reader thread to the waiting test.
private final class LockedData: Sendable {
    private let data = Mutex<Data?>(nil)

    func set(_ value: Data) { data.withLock { $0 = value } }
    var isSet: Bool { data.withLock { $0 != nil } }
    var value: Data { data.withLock { $0 ?? Data() } }
}
