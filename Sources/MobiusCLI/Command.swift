/// One `mobius-dhash` subcommand: parsed from its words first, then run.
///
/// Parsing throws `UsageError` and touches nothing; `run` does the work and returns the exit
/// status. Keeping them apart lets tests check parsing without side effects.
package protocol Command {
    /// The word that selects the command, e.g. `verify`.
    static var name: String { get }
    /// One line for `mobius-dhash help`.
    static var summary: String { get }
    /// Parses the words after the command name.
    init(arguments: inout ArgumentList) throws(UsageError)
    /// Does the work, writing to the given streams.
    func run(_ io: CommandIO) throws -> ExitStatus
}
