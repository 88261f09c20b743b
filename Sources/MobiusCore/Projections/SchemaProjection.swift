import JSON

/// One applied migration.
public struct AppliedMigration: Sendable, Equatable {
    /// Its id.
    public var id: String
    /// The checksum recorded when it was applied.
    public var checksum: String
    /// When, µs.
    public var appliedAt: UInt64
    /// The seq of its `migration.applied`.
    public var appliedSeq: UInt64
}

/// The schema (DESIGN.md "Schema"): the migrations applied, in order. The version is how many
/// are applied; pending ones are the registry's (the engine compares the two).
public struct SchemaProjection: Sendable, Equatable {
    public static let name = "schema"
    public static let version = 1

    /// Applied migrations, in the order applied.
    public internal(set) var applied: [AppliedMigration] = []

    /// No migration applied.
    public init() {}

    /// The schema version: the number of migrations applied.
    public var currentVersion: Int { applied.count }

    /// Folds `event`. Applying one already applied, or reverting one that is not the last
    /// applied, changes nothing (the migrator refuses both before appending).
    public mutating func apply(_ event: RecordedEvent) {
        switch event.event {
        case .migrationApplied(let record):
            guard !applied.contains(where: { $0.id == record.migration.id }) else { return }
            applied.append(AppliedMigration(id: record.migration.id, checksum: record.migration.checksum, appliedAt: event.timestamp, appliedSeq: event.seq))
        case .migrationReverted(let record):
            guard applied.last?.id == record.migration.id else { return }
            applied.removeLast()
        default:
            break
        }
    }

    /// The canonical encoding: `{"applied":[{"appliedAt","appliedSeq","checksum","id"}…]}`.
    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.writeKey("applied")
            json.writeArray { json in
                for migration in applied {
                    json.writeObject { json in
                        json.write(migration.appliedAt, forKey: "appliedAt")
                        json.write(migration.appliedSeq, forKey: "appliedSeq")
                        json.write(migration.checksum, forKey: "checksum")
                        json.write(migration.id, forKey: "id")
                    }
                }
            }
        }
    }

    /// Decodes `encode(to:)`'s output.
    public init(from reader: inout JSONReader) throws(JSONError) {
        self.init()
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            guard key == "applied" else { try reader.skipValue(); continue }
            var array = try reader.beginArray()
            while try reader.nextElement(in: &array) {
                var item = try reader.beginObject()
                var at: UInt64?, seq: UInt64?, checksum: String?, id: String?
                while let field = try reader.nextKey(in: &item) {
                    switch field {
                    case "appliedAt": at = try reader.readUInt64()
                    case "appliedSeq": seq = try reader.readUInt64()
                    case "checksum": checksum = try reader.readString()
                    case "id": id = try reader.readString()
                    default: try reader.skipValue()
                    }
                }
                guard let at, let seq, let checksum, let id else { throw JSONError(.missingKey, at: item.startOffset, "a migration needs appliedAt, appliedSeq, checksum and id") }
                applied.append(AppliedMigration(id: id, checksum: checksum, appliedAt: at, appliedSeq: seq))
            }
        }
    }
}
