/// What a command declares about itself: its name, its one-line summary and longer discussion
/// for help, every argument it takes, and what its exit statuses mean.
///
/// Parsing (`ArgumentScanner`), help (`HelpText`) and README's command table all read this one
/// value, so what a command accepts and what it says it accepts cannot drift apart.
package struct CommandSpec: Sendable {
    /// The word that selects the command (`verify`; `journal` under `bench`).
    package let name: String
    /// One line for command lists, without a final period.
    package let summary: String
    /// Paragraphs for the command's own help, each wrapped by help.
    package let discussion: [String]
    /// Options, flags and positionals, in the order usage and help list them.
    package let arguments: [ArgumentSpec]
    /// What exit statuses 1 and 2 (and 0, if it needs saying) mean for this command, beyond the
    /// general meaning help always prints.
    package let exitDetails: [ExitStatus: String]

    /// A spec; `precondition`s reject declarations the scanner could not honour.
    ///
    /// - Parameters:
    ///   - arguments: the typed handles (and option groups' handles), in help order.
    ///   - exits: command-specific meanings of exit statuses, e.g. `[.checkFailed: "damage found"]`.
    package init(_ name: String, summary: String, discussion: [String] = [], arguments: [any CommandArgument] = [],
                 exits: [ExitStatus: String] = [:]) {
        let specs = arguments.map(\.spec)
        let names = specs.map(\.name)
        precondition(Set(names).count == names.count, "\(name) declares an argument twice: \(names)")
        precondition(!names.contains { CommandSpec.reservedNames.contains($0) }, "\(name) declares a reserved option")
        let positionals = specs.filter { $0.kind == .positional }
        precondition(positionals.dropLast().allSatisfy { !$0.isRepeatable }, "only the last positional of \(name) may repeat")
        precondition(!zip(positionals, positionals.dropFirst()).contains { !$0.isRequired && $1.isRequired },
                     "a required positional of \(name) follows an optional one")
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.arguments = specs
        self.exitDetails = exits
    }

    /// Options every command answers without declaring them: help. (`--version` is answered
    /// only before a command, so a command may declare it: `deploy --version V`.)
    package static let reservedNames: Set<String> = ["--help", "-h"]

    /// The options and flags, in declaration order.
    package var options: [ArgumentSpec] { arguments.filter { $0.kind != .positional } }

    /// The positionals, in the order their words come.
    package var positionals: [ArgumentSpec] { arguments.filter { $0.kind == .positional } }

    /// The option or flag spelled `name` (`--type`); nil when the command has none.
    package func option(named name: String) -> ArgumentSpec? {
        options.first { $0.name == name }
    }

    /// Whether `argument` is one of this command's declarations.
    package func declares(_ argument: some CommandArgument) -> Bool {
        arguments.contains { $0.name == argument.spec.name && $0.kind == argument.spec.kind }
    }
}
