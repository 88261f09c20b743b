/// The `mobius-dhash` command line: the command tree, and the entry point that parses a command
/// line, runs what it asks for and maps failures to exit statuses.
public enum MobiusCommandLine {
    /// Every command, in the order help lists them. A group (`bench`, `library`, `lcm`,
    /// `snapshot`) holds subcommands.
    package static let root = CommandNode.group(
        CommandSpec(
            "mobius-dhash", summary: "dHash image fingerprints, kept in a compressed, hash-chained journal",
            exits: [.checkFailed: "damage found, a line skipped", .usageOrUnreadable: "a bad argument, no journal, an unreadable file"]),
        [
            .command(HelpCommand.self),
            .command(HashCommand.self),
            .command(ExtractCommand.self),
            LibraryCommand.node,
            ReviewQueueCommand.node,
            .command(ReplayCommand.self),
            .command(RestoreCommand.self),
            SnapshotCommand.node,
            .command(RollbackCommand.self),
            MigrateCommand.node,
            BackupCommand.node,
            .command(DeployCommand.self),
            .command(ServeCommand.self),
            .command(MonitorCommand.self),
            .command(SmokeCommand.self),
            .command(AppendCommand.self),
            .command(InspectCommand.self),
            .command(VerifyCommand.self),
            .command(StatsCommand.self),
            BenchCommand.node,
        ])

    /// Runs the process's own command line and returns its exit status.
    ///
    /// First of all it makes sure descriptors 0, 1 and 2 are open (see `StandardDescriptors`).
    /// Called from the executable's top-level code, so it runs on the main actor: blocking
    /// commands block the main thread, never a thread of the cooperative pool, and async commands
    /// are awaited, leaving the main actor free while they suspend.
    @MainActor
    public static func main() async -> ExitStatus {
        guard StandardDescriptors.ensureOpen() else { return .usageOrUnreadable }
        return await run(CommandWord.processArguments(), io: .standard)
    }

    /// Runs `arguments` (without the program name) with the given streams; for tests.
    package static func run(_ arguments: [String], io: CommandIO, root: CommandNode = root,
                            isolation: isolated (any Actor)? = #isolation) async -> ExitStatus {
        await run(arguments.map { CommandWord($0) }, io: io, root: root)
    }

    /// Parses `words` and does what they ask: prints help or the version, or runs the command
    /// (a blocking one on the caller's executor, an async one awaited), printing any failure as
    /// one line on standard error.
    package static func run(_ words: [CommandWord], io: CommandIO, root: CommandNode = root,
                            isolation: isolated (any Actor)? = #isolation) async -> ExitStatus {
        switch Invocation(parsing: words, root: root) {
        case .help(let text):
            io.print(text)
            return .success
        case .version:
            io.print("mobius-dhash \(MobiusVersion.current)")
            return .success
        case .failure(let path, let failure):
            io.printError(failure.line(commandPath: path))
            return failure.exitStatus
        case .run(let path, .blocking(let command)):
            do {
                return try command.run(io)
            } catch {
                io.printError(error.line(commandPath: path))
                return error.exitStatus
            }
        case .run(let path, .suspending(let command)):
            do {
                return try await command.run(io)
            } catch {
                io.printError(error.line(commandPath: path))
                return error.exitStatus
            }
        }
    }
}
