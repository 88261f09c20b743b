/// The `mobius-dhash` command line: picks the subcommand, runs it, maps failures to exit codes.
public enum MobiusCommandLine {
    /// Every subcommand, in the order `help` lists them.
    // nonisolated(unsafe): a constant array of metatypes, never mutated.
    nonisolated(unsafe) static let commands: [any Command.Type] = [
        HelpCommand.self,
        HashCommand.self,
        AppendCommand.self,
        InspectCommand.self,
        VerifyCommand.self,
        StatsCommand.self,
        BenchCommand.self,
    ]

    /// Runs the command named by `arguments` (without the program name) and returns its status.
    public static func main(_ arguments: [String]) -> ExitStatus {
        run(arguments, io: .standard)
    }

    /// Runs with the given streams; used by `main` and by tests.
    package static func run(_ arguments: [String], io: CommandIO) -> ExitStatus {
        guard let name = arguments.first else {
            io.printError("mobius-dhash: no command given; run 'mobius-dhash help' for the list")
            return .usageOrUnreadable
        }
        guard let type = commands.first(where: { $0.name == name }) else {
            io.printError("mobius-dhash: unknown command '\(name)'; run 'mobius-dhash help' for the list")
            return .usageOrUnreadable
        }
        var list = ArgumentList(Array(arguments.dropFirst()))
        do {
            let command = try type.init(arguments: &list)
            return try command.run(io)
        } catch let error as UsageError {
            io.printError("mobius-dhash \(name): \(error)")
            return .usageOrUnreadable
        } catch {
            io.printError("mobius-dhash \(name): \(error)")
            return .usageOrUnreadable
        }
    }
}

/// `mobius-dhash help`: lists the commands.
struct HelpCommand: Command {
    static let name = "help"
    static let summary = "list the commands"

    init(arguments: inout ArgumentList) throws(UsageError) { try arguments.finish() }

    func run(_ io: CommandIO) throws -> ExitStatus {
        io.print("usage: mobius-dhash <command> [options]   (--data DIR selects the data folder)")
        for command in MobiusCommandLine.commands {
            io.print("  " + command.name.padding(toLength: 10, withPad: " ", startingAt: 0) + command.summary)
        }
        return .success
    }
}
