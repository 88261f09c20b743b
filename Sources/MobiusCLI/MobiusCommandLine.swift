#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Runs the process's own command line and returns its status.
    ///
    /// An argument that is not valid UTF-8 (a file name in another encoding) is refused with one
    /// line: Swift's `CommandLine.arguments` replaces bad bytes with U+FFFD, which would name a
    /// file that does not exist and report it as missing.
    public static func main() -> ExitStatus {
        let raw = (0..<Int(CommandLine.argc)).dropFirst().map { index in
            CommandLine.unsafeArgv[index].map { Array(UnsafeBufferPointer(start: $0, count: strlen($0))).map(UInt8.init(bitPattern:)) } ?? []
        }
        if let problem = invalidUTF8Problem(in: raw) {
            CommandIO.standard.printError("mobius-dhash: \(problem)")
            return .usageOrUnreadable
        }
        return run(Array(CommandLine.arguments.dropFirst()), io: .standard)
    }

    /// Why `arguments` (raw bytes, without the program name) cannot be used as text: the first
    /// one that is not valid UTF-8, shown with its bad bytes replaced, and what to do; nil when
    /// all are valid.
    package static func invalidUTF8Problem(in arguments: [[UInt8]]) -> String? {
        guard let index = arguments.firstIndex(where: { String(validating: $0, as: UTF8.self) == nil }) else { return nil }
        let shown = EscapedFileName(String(decoding: arguments[index], as: UTF8.self)).text
        return "argument \(index + 1) ('\(shown)') is not valid UTF-8; rename the file, or pass its contents on standard input as '-'"
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
