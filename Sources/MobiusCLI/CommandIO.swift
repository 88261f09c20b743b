import Foundation
import Synchronization

/// Where a command writes, so tests can capture its output without a process.
package final class CommandIO: @unchecked Sendable {
    // @unchecked Sendable: the two writers are called under `writing`, one line at a time,
    // from whichever thread prints (`extract` prints from its tasks, the engine's warnings
    // come from its own); `readLine` and `readAvailable` only from the command's own thread.
    private let writeOut: (String) -> Void
    private let writeError: (String) -> Void
    private let writing = Mutex(())
    /// Reads standard input line by line; nil at end of input.
    package let readLine: () -> String?
    /// Reads whatever standard input has ready (blocking until at least one byte); nil at end.
    /// Lets `append --stdin` commit lines that arrive together as one frame without waiting.
    package let readChunk: () -> [UInt8]?

    /// Streams wired to the given closures.
    /// `readChunk` defaults to one line (with its newline) per call from `readLine`.
    package init(out: @escaping (String) -> Void, error: @escaping (String) -> Void, readLine: @escaping () -> String?,
                 readChunk: (() -> [UInt8]?)? = nil) {
        self.writeOut = out
        self.writeError = error
        self.readLine = readLine
        self.readChunk = readChunk ?? { readLine().map { Array($0.utf8) + [0x0A] } }
    }

    /// The process's real standard output, error and input.
    ///
    /// A write that fails (a full disk, an I/O error) ends the process with status 2 after one
    /// line on standard error: output that was lost must not end in a success status, and
    /// `FileHandle.write` would trap instead. A closed pipe still ends it by SIGPIPE, as it
    /// ends `sha256sum`.
    package static let standard = CommandIO(
        out: { text in writeAll(text, to: STDOUT_FILENO) },
        error: { text in writeAll(text, to: STDERR_FILENO) },
        readLine: { Swift.readLine(strippingNewline: true) },
        readChunk: {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count > 0 { return Array(buffer[..<count]) }
                if count < 0 && errno == EINTR { continue }
                return nil
            }
        }
    )

    /// Writes all of `text` to `descriptor`, retrying interrupted and short writes; exits with
    /// status 2 on any other failure (see `standard`).
    private static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written >= 0 {
                bytes = bytes.dropFirst(written)
                continue
            }
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            if descriptor != STDERR_FILENO {
                let message = Array("mobius-dhash: cannot write to standard output: \(reason); free space or choose another destination\n".utf8)
                _ = message.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            }
            exit(ExitStatus.usageOrUnreadable.rawValue)
        }
    }

    /// Writes `line` and a newline to standard output.
    package func print(_ line: String) { writing.withLock { _ in writeOut(line + "\n") } }

    /// Writes `line` and a newline to standard error.
    package func printError(_ line: String) { writing.withLock { _ in writeError(line + "\n") } }

    /// Writes `mobius-dhash <command path>: <message>` to standard error as one line (see
    /// `CommandFailure.line(_:commandPath:)`): for problems that do not stop the command.
    package func printError(_ message: String, commandPath: [String]) {
        printError(CommandFailure.line(message, commandPath: commandPath))
    }
}
