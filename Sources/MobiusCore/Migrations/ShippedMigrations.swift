/// The migrations this version ships, in order (README "Migrations" describes each).
extension MigrationRegistry {
    /// `001-initial`, `003-extraction-v2`; and `002-library-dhash` (see its file).
    public static let shipped: MigrationRegistry = {
        do {
            return try MigrationRegistry([.initial, .libraryDHash, .extractionV2])
        } catch {
            preconditionFailure("the shipped migrations are malformed: \(error)")
        }
    }()
}

extension Migration {
    /// `001-initial`: schema version 1, the event types and projections of this version. It
    /// appends nothing but its own record; reverting it is as harmless.
    static let initial = Migration(
        id: "001-initial", summary: "schema v1: the event types and projections of version 0.3",
        definition: "schema v1; no events besides migration.applied",
        up: { _ in MigrationPlan(changes: "schema version 1") },
        down: { _ in MigrationPlan(changes: "schema version 0") })

    /// `003-extraction-v2`: `extraction.completed` is written at v2 (with `durationMs`);
    /// events written at v1 are read through the v1→v2 upcaster. This migration reads every
    /// v1 event of the journal through it and fails — appending nothing — if one does not
    /// decode, so a journal whose old events would not fold is found before it matters. It
    /// changes no state, so reverting it only records the revert.
    static let extractionV2 = Migration(
        id: "003-extraction-v2", summary: "extraction.completed v1 events read through the v1→v2 upcaster",
        definition: "extraction.completed v1 -> v2: durationMs null; every v1 event must decode",
        up: { context throws(MigrationError) in
            var upcast = 0, current = 0
            try context.readEvents(ExtractionCompleted.type) { version, event in
                if version < ExtractionCompleted.version { upcast += 1 } else { current += 1 }
                return true
            }
            return MigrationPlan(changes: "\(upcast) extraction.completed v1 event(s) read through the v1→v2 upcaster; \(current) already at v2")
        },
        down: { _ in MigrationPlan(changes: "nothing to undo: no state was changed") })
}
