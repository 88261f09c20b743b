import Journal
import MobiusBench
import MobiusCore

/// `mobius-dhash backup create|verify|restore`: verified `.tar.gz` backups of a data folder
/// (format in Sources/MobiusCore/Backup/BackupFormat.swift).
enum BackupCommand {
    /// The `backup` group and its subcommands.
    static let node = CommandNode.group(
        CommandSpec("backup", summary: "backups of the data folder as .tar.gz with a sha256sum sidecar: create, verify, restore",
                    exits: [.checkFailed: "a backup does not verify, or the journal is damaged"]),
        [.command(BackupCreateCommand.self), .command(BackupVerifyCommand.self), .command(BackupRestoreCommand.self)])

    /// The failure a backup error ends a command with: exit 1 for a failed check or a failed
    /// write, exit 2 for a request that cannot be carried out or input that cannot be read.
    static func failure(_ error: BackupError) -> CommandFailure {
        switch error.code {
        // Not a usage error: the words were right, the files are not (no pointer to help).
        case .invalidRequest, .unreadable: CommandFailure(.unreadableInput, error.message)
        case .mismatch, .io: CommandFailure(.checkFailed, error.message)
        }
    }

    /// Runs `body`, turning a `BackupError` into the failure `failure(_:)` gives.
    static func running<T>(_ body: () throws(BackupError) -> T) throws(CommandFailure) -> T {
        do {
            return try body()
        } catch {
            throw failure(error)
        }
    }

    /// The `FILE` argument of `verify` and `restore`.
    static func archive(_ whenMissing: String) -> Positional<String> {
        Positional<String>("FILE", help: "the archive; FILE.sha256 must be beside it", required: true, whenMissing: whenMissing,
                           invalidUTF8Advice: "rename the file")
    }
}

/// `backup create --out FILE [--data DIR]`.
struct BackupCreateCommand: Command {
    static let out = Option<String>(required: "--out", value: "FILE", help: "the archive to write (FILE.sha256 is written beside it); relative to the working folder",
                                    whenMissing: "name the archive to write, e.g. --out backups/mobius-$(date +%F).tar.gz",
                                    invalidUTF8Advice: "choose a UTF-8 file name")

    static let spec = CommandSpec(
        "create", summary: "write the journal, its indexes, the snapshots and a manifest into a .tar.gz, and FILE.sha256 beside it",
        discussion: [
            "The journal is captured up to the last frame written when the backup starts, each frame checked (CRC, chain from seq 1) as it is copied, so the backup is consistent while a server keeps appending. The archive is ustar (GNU tar reads it) gzipped; FILE.sha256 is in sha256sum format, so 'sha256sum -c FILE.sha256' passes in FILE's folder. Both are written under temporary names, fsynced and renamed into place before success is printed. LOCK, quarantine/ and the admin token are never included.",
        ],
        arguments: [out] + DataFolder.arguments,
        exits: [
            .checkFailed: "the journal is damaged before its head, or writing failed (nothing is left under FILE)",
            .usageOrUnreadable: "FILE or FILE.sha256 exists or its folder does not, or there is no journal",
        ])

    let data: DataFolder
    let output: String

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        output = arguments.value(of: Self.out)!
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        try data.requireJournal()
        var creator = BackupCreator(dataDirectory: data.path, output: output, toolVersion: MobiusVersion.current)
        creator.warn = { io.printError($0, commandPath: ["backup", "create"]) }
        let report = try BackupCommand.running { () throws(BackupError) in try creator.run() }
        let manifest = report.manifest
        io.print("backup written: \(Echoed(report.path)) (\(Measure.grouped(Double(report.byteCount))) bytes, sha256 \(report.sha256.hex)) and \(Echoed(report.sidecarPath))")
        io.print("journal: head seq \(manifest.headSeq), chain \(manifest.chain.hex), \(manifest.segmentCount) segment(s); \(manifest.snapshotCount) snapshot(s); \(manifest.files.count) file(s), \(Measure.grouped(Double(report.tarByteCount))) bytes uncompressed")
        return .success
    }
}

/// `backup verify FILE`.
struct BackupVerifyCommand: Command {
    static let file = BackupCommand.archive("name the archive to verify")

