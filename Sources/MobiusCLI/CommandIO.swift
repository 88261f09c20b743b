import Foundation

/// Where a command writes, so tests can capture its output without a process.
package final class CommandIO: @unchecked Sendable {
    // @unchecked Sendable: the closures are only called from the command's own thread, and
    // the standard-stream ones make one `write` call per line.
    private let writeOut: (String) -> Void
    private let writeError: (String) -> Void
    /// Reads standard input line by line; nil at end of input.
    package let readLine: () -> String?

    /// Streams wired to the given closures.
    package init(out: @escaping (String) -> Void, error: @escaping (String) -> Void, readLine: @escaping () -> String?) {
        self.writeOut = out
        self.writeError = error
        self.readLine = readLine
    }

    /// The process's real standard output, error and input.
    package static let standard = CommandIO(
        out: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        error: { text in FileHandle.standardError.write(Data(text.utf8)) },
        readLine: { Swift.readLine(strippingNewline: true) }
    )

    /// Writes `line` and a newline to standard output.
    package func print(_ line: String) { writeOut(line + "\n") }

    /// Writes `line` and a newline to standard error.
    package func printError(_ line: String) { writeError(line + "\n") }
}
