/// The ordered, named migrations this version knows, checked once when built: ids unique, of
/// the form `NNN-name`, and listed in ascending order (the order they apply).
public struct MigrationRegistry: Sendable {
    /// The migrations, in order.
    public let migrations: [Migration]

    /// A registry of `migrations`; refuses duplicate, malformed or unordered ids.
    public init(_ migrations: [Migration]) throws(MigrationError) {
        var seen = Set<String>()
        for (index, migration) in migrations.enumerated() {
            guard Self.isWellFormed(migration.id) else {
                throw MigrationError("migration id \(Echoed(migration.id)) is not digits, a dash and a name (such as 002-library-dhash)")
            }
            guard seen.insert(migration.id).inserted else { throw MigrationError("migration id \(migration.id) is registered twice") }
            if index > 0, migrations[index - 1].id >= migration.id {
                throw MigrationError("migration \(migration.id) is registered after \(migrations[index - 1].id): list them in id order")
            }
        }
        self.migrations = migrations
    }

    /// The migration with `id`.
    public func migration(_ id: String) -> Migration? { migrations.first { $0.id == id } }

    /// Applied and pending migrations against what the schema projection records, and drift:
    /// a recorded checksum that differs from the code's, or an applied id the code does not
    /// know, or applied migrations out of the registry's order.
    public func status(of schema: SchemaProjection) -> MigrationStatus {
        var entries: [MigrationStatus.Entry] = []
        var drift: [String] = []
        for (position, applied) in schema.applied.enumerated() {
            guard let known = migration(applied.id) else {
                drift.append("\(applied.id) is applied but this version does not know it (applied by a newer version?)")
                entries.append(.init(id: applied.id, summary: "unknown to this version", applied: applied, codeChecksum: nil))
                continue
            }
            if known.checksum != applied.checksum {
                drift.append("\(applied.id) was applied with checksum \(applied.checksum.prefix(12))…, the code's is \(known.checksum.prefix(12))…: its definition changed after it was applied")
            }
            if position < migrations.count, migrations[position].id != applied.id {
                drift.append("\(applied.id) is applied at position \(position + 1), where the registry has \(migrations[position].id)")
            }
            entries.append(.init(id: applied.id, summary: known.summary, applied: applied, codeChecksum: known.checksum))
        }
        let appliedIds = Set(schema.applied.map(\.id))
        for migration in migrations where !appliedIds.contains(migration.id) {
            entries.append(.init(id: migration.id, summary: migration.summary, applied: nil, codeChecksum: migration.checksum))
        }
        return MigrationStatus(entries: entries, drift: drift)
    }

    static func isWellFormed(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard let dash = bytes.firstIndex(of: UInt8(ascii: "-")), dash > 0, dash < bytes.count - 1, bytes.count <= 64 else { return false }
        return bytes[..<dash].allSatisfy { (0x30...0x39).contains($0) }
            && bytes[(dash + 1)...].allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
    }
}

/// Where each migration stands.
public struct MigrationStatus: Sendable {
    /// One migration: applied (with when and the checksum recorded) or pending.
    public struct Entry: Sendable {
        public var id: String
        public var summary: String
        /// The record of its application; nil while pending.
        public var applied: AppliedMigration?
        /// The code's checksum (nil for an applied id this version does not know).
        public var codeChecksum: String?
    }

    /// Applied ones first, in the order applied, then pending ones in registry order.
    public var entries: [Entry]
    /// Drift found; non-empty blocks `migrate up`.
    public var drift: [String]

    /// Pending entries, in order.
    public var pending: [Entry] { entries.filter { $0.applied == nil } }
}
