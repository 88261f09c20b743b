import Foundation
import HTTP
import Integrity
import Journal
import MobiusAPI
import MobiusCore

/// Where a release goes.
enum DeployEnvironment: String, CaseIterable, Sendable { case staging, production }

/// `mobius-dhash deploy --env staging|production [--binary PATH] [--version V] [--dry-run]
/// [--skip-backup] [--health-timeout 30s]`: the guarded release (README "Deploy").
///
/// In order: verify the journal; write a verified snapshot (the rollback point) and a backup;
/// apply pending migrations; append `deployment.started` (snapshot, binary version and SHA-256,
/// the metrics baseline taken now) with `metrics.reset`; replace the server holding the journal
/// (SIGTERM to the pid in LOCK, start `--binary` with the same arguments, environment and
/// working folder, wait for `/health` 200); append `deployment.completed`. If the new server
/// fails its health gate: stop it, start the previous binary again, roll back to the snapshot
/// and append `deployment.failed` with the reason (exit 1). Without a server it records the
/// release offline. `--dry-run` prints every step and writes nothing at all.
struct DeployCommand: AsyncCommand {
    static let environment = Option<DeployEnvironment>.choice("--env", value: "ENV", help: "where the release goes")
    static let binary = Option<String>("--binary", value: "PATH", help: "the binary the server should run",
                                       shownAs: "the running server's (a restart)")
    static let version = Option<String>("--version", value: "V", help: "the version recorded", shownAs: "what BINARY --version prints")
    static let dryRun = Flag("--dry-run", help: "print every step it would take; write nothing, not even a log")
    static let skipBackup = Flag("--skip-backup", help: "do not write the pre-deploy backup (the snapshot is still taken)")
    static let healthTimeout = Option.duration("--health-timeout", in: .seconds(1)...Duration.seconds(600), default: .seconds(30),
                                               help: "how long the new server has to answer /health with 200")

    static let spec = CommandSpec(
        "deploy", summary: "release a binary: verify, snapshot, back up, migrate, replace the server, health-gate, roll back on failure",
        discussion: [
            "Backups go to DATA/backups/deploy-<id>.tar.gz; a started server's output goes to DATA/serve.log. Exit 1 when a check fails or the new server fails its health gate (it is then rolled back).",
        ],
        arguments: [environment, binary, version, dryRun, skipBackup, healthTimeout] + EngineSession.arguments,
        exits: [.checkFailed: "the journal does not verify, a migration failed, or the new server failed its health gate (rolled back)",
                .usageOrUnreadable: "an unknown environment, a binary that cannot be read or run"])

    let session: EngineSession
    let environment: DeployEnvironment?
    let binary: String?
    let version: String?
    let dryRun: Bool
    let skipBackup: Bool
    let healthTimeout: Duration

    init(_ arguments: ParsedArguments) {
        session = EngineSession(arguments)
        environment = arguments.value(of: Self.environment)
        binary = arguments.value(of: Self.binary)
        version = arguments.value(of: Self.version)
        dryRun = arguments.isSet(Self.dryRun)
        skipBackup = arguments.isSet(Self.skipBackup)
        healthTimeout = arguments[Self.healthTimeout]
    }

    func validate() throws(CommandFailure) {
        if environment == nil { throw .usage("give --env staging or --env production", argument: "--env") }
    }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        try session.data.requireFolderForWriting()
        let server = RunningServer.holding(session.data)
        let process = server.flatMap { _ in WriterLock.holder(directory: session.data.journalDirectory)?.pid }.flatMap(ServerProcess.inspect)
        if server != nil && process == nil {
            throw CommandFailure(.checkFailed, "a server holds the journal but its process cannot be read from /proc; run deploy as its user")
        }
        let candidate = binary ?? process?.executable ?? CommandLine.arguments[0]
        let release = try Release(binary: candidate, version: version)
        // The time says when; the random part keeps two deploys in one second apart.
        let id = "\(environment!.rawValue)-\(Self.compactTime())-\(Hex.random(byteCount: 3))"
        var deploy = Deployment(io: io, data: session.data, server: server, process: process, release: release, id: id,
                                environment: environment!, healthTimeout: healthTimeout)
        if dryRun {
            deploy.printPlan(skipBackup: skipBackup)
            return .success
        }
        return try await deploy.run(skipBackup: skipBackup, session: session)
    }

    /// `20261203T130501Z`.
    static func compactTime() -> String {
        String(Timestamp.iso8601(microseconds: JournalConfiguration.systemClock()).prefix(19)).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "") + "Z"
    }
}

/// The binary being released: its path, SHA-256 and version.
struct Release {
    let binary: String
    let sha256: String
    let version: String

    /// Reads `binary` (its SHA-256) and its version (`version`, else what `binary --version` prints).
    init(binary: String, version: String?) throws(CommandFailure) {
        guard let bytes = FileManager.default.contents(atPath: binary) else {
            throw CommandFailure(.unreadableInput, "cannot read the binary \(Echoed(binary)); name it with --binary")
        }
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw CommandFailure(.unreadableInput, "\(Echoed(binary)) is not executable; chmod +x it or name another with --binary")
        }
        self.binary = binary
        sha256 = SHA256.hash(Array(bytes)).hex
        if let version {
            self.version = version
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw CommandFailure(.unreadableInput, "cannot run \(Echoed(binary)) --version: \(error.localizedDescription); give --version V")
        }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let word = printed.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines), !word.isEmpty else {
            throw CommandFailure(.unreadableInput, "\(Echoed(binary)) --version did not print 'mobius-dhash VERSION'; give --version V")
        }
        self.version = word
    }
}
