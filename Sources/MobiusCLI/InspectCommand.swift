import Journal

/// `mobius-dhash inspect`: prints events as JSON Lines in the envelope of DESIGN.md.
///
/// Filters combine (AND); `--type` may repeat (OR among types). Exit status: 0 when the journal
/// was read to its end (a torn tail is noted on standard error: it is a crash artefact the next
/// write-open recovers); 1 when corruption stopped the read (the events before it were printed);
/// 2 for bad arguments or no journal.
struct InspectCommand: Command {
    static let name = "inspect"
    static let summary = "print events as JSON Lines (--type, --since, --until, --from-seq, --to-seq, --request-id, --limit, --follow)"

    /// Where the journal is (`--data`).
    let location: JournalLocation
    /// Which events to print; the options combine with AND, repeated `--type`s with OR.
    let filter: EventFilter
    /// Stop after this many events (`--limit`); nil prints all.
    let limit: Int?
    /// Keep waiting for new events after the end, like `tail -f` (`--follow`).
    let isFollowing: Bool

    init(arguments: inout ArgumentList) throws(UsageError) {
        location = try JournalLocation(arguments: &arguments)
        var filter = EventFilter()
        filter.types = Set(try arguments.values("--type"))
        filter.since = try InspectCommand.time(&arguments, "--since")
        filter.until = try InspectCommand.time(&arguments, "--until")
        if let from = try arguments.integer("--from-seq", in: 1...Int.max) { filter.fromSeq = UInt64(from) }
        filter.toSeq = try arguments.integer("--to-seq", in: 1...Int.max).map(UInt64.init)
        filter.requestId = try arguments.option("--request-id")
        limit = try arguments.integer("--limit", in: 1...Int.max)
        isFollowing = arguments.flag("--follow")
        try arguments.finish()
        if let to = filter.toSeq, to < filter.fromSeq { throw UsageError("--to-seq \(to) is before --from-seq \(filter.fromSeq)") }
        if let since = filter.since, let until = filter.until, until < since { throw UsageError("--until is before --since") }
        self.filter = filter
    }

    private static func time(_ arguments: inout ArgumentList, _ name: String) throws(UsageError) -> UInt64? {
        guard let text = try arguments.option(name) else { return nil }
        guard let value = Timestamp.parse(text) else {
            throw UsageError("\(name) takes an ISO 8601 time such as 2026-11-27T10:15:03Z, not '\(text)'")
        }
        return value
    }

    func run(_ io: CommandIO) throws -> ExitStatus {
        try location.requireExistingJournal()
        var printed = 0
        let summary = try JournalReader(directory: location.journalDirectory).read(filter, follow: isFollowing) { event in
            io.print(String(decoding: event.envelopeJSON(), as: UTF8.self))
            printed += 1
            return limit.map { printed < $0 } ?? true
        }
        guard let damage = summary.damage else { return .success }
        if damage.isTornTail {
            io.printError("mobius-dhash inspect: note: \(damage)")
            return .success
        }
        io.printError("mobius-dhash inspect: stopped at damage: \(damage)")
        return .checkFailed
    }
}