    static let spec = CommandSpec(
        "verify", summary: "check a backup: its sidecar, every manifest hash, and the journal and snapshots inside",
        discussion: [
            "Checks, in order, and names the first mismatch: FILE.sha256 against FILE; the gzip stream and every tar header; every member against manifest.json (size and SHA-256, nothing missing or extra); then, extracted into a temporary folder ($TMPDIR, removed afterwards), the journal as 'verify --deep' checks it, ending at the manifest's head seq and chain, and every snapshot's sidecar and chain.",
        ],
        arguments: [file],
        exits: [
            .success: "the backup verified",
            .checkFailed: "something does not match (the message names it)",
            .usageOrUnreadable: "FILE or FILE.sha256 cannot be read, or FILE is not a backup",
        ])

    let archive: String

    init(_ arguments: ParsedArguments) { archive = arguments.values(of: Self.file).first! }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        let verification = try BackupCommand.running { () throws(BackupError) in try BackupVerifier(archive: archive).run() }
        for note in verification.notes { io.printError(note, commandPath: ["backup", "verify"]) }
        let manifest = verification.manifest
        io.print("verified: \(Echoed(archive)) (\(Measure.grouped(Double(verification.byteCount))) bytes, sha256 \(verification.sha256.hex)), made \(Timestamp.iso8601(microseconds: manifest.createdAt)) on \(Echoed(manifest.host)) by mobius-dhash \(Echoed(manifest.toolVersion))")
        io.print("\(manifest.files.count) file(s) match manifest.json; journal: \(verification.journal.segmentCount) segment(s), \(verification.journal.eventCount) event(s), head seq \(manifest.headSeq), chain \(manifest.chain.hex) (deep); \(verification.verifiedSnapshotCount) of \(manifest.snapshotCount) snapshot(s) verified")
        return .success
    }
}

/// `backup restore FILE --to DIR [--force]`.
struct BackupRestoreCommand: Command {
    static let file = BackupCommand.archive("name the archive to restore")
    static let target = Option<String>(required: "--to", value: "DIR", help: "the data folder to restore into (new or empty, unless --force)",
                                       whenMissing: "name the data folder to restore into", invalidUTF8Advice: "choose a UTF-8 folder name")
    static let force = Flag("--force", help: "restore into a DIR that holds data: its journal/ and snapshots/ are renamed *.replaced-<time>, never deleted")

    static let spec = CommandSpec(
        "restore", summary: "restore a backup into a data folder, verified before it is put in place and again after",
        discussion: [
            "Extracts FILE into a staging folder beside DIR (inside it with --force), fsyncing every file, and verifies it as 'backup verify' does; only then moves it into place, and verifies the journal and snapshots again where they now lie. A DIR that is not empty is refused unless --force; a journal a running server holds is always refused. Files in DIR other than journal/ and snapshots/ (the admin token, logs) are left alone.",
        ],
        arguments: [target, force, file],
        exits: [
            .checkFailed: "the backup does not verify (nothing is put in place), or writing failed",
            .usageOrUnreadable: "DIR is not empty (without --force) or held by a server, or FILE cannot be read",
        ])

    let archive: String
    let target: String
    let replacesExisting: Bool

    init(_ arguments: ParsedArguments) {
        archive = arguments.values(of: Self.file).first!
        target = arguments.value(of: Self.target)!
        replacesExisting = arguments.isSet(Self.force)
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        var restorer = BackupRestorer(archive: archive, target: target)
        restorer.replacesExisting = replacesExisting
        let report = try BackupCommand.running { () throws(BackupError) in try restorer.run() }
        for note in report.notes { io.printError(note, commandPath: ["backup", "restore"]) }
        for folder in report.movedAside { io.print("moved aside: \(Echoed(folder))") }
        let manifest = report.manifest
        io.print("restored \(Echoed(archive)) into \(Echoed(report.target)): journal \(report.journal.segmentCount) segment(s), head seq \(report.journal.headSeq), chain \(report.journal.chain.hex); \(report.verifiedSnapshotCount) of \(manifest.snapshotCount) snapshot(s); verified before and after")
        return .success
    }
}
