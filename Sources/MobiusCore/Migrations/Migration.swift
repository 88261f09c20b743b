import Imaging
import Integrity

/// One migration of projections or event schemas, shaped like GRDB's `DatabaseMigrator`
/// entries: a unique id that orders it (`001-initial`), a definition whose checksum is
/// recorded when it is applied, an `up` and, where it can be undone, a `down`.
///
/// Both are plans, not actions: given the state, they return the events to append (with
/// `migration.applied` / `migration.reverted` in the same frame, so all land or none) and what
/// they change, for people. A dry run prints the plan and appends nothing.
public struct Migration: Sendable {
    /// The id: digits, a dash, a name (`002-library-dhash`); ids sort in the order migrations apply.
    public let id: String
    /// One line saying what it does.
    public let summary: String
    /// What the checksum covers: the migration's definition. Changing what a migration does
    /// means changing this text, which makes a recorded checksum differ (drift).
    public let definition: String
    /// What applying it would do, from the state at that point.
    let up: @Sendable (MigrationContext) throws(MigrationError) -> MigrationPlan
    /// What reverting it would do; nil when it cannot be undone.
    let down: (@Sendable (MigrationContext) throws(MigrationError) -> MigrationPlan)?

    /// A migration.
    public init(id: String, summary: String, definition: String,
                up: @escaping @Sendable (MigrationContext) throws(MigrationError) -> MigrationPlan,
                down: (@Sendable (MigrationContext) throws(MigrationError) -> MigrationPlan)? = nil) {
        self.id = id
        self.summary = summary
        self.definition = definition
        self.up = up
        self.down = down
    }

    /// SHA-256 (hex) of `id`, a newline and `definition`.
    public var checksum: String { SHA256.hash(Array((id + "\n" + definition).utf8)).hex }

    /// Whether it has a `down`.
    public var isReversible: Bool { down != nil }
}

/// What a migration sees: the projections at the point it runs, and where the data is.
public struct MigrationContext: Sendable {
    /// Every projection, at the head.
    public let projections: ProjectionSet
    /// The data folder (image paths recorded relative to it resolve against it).
    public let dataDirectory: String
    /// Reads the journal's events of `type`, in order: the version each was written at, and the
    /// event as this version decodes it (through its upcasters); false from `body` stops.
    public let readEvents: @Sendable (_ type: String, _ body: (_ writtenVersion: UInt64, RecordedEvent) -> Bool) throws(MigrationError) -> Void
    /// The decoder's limits, for a migration that fingerprints images.
    public let decodingLimits: DecodingLimits
    /// Reads a file's bytes (through the syscall funnel); nil when it cannot be read, with why.
    public let readFile: @Sendable (String) -> Result<[UInt8], MigrationError>
}

/// The events a migration step appends and what it changes.
public struct MigrationPlan: Sendable {
    /// Events to append before its `migration.applied` / `migration.reverted`.
    public var events: [DomainEvent]
    /// What it changes, e.g. "hashed 1,204 library images; 3 unreadable".
    public var changes: String
    /// Items it could not handle and reports without failing (an unreadable image).
    public var problems: [String]

    /// A plan.
    public init(events: [DomainEvent] = [], changes: String, problems: [String] = []) {
        self.events = events
        self.changes = changes
        self.problems = problems
    }
}

/// Why a migration or the registry cannot go on.
public struct MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line: what, where, what to do.
    public var message: String
    /// An error saying `message`.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
