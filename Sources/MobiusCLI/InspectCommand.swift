import Journal
import MobiusCore

/// `mobius-dhash inspect`: prints events as JSON Lines in the envelope of DESIGN.md.
///
/// Filters combine (AND); `--type` may repeat (OR among types). Exit status: 0 when the journal
/// was read to its end (a torn tail is noted on standard error: it is a crash artefact the next
/// write-open recovers); 1 when corruption stopped the read (the events before it were printed);
/// 2 for bad arguments or no journal. With `--follow` it is async: it waits for new events on
/// the journal's follower thread, suspended, and ends at `--limit` or when its task is
/// cancelled.
struct InspectCommand: AsyncCommand {
    static let types = Option<String>("--type", value: "T", help: "only events of this type; repeat for several (any of them)", repeatable: true)
    static let since = Option.time("--since", help: "only events stamped at or after this time")
    static let until = Option.time("--until", help: "only events stamped at or before this time")
    static let fromSeq = Option.integer("--from-seq", in: 1...Int.max, help: "only events with seq N or later")
    static let toSeq = Option.integer("--to-seq", in: 1...Int.max, help: "only events with seq N or earlier")
    static let requestId = Option<String>("--request-id", value: "R", help: "only events of this request")
    static let limit = Option.integer("--limit", in: 1...Int.max, help: "stop after N events")
    static let follow = Flag("--follow", help: "after the last event, wait for new ones and print them as they come, like tail -f")

    static let spec = CommandSpec(
        "inspect", summary: "print events as JSON Lines, filtered by type, time, seq or request",
        discussion: [
            #"Each line is {"seq":42,"ts":"2026-11-27T10:15:03.123456Z","type":"…","v":1,"requestId":"…","data":{…}} (requestId only when present). Filters combine: an event is printed when it passes every one given. A torn tail (a crash artefact the next append recovers) is noted on standard error."#,
            "With --follow, inspect waits at the end of the journal (and at a torn tail, which a writer may still be writing) and prints events as they are appended, by this process or another, until it is interrupted or --limit events are printed; corruption ends it with exit status 1.",
            "Event types this version knows: " + knownTypeNames.joined(separator: ", ") + ". Other types (written by a newer version, or by append) are kept and printed; --type with an unknown name still filters, with a note naming the nearest known type.",
            "TIME is ISO 8601: 2026-11-27, 2026-11-27T10:15Z, 2026-11-27T11:15:03.5+01:00 (no zone: UTC). Days and times that do not exist are refused; a leap second counts only as 23:59:60 UTC, read as the last microsecond of that day.",
        ],
        arguments: [types, since, until, fromSeq, toSeq, requestId, limit, follow] + DataFolder.arguments,
        exits: [
            .checkFailed: "corruption stopped the read (everything before it was printed)",
            .usageOrUnreadable: "there is no journal, or it cannot be read",
        ])

    /// Where the journal is (`--data`).
    let data: DataFolder
    /// Which events to print; the options combine with AND, repeated `--type`s with OR.
    let filter: EventFilter
    /// Stop after this many events (`--limit`); nil prints all.
    let limit: Int?
    /// Keep waiting for new events after the end, like `tail -f` (`--follow`).
    let isFollowing: Bool

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        var filter = EventFilter()
        filter.types = Set(arguments.values(of: Self.types))
        filter.since = arguments.value(of: Self.since)
        filter.until = arguments.value(of: Self.until)
        if let from = arguments.value(of: Self.fromSeq) { filter.fromSeq = UInt64(from) }
        filter.toSeq = arguments.value(of: Self.toSeq).map(UInt64.init)
        filter.requestId = arguments.value(of: Self.requestId)
        self.filter = filter
        limit = arguments.value(of: Self.limit)
        isFollowing = arguments.isSet(Self.follow)
    }

    func validate() throws(CommandFailure) {
        if let to = filter.toSeq, to < filter.fromSeq {
            throw .usage("--to-seq \(to) is before --from-seq \(filter.fromSeq); swap them", argument: "--to-seq")
        }
        if let since = filter.since, let until = filter.until, until < since {
            throw .usage("--until is before --since; swap them", argument: "--until")
        }
    }

    /// The domain's event types, sorted.
    static let knownTypeNames = DomainEvent.knownTypes.map { $0.type }.sorted()

    func run(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        try data.requireJournal()
        for type in filter.types.sorted() where !Self.knownTypeNames.contains(type) {
            let nearest = NameSuggestion.nearest(to: type, among: Self.knownTypeNames).map { "; did you mean \($0)?" } ?? ""
            io.printError("note: \(Echoed(type)) is not an event type this version knows (filtering by it anyway)\(nearest)", commandPath: [Self.spec.name])
        }
        if isFollowing { return try await follow(io) }
        return try await DedicatedThread.run { () throws(CommandFailure) in try readToEnd(io) }
    }

    /// Prints what the journal holds now (blocking the calling thread).
    private func readToEnd(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        var printed = 0
        let summary = try CommandFailure.catching(as: .unreadableInput) {
            try JournalReader(directory: data.journalDirectory).read(filter) { event in
                io.print(String(decoding: event.envelopeJSON(), as: UTF8.self))
                printed += 1
                return limit.map { printed < $0 } ?? true
            }
        }
        guard let damage = summary.damage else { return .success }
        if damage.isTornTail {
            io.printError("note: \(damage)", commandPath: [Self.spec.name])
            return .success
        }
        throw CommandFailure(.checkFailed, "stopped at damage: \(damage)")
    }

    /// `--follow`: prints events as they are appended, until `--limit` events are printed or
    /// the task is cancelled (the process interrupted); damage ends it with status 1.
    private func follow(_ io: CommandIO) async throws(CommandFailure) -> ExitStatus {
        var printed = 0
        do throws(JournalError) {
            for try await event in JournalReader(directory: data.journalDirectory).follow(filter) {
                io.print(String(decoding: event.envelopeJSON(), as: UTF8.self))
                printed += 1
                if let limit, printed >= limit { break }
            }
        } catch where error.code == .corrupt {
            throw CommandFailure(.checkFailed, "\(error)")
        } catch {
            throw CommandFailure(.unreadableInput, "\(error)")
        }
        return .success
    }
}
