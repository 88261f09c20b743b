/// A `mobius-dhash` command that can be parsed: its spec, how it is made from parsed
/// arguments, and the checks that need more than one argument.
///
/// The entry point scans the words against `spec`, makes the command with `init(_:)`, calls
/// `validate()`, and only then runs it; nothing before `run` may touch a file, so parsing can be
/// tested without side effects. Conform through `Command` or `AsyncCommand`.
package protocol ParsableCommand: Sendable {
    /// Name, summary, arguments and exit meanings, declared once.
    static var spec: CommandSpec { get }
    /// Reads the values (already converted and checked one by one) out of `arguments`.
    init(_ arguments: ParsedArguments)
    /// Checks what single values cannot: combinations, limits between options. Pure; throws
    /// `CommandFailure` (normally `.usage`). The default accepts everything.
    func validate() throws(CommandFailure)
}

extension ParsableCommand {
    package func validate() throws(CommandFailure) {}
}

/// A command that runs on the calling thread and blocks it until done.
package protocol Command: ParsableCommand {
    /// Does the work, writing to `io`; returns the exit status, or throws to end with the
    /// failure's status after its one line on standard error.
    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus
}

/// A long-running command (`serve`, `monitor`) that suspends instead of blocking: the entry
/// point awaits it from the top-level async main, so its awaits never hold a thread.
package protocol AsyncCommand: ParsableCommand {
    /// Does the work, writing to `io`; as `Command.run`.
    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus
}

/// A parsed command ready to run, blocking or async.
package enum RunnableCommand: Sendable {
    /// Run with `run(_:)` on the calling thread.
    case blocking(any Command)
    /// Run with `await run(_:)`.
    case suspending(any AsyncCommand)

    /// The command, whichever way it runs (tests inspect what was parsed through this).
    package var command: any ParsableCommand {
        switch self {
        case .blocking(let command): command
        case .suspending(let command): command
        }
    }
}

/// A node of the command tree: a command that runs, or a group of subcommands (`bench`, later
/// `snapshot`, `library`, `migrate`) selected by the next word.
package struct CommandNode: Sendable {
    /// The node's name, summary and (for a runnable command) arguments.
    package let spec: CommandSpec
    /// The subcommands of a group; empty for a runnable command.
    package let children: [CommandNode]
    /// Makes the runnable command from its arguments; nil for a group.
    let make: (@Sendable (ParsedArguments) -> RunnableCommand)?

    /// A group: `name` followed by one of `children`.
    package static func group(_ spec: CommandSpec, _ children: [CommandNode]) -> CommandNode {
        precondition(spec.arguments.isEmpty && !children.isEmpty, "a group has subcommands and no arguments of its own")
        precondition(Set(children.map(\.spec.name)).count == children.count, "\(spec.name) has two subcommands of one name")
        return CommandNode(spec: spec, children: children, make: nil)
    }

    /// A blocking command.
    package static func command<C: Command>(_ type: C.Type) -> CommandNode {
        CommandNode(spec: C.spec, children: [], make: { .blocking(C($0)) })
    }

    /// An async command.
    package static func command<C: AsyncCommand>(_ type: C.Type) -> CommandNode {
        CommandNode(spec: C.spec, children: [], make: { .suspending(C($0)) })
    }

    /// Whether this is a group of subcommands.
    package var isGroup: Bool { make == nil }

    /// The subcommand named `name`.
    package func child(named name: String) -> CommandNode? {
        children.first { $0.spec.name == name }
    }

    /// The node at `path` below this one (`["bench", "journal"]`); nil when there is none.
    package func descendant(at path: some Collection<String>) -> CommandNode? {
        guard let first = path.first else { return self }
        return child(named: first)?.descendant(at: path.dropFirst())
    }

    /// Every runnable command below this node with its path, depth first in declaration order.
    package var runnableCommands: [(path: [String], node: CommandNode)] {
        children.flatMap { child in
            child.isGroup ? child.runnableCommands.map { ([child.spec.name] + $0.path, $0.node) } : [([child.spec.name], child)]
        }
    }
}
