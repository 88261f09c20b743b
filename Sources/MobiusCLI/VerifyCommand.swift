import Journal

/// `mobius-dhash verify [--deep]`: checks every segment header, frame CRC, the whole chain and
/// segment links (`--deep` also inflates every frame and decodes every record).
///
/// Prints one line per damage (segment, byte offset, seqs, what is wrong, whether the next
/// write-open recovers it) then a summary. Exit: 0 intact, 1 damage (a torn tail included),
/// 2 no journal or unreadable files.
struct VerifyCommand: Command {
    static let deep = Flag("--deep", help: "also inflate every frame and decode every event")

    static let spec = CommandSpec(
        "verify", summary: "check CRCs, the hash chain and segment links (--deep: decode every event)",
        discussion: [
            "Prints one line per damage (segment file, byte offset, seq range, what is wrong, whether the next append recovers it), then a summary with the head seq and chain value.",
        ],
        arguments: [deep] + DataFolder.arguments,
        exits: [
            .success: "the journal is intact",
            .checkFailed: "damage found (an unrecovered torn tail included)",
            .usageOrUnreadable: "there is no journal, or its files cannot be read",
        ])

    /// Where the journal is (`--data`).
    let data: DataFolder
    /// Also inflate every frame and decode every record (`--deep`).
    let isDeep: Bool

    init(_ arguments: ParsedArguments) {
        data = DataFolder(arguments)
        isDeep = arguments.isSet(Self.deep)
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        try data.requireJournal()
        let report = try CommandFailure.catching(as: .unreadableInput) {
            try JournalVerifier.verify(directory: data.journalDirectory, deep: isDeep)
        }
        for damage in report.damages { io.print("damage: \(damage)") }
        let totals = "\(report.segmentCount) segment(s), \(report.frameCount) valid frame(s), \(report.eventCount) event(s), head seq \(report.headSeq)"
        if report.isIntact {
            io.print("intact: \(totals), chain \(report.chain.hex)\(isDeep ? " (deep)" : ""); \(report.writeOpen)")
            return .success
        }
        io.print("damaged: \(report.damages.count) problem(s); \(totals); \(report.writeOpen)")
        return .checkFailed
    }
}
