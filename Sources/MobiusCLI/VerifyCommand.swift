import Journal

/// `mobius-dhash verify [--deep]`: checks every segment header, frame CRC, the whole chain and
/// segment links (`--deep` also inflates every frame and decodes every record).
///
/// Prints one line per damage (segment, byte offset, seqs, what is wrong, whether the next
/// write-open recovers it) then a summary. Exit: 0 intact, 1 damage (a torn tail included),
/// 2 no journal or unreadable files.
struct VerifyCommand: Command {
    static let name = "verify"
    static let summary = "check CRCs, the hash chain and segment links (--deep: decode every event); exit 1 on damage"

    /// Where the journal is (`--data`).
    let location: JournalLocation
    /// Also inflate every frame and decode every record (`--deep`).
    let isDeep: Bool

    init(arguments: inout ArgumentList) throws(UsageError) {
        location = try JournalLocation(arguments: &arguments)
        isDeep = arguments.flag("--deep")
        try arguments.finish()
    }

    func run(_ io: CommandIO) throws -> ExitStatus {
        try location.requireExistingJournal()
        let report = try JournalVerifier.verify(directory: location.journalDirectory, deep: isDeep)
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
