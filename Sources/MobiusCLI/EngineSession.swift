import MobiusCore

/// The option group of every command that changes the domain through the engine (`extract`,
/// `library add`, `lcm resolve`, `snapshot create`, `rollback`): the data folder and the journal
/// write options, and the one way such a command opens, uses and closes the engine.
struct EngineSession: Sendable {
    /// The group's arguments, for a command's `CommandSpec`.
    static let arguments: [any CommandArgument] = DataFolder.arguments + JournalWriteOptions.arguments

    /// Where the journal and snapshots are (`--data`).
    let data: DataFolder
    /// When appends are acknowledged, where segments are cut.
    let writing: JournalWriteOptions

    /// Reads the group's options from `arguments`.
    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        writing = JournalWriteOptions(arguments)
    }

    /// When a command's `close()` takes a snapshot.
    enum CloseSnapshot {
        /// Never (the command took the snapshot it needs, or changed nothing).
        case never
        /// When anything was folded since the newest snapshot: `serve` at shutdown, and a
        /// rollback or migration, so the next start does not replay through them.
        case whenAnythingFolded
        /// Once `manyEvents` follow the newest snapshot: the one-shot commands.
        ///
        /// A replay of that many at the next start takes about 17 ms (`bench replay`, one
        /// thread), while a snapshot of a million-image library takes 0.3 s and 75 MB: a shell
        /// loop running `extract` once per file wrote a whole snapshot per file. Past it, the
        /// next command to close takes one, so a start never replays much more.
        case onceManyEvents

        static let manyEvents: UInt64 = 10_000
    }

    /// The engine's configuration for the data folder. A command's own writes do not reach the
    /// automatic snapshot interval.
    func configuration(warn: @escaping @Sendable (String) -> Void) -> EngineConfiguration {
        var configuration = EngineConfiguration(dataDirectory: data.path) { journal in
            journal = writing.configuration(directory: data.journalDirectory)
        }
        configuration.warn = warn
        return configuration
    }

    /// Opens the engine (warnings go to standard error as `mobius-dhash <command>: …` lines, and
    /// `configure` may adjust the configuration first), runs `body`, and closes it whether `body`
    /// failed or not; the first failure is thrown.
    func run<T: Sendable>(_ io: CommandIO, commandPath: [String], closeSnapshot: CloseSnapshot = .onceManyEvents,
                          configure: (inout EngineConfiguration) -> Void = { _ in },
                          _ body: (Engine) async throws(CommandFailure) -> T) async throws(CommandFailure) -> T {
        try await runWhileOpening(io, commandPath: commandPath, closeSnapshot: closeSnapshot, configure: configure) {
            (_, opening) throws(CommandFailure) in try await body(try await opening.engine)
        }
    }

    /// As `run`, but `body` starts while the engine opens on a task of its own: it has the
    /// configuration at once and the engine once `opening.engine` returns, so work that needs no
    /// engine overlaps the open (`extract` reads and decodes its first files meanwhile).
    func runWhileOpening<T: Sendable>(_ io: CommandIO, commandPath: [String], closeSnapshot: CloseSnapshot = .onceManyEvents,
                                      configure: (inout EngineConfiguration) -> Void = { _ in },
                                      _ body: (EngineConfiguration, EngineOpening) async throws(CommandFailure) -> T) async throws(CommandFailure) -> T {
        try data.requireFolderForWriting()
        var configuration = configuration { line in io.printError(line, commandPath: commandPath) }
        configuration.snapshotsOnClose = closeSnapshot != .never
        configuration.closeSnapshotMinimum = closeSnapshot == .onceManyEvents ? CloseSnapshot.manyEvents : 1
        configure(&configuration)
        let opening = EngineOpening(configuration)
        let result: Result<T, CommandFailure>
        do {
            result = .success(try await body(configuration, opening))
        } catch {
            result = .failure(error)
        }
        // Opened or not, the open has ended: close what opened, or report why nothing did.
        switch await opening.task.value {
        case .success(let engine):
            do {
                try await engine.close()
            } catch {
                // Closing writes (the segment index, maybe a snapshot): a failure is a refused write.
                if case .success = result { throw CommandFailure(.checkFailed, CommandFailure(error).message) }
            }
        case .failure(let error):
            if case .success = result { throw CommandFailure(error) }
        }
        return try result.get()
    }
}

/// An engine being opened on a task of its own (`EngineSession.runWhileOpening`).
struct EngineOpening: Sendable {
    fileprivate let task: Task<Result<Engine, EngineError>, Never>

    fileprivate init(_ configuration: EngineConfiguration) {
        task = Task { Result { () throws(EngineError) in try Engine.open(configuration) } }
    }

    /// The engine, once open; the open's failure otherwise.
    var engine: Engine {
        get async throws(CommandFailure) {
            do {
                return try await task.value.get()
            } catch {
                throw CommandFailure(error)
            }
        }
    }
}

extension CommandFailure {
    /// The failure an engine error ends a command with. Exit 2 (`unreadableInput`/`usage`): a
    /// request the engine cannot act on (a bad value, something that does not exist, an image
    /// that does not decode or is over the size limit, a journal or snapshot that cannot be
    /// read). Exit 1 (`checkFailed`): a conflict, a refusal (a healthy service's rollback
    /// without --force), a failed integrity check, a closed engine.
    init(_ error: EngineError) {
        switch error.code {
        case .invalidRequest: self.init(.usage, error.message)
        case .notFound, .undecodable, .tooLarge, .journal, .snapshot: self.init(.unreadableInput, error.message)
        case .conflict, .refused, .integrity, .closed: self.init(.checkFailed, error.message)
        }
    }

    /// Runs `body`, turning an `EngineError` into the failure `init(_:)` gives.
    static func engine<T>(_ body: () throws(EngineError) -> T) throws(CommandFailure) -> T {
        do {
            return try body()
        } catch {
            throw CommandFailure(error)
        }
    }

    /// Awaits `body`, turning an `EngineError` into the failure `init(_:)` gives.
    static func awaiting<T>(_ body: () async throws(EngineError) -> T) async throws(CommandFailure) -> T {
        do {
            return try await body()
        } catch {
            throw CommandFailure(error)
        }
    }
}
