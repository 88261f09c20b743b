import Imaging
import JSON
import MobiusCore

/// `mobius-dhash library add|list|show|remove`: the image library that extractions match against.
enum LibraryCommand {
    /// The `library` group and its subcommands.
    static let node = CommandNode.group(
        CommandSpec("library", summary: "the images extractions are matched against: add, list, show, remove",
                    exits: [.checkFailed: "a conflict (the id or the file is in the library already)"]),
        [.command(LibraryAddCommand.self), .command(LibraryListCommand.self), .command(LibraryShowCommand.self), .command(LibraryRemoveCommand.self)])
}

/// `library add [--id ID] [--source TEXT] FILE…`: fingerprints and adds images; prints each as JSON.
struct LibraryAddCommand: AsyncCommand {
    static let id = Option<String>("--id", value: "ID", help: "the image's id (one FILE only; 1–128 of A–Z a–z 0–9 . _ : -); default img-<seq>")
    static let source = Option<String>("--source", value: "TEXT", help: "where the image comes from (one FILE only); default: the file's path")
    static let files = Positional<String>("FILE", help: "the image files (PNG, PNM)", repeatable: true, required: true,
                                          whenMissing: "name the image files to add", invalidUTF8Advice: "rename the file")

    static let spec = CommandSpec(
        "add", summary: "fingerprint images and add them to the library; one JSON per image",
        discussion: [
            #"Prints {"id","source","sha256","hash","width","height","byteSize","format","addedSeq","addedAt"} per image added. The same file (by SHA-256) cannot be added twice; such a file, or one that cannot be read or decoded, gets one line on standard error and the others are still added."#,
        ],
        arguments: [id, source, files] + EngineSession.arguments,
        exits: [.checkFailed: "a file was in the library already, or the id is taken", .usageOrUnreadable: "a file could not be read or decoded"])

    let session: EngineSession
    let id: String?
    let source: String?
    let files: [String]

    init(_ arguments: ParsedArguments) {
        session = EngineSession(arguments)
        id = arguments.value(of: Self.id)
        source = arguments.value(of: Self.source)
        files = arguments.values(of: Self.files)
    }

    func validate() throws(CommandFailure) {
        if files.count > 1, id != nil || source != nil {
            throw .usage("--id and --source name one image; give one FILE with them, or leave them out", argument: id != nil ? "--id" : "--source")
        }
    }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        if let server = RunningServer.holding(session.data) { return try run(through: server, io) }
        let (files, id, source) = (files, id, source)
        let results = try await session.run(io, commandPath: ["library", "add"]) { engine in
            await (try? OrderedTasks.map(files, width: 4) { file -> Result<LibraryImage, EngineError> in
                do throws(EngineError) {
                    return .success(try await engine.addImage(path: file, id: id, source: source))
                } catch {
                    return .failure(error)
                }
            }) ?? []
        }
        var worst = ExitStatus.success
        for result in results {
            switch result {
            case .success(let image):
                io.print(JSONLine.value { image.writeObject(to: &$0) })
            case .failure(let error):
                let failure = CommandFailure(error)
                io.printError(failure.message, commandPath: ["library", "add"])
                if failure.exitStatus.rawValue > worst.rawValue { worst = failure.exitStatus }
            }
        }
        return worst
    }
}

/// `library list [--json] [--seq N|--at TIME]`: the library at a point in time.
struct LibraryListCommand: Command {
    static let asJSON = Flag("--json", help: "print one JSON object per image instead of the table")

    static let spec = CommandSpec(
        "list", summary: "list the library's images (at --seq N or --at TIME: as it was then)",
        discussion: ["Prints '<id>  <hash>  <width>x<height>  <source>' per image in the order they were added, then a count; --json prints one object per image."],
        arguments: [asJSON] + PointInTimeOptions.arguments,
        exits: [.usageOrUnreadable: "there is no journal, or it cannot be read"])

    let point: PointInTimeOptions
    let isJSON: Bool

    init(_ arguments: ParsedArguments) {
        point = PointInTimeOptions(arguments)
        isJSON = arguments.isSet(Self.asJSON)
    }

    func validate() throws(CommandFailure) { try point.validate() }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        let state = try point.state(io, commandPath: ["library", "list"])
        let images = state.projections.library.imagesInOrder
        for image in images {
            if isJSON {
                io.print(JSONLine.value { image.writeObject(to: &$0) })
            } else {
                io.print("\(image.id)  \(DifferenceHash(value: image.hash).hex)  \(image.width)x\(image.height)  \(Echoed.escapingControlCharacters(image.source))")
            }
        }
        if !isJSON { io.print("\(images.count) image(s) at seq \(state.projections.seq)") }
        return .success
    }
}

/// `library show ID [--seq N|--at TIME]`: one image as JSON.
struct LibraryShowCommand: Command {
    static let id = Positional<String>("ID", help: "the image's id", required: true, whenMissing: "name the image (library list shows the ids)")

    static let spec = CommandSpec(
        "show", summary: "print one library image as JSON (at --seq N or --at TIME: as it was then)",
        arguments: [id] + PointInTimeOptions.arguments,
        exits: [.usageOrUnreadable: "there is no such image, or no journal"])

    let point: PointInTimeOptions
    let id: String

    init(_ arguments: ParsedArguments) {
        point = PointInTimeOptions(arguments)
        id = arguments.values(of: Self.id)[0]
    }

    func validate() throws(CommandFailure) { try point.validate() }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        let state = try point.state(io, commandPath: ["library", "show"])
        guard let image = state.projections.library.image(withId: id) else {
            throw CommandFailure(.unreadableInput, "the library has no image \(Echoed(id)) at seq \(state.projections.seq); 'library list' shows the ids")
        }
        io.print(JSONLine.value { image.writeObject(to: &$0) })
        return .success
    }
}

/// `library remove ID [--reason TEXT]`.
struct LibraryRemoveCommand: AsyncCommand {
    static let id = Positional<String>("ID", help: "the image's id", required: true, whenMissing: "name the image (library list shows the ids)")
    static let reason = Option<String>("--reason", value: "TEXT", help: "why, recorded in the event")

    static let spec = CommandSpec(
        "remove", summary: "remove an image from the library (recorded; earlier states still hold it)",
        arguments: [id, reason] + EngineSession.arguments,
        exits: [.usageOrUnreadable: "there is no such image"])

    let session: EngineSession
    let id: String
    let reason: String?

    init(_ arguments: ParsedArguments) {
        session = EngineSession(arguments)
        id = arguments.values(of: Self.id)[0]
        reason = arguments.value(of: Self.reason)
    }

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        if let server = RunningServer.holding(session.data) { return try run(through: server, io) }
        let (id, reason) = (id, reason)
        try await session.run(io, commandPath: ["library", "remove"]) { (engine) throws(CommandFailure) in
            try await CommandFailure.awaiting { () throws(EngineError) in try await engine.removeImage(id: id, reason: reason) }
        }
        io.print("removed \(id)")
        return .success
    }
}
