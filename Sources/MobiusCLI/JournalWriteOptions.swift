import Journal

/// The option group of every command that opens the journal for writing: when an append
/// counts as done, and where segments are cut.
///
/// `append` takes it today; later write commands (`extract`, `library add`, `migrate up`, …)
/// declare the same group, so the options mean the same everywhere.
package struct JournalWriteOptions: Sendable {
    /// `--durability always|batch|none`.
    package static let durability = Option<Durability>.choice(
        "--durability", value: "MODE", default: .always,
        help: "when an append is acknowledged: after fdatasync (always), once written and synced within 5 ms (batch), or never synced (none)")

    /// `--segment-bytes SIZE`: 4 KiB lets tests and operators make multi-segment journals from a
    /// few events; above 1 GiB a damaged segment would hold too much of the history.
    package static let segmentBytes = Option<Int>.byteCount(
        "--segment-bytes", value: "SIZE", in: (4 << 10)...(1 << 30), default: 64 << 20,
        help: "start a new segment when the next frame would pass this size; segments already written keep theirs")

    /// The group's arguments, for a command's `CommandSpec`.
    package static let arguments: [any CommandArgument] = [durability, segmentBytes]

    /// When appends are acknowledged.
    package let durability: Durability
    /// The segment size limit in bytes.
    package let segmentByteLimit: Int

    /// Reads the group's options from `arguments`.
    package init(_ arguments: ParsedArguments) {
        durability = arguments[JournalWriteOptions.durability]
        segmentByteLimit = arguments[JournalWriteOptions.segmentBytes]
    }

    /// The writer configuration for the journal in `directory`.
    package func configuration(directory: String) -> JournalConfiguration {
        JournalConfiguration(directory: directory, durability: durability, segmentByteLimit: segmentByteLimit)
    }
}
