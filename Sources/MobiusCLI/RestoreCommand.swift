import Journal
import MobiusCore

/// `mobius-dhash restore (--seq N | --at TIME) --to DIR [--dry-run]`: materialises the state at a
/// point in time as a new data folder — a verified journal prefix and a snapshot — leaving the
/// original untouched.
struct RestoreCommand: Command {
    static let target = Option<String>("--to", value: "DIR", help: "the new data folder (must not exist, or be empty)")
    static let dryRun = Flag("--dry-run", help: "print what would be restored and write nothing")

    static let spec = CommandSpec(
        "restore", summary: "write the state at --seq N or --at TIME into a new data folder (journal prefix + verified snapshot)",
        discussion: [
            "Copies events 1…N byte for byte up to the last whole commit at or before N (a commit holding N is rewritten to end at N, with its original timestamps), writes a snapshot of the state there, and checks the new folder as startup would: the snapshot verifies against the copied journal and a replay reproduces it. On any failure nothing is left in DIR. The service can then run with --data DIR.",
        ],
        arguments: [target, dryRun] + PointInTimeOptions.arguments,
        exits: [.checkFailed: "the restored folder did not verify (it was removed)", .usageOrUnreadable: "DIR is not empty, no journal, or --seq is past the head"])

    let point: PointInTimeOptions
    let target: String?
    let isDryRun: Bool

    init(_ arguments: ParsedArguments) {
        point = PointInTimeOptions(arguments)
        target = arguments.value(of: Self.target)
        isDryRun = arguments.isSet(Self.dryRun)
    }

    func validate() throws(CommandFailure) {
        try point.validate()
        guard point.seq != nil || point.time != nil else { throw .usage("give the point to restore: --seq N or --at TIME", argument: "--seq") }
        guard target != nil else { throw .usage("give the new data folder: --to DIR", argument: "--to") }
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        try point.data.requireJournal()
        var source = EngineConfiguration(dataDirectory: point.data.path)
        source.warn = { io.printError($0, commandPath: [Self.spec.name]) }
        let restore = PointInTimeRestore(source: source)
        let resolved: RestorePoint = point.time.map { .time($0) } ?? .seq(point.seq!)
        let plan = try CommandFailure.engine { () throws(EngineError) in try restore.plan(resolved, to: target!) }
        let projections = plan.state.projections
        let what = "events 1…\(plan.throughSeq) of \(plan.sourceHeadSeq) (library \(projections.library.count) image(s), \(projections.reviewQueue.open.count) open review item(s), state \(projections.stateHash.hex))"
        if isDryRun {
            io.print("would restore \(what) into \(Echoed(plan.target)); nothing written")
            return .success
        }
        let report = try CommandFailure.engine { () throws(EngineError) in try restore.run(plan) }
        io.print("restored \(what) into \(Echoed(plan.target))")
        if let frame = report.journal.rewrittenFrame {
            io.print("commit \(frame.lowerBound)…\(frame.upperBound) held seq \(plan.throughSeq): rewritten to end there, so the copy's chain differs from that frame on")
        }
        io.print("journal: \(report.journal.segmentCount) segment(s), head seq \(report.journal.headSeq), chain \(report.journal.chain.hex)")
        if let snapshot = report.snapshot { io.print("snapshot: \(snapshot.header.id) (verified, deep)") }
        return .success
    }
}
