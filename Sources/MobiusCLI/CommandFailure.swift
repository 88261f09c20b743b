import MobiusCore
/// Why a command could not do what was asked: the one error type of the command line, and the
/// one place failures become exit statuses.
///
/// `message` says what is wrong and what to do (`--type needs a value; got the option
/// '--stdin'`); the entry point prints it as one line on standard error, led by the command
/// (`mobius-dhash append: …`) and, for usage errors, followed by where to read more
/// (`(see 'mobius-dhash help append')`).
package struct CommandFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, which fixes the exit status.
    package enum Code: Sendable, Equatable {
        /// The command was called wrongly: unknown or repeated options, bad values, missing
        /// arguments. Exit status 2.
        case usage
        /// Input the command needs could not be read: no journal, a file that is not one, a
        /// segment that cannot be opened. Exit status 2.
        case unreadableInput
        /// The command ran and what it checked failed: damage found, the journal refused the
        /// write. Exit status 1.
        case checkFailed
    }

    /// What kind of failure.
    package var code: Code
    /// What is wrong and what to do, one line (echoed input already passed through `Echoed`).
    package var message: String
    /// The option or argument concerned (`--type`, `FILE`), when there is one.
    package var argument: String?

    /// A failure of kind `code`.
    package init(_ code: Code, _ message: String, argument: String? = nil) {
        self.code = code
        self.message = message
        self.argument = argument
    }

    /// A usage error (exit status 2).
    package static func usage(_ message: String, argument: String? = nil) -> CommandFailure {
        CommandFailure(.usage, message, argument: argument)
    }

    /// Runs `body`, turning whatever it throws (a `JournalError`, a file error) into a failure
    /// of kind `code` whose message is the error's description.
    package static func catching<T>(as code: Code, _ body: () throws -> T) throws(CommandFailure) -> T {
        do {
            return try body()
        } catch {
            throw CommandFailure(code, "\(error)")
        }
    }

    /// The exit status this failure ends the process with.
    package var exitStatus: ExitStatus {
        switch code {
        case .usage, .unreadableInput: .usageOrUnreadable
        case .checkFailed: .checkFailed
        }
    }

    package var description: String { message }

    /// The line printed on standard error for this failure of the command at `commandPath`
    /// (`["bench", "journal"]`; empty for the top level): `mobius-dhash bench journal: …`, and for
    /// usage errors ` (see 'mobius-dhash help bench journal')` after it.
    package func line(commandPath: [String]) -> String {
        let help = (["mobius-dhash", "help"] + commandPath).joined(separator: " ")
        return CommandFailure.line(message + (code == .usage ? " (see '\(help)')" : ""), commandPath: commandPath)
    }

    /// `mobius-dhash <command path>: <message>`, with control characters anywhere escaped as a
    /// last guard, so a message quoting something unescaped (a journal error naming an event
    /// type) still prints as one line. Every error and note on standard error is such a line.
    package static func line(_ message: String, commandPath: [String]) -> String {
        Echoed.escapingControlCharacters((["mobius-dhash"] + commandPath).joined(separator: " ") + ": " + message)
    }
}
