import Integrity
import JSON

/// Why encoded projections could not be used.
public struct ProjectionDecodingError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var detail: String
    /// Whether the encoding came from other projection versions (replay from the start instead).
    public var isVersionMismatch: Bool

    public var description: String { detail }
}

extension ProjectionSet {
    /// The canonical state, what a snapshot holds: one JSON object (keys sorted, numbers in the
    /// JSON writer's one form) with every projection but the library's images, a newline, and
    /// the library's image table (LibraryImageTable.swift). Two replays of the same journal give
    /// the same bytes.
    public func encoded() -> [UInt8] {
        var state = encodedJSONLine()
        library.appendImageTable(to: &state)
        return state
    }

    /// The first part of `encoded()`: the JSON and its newline.
    private func encodedJSONLine() -> [UInt8] {
        var json = JSONWriter(keyOrder: .sorted, reservingCapacity: 4096)
        json.writeObject { json in
            json.writeKey("health")
            health.encode(to: &json)
            json.writeKey("library")
            library.encodeStateSummary(to: &json)
            json.writeKey("metrics")
            metrics.encode(to: &json)
            json.writeKey("releases")
            releases.encode(to: &json)
            json.writeKey("reviewQueue")
            reviewQueue.encode(to: &json)
            json.writeKey("schema")
            schema.encode(to: &json)
            json.write(seq, forKey: "seq")
            json.write(timestamp, forKey: "timestamp")
            json.writeKey("versions")
            json.writeObject(sortingKeys: ProjectionSet.versions.keys) { name, json in json.write(ProjectionSet.versions[name]!) }
        }
        var state: [UInt8]
        do {
            state = try json.finish()
        } catch {
            preconditionFailure("projection state refused by the canonical writer: \(error)")
        }
        state.append(0x0A)
        return state
    }

    /// The projections by name, as `encoded()` keys them.
    public static let projectionNames = ["health", "library", "metrics", "releases", "reviewQueue", "schema"]

    /// The canonical encoding of one projection (`projectionNames`); nil for another name.
    public func encoded(projection name: String) -> [UInt8]? {
        var json = JSONWriter(keyOrder: .sorted, reservingCapacity: name == "library" ? 4096 + library.count * 160 : 4096)
        switch name {
        case "health": health.encode(to: &json)
        case "library": library.encode(to: &json)
        case "metrics": metrics.encode(to: &json)
        case "releases": releases.encode(to: &json)
        case "reviewQueue": reviewQueue.encode(to: &json)
        case "schema": schema.encode(to: &json)
        default: return nil
        }
        do {
            return try json.finish()
        } catch {
            preconditionFailure("projection state refused by the canonical writer: \(error)")
        }
    }

    /// SHA-256 of `encoded()`: what replays, snapshots and the live engine are compared by.
    /// The image table is encoded in pieces, each hashed on a second thread while the next is
    /// encoded (`replay` prints it after every time-travel replay).
    public var stateHash: SHA256Digest {
        let hasher = BackgroundHasher()
        hasher.feed(encodedJSONLine())
        library.forEachImageTablePiece(positions: 16_384) { hasher.feed($0) }
        return hasher.finish()
    }

    /// Decodes `encoded()`'s output; refuses other projection versions.
    public init(decoding bytes: [UInt8]) throws(ProjectionDecodingError) {
        try self.init(decoding: bytes[...])
    }

    /// Decodes `encoded()`'s output held in `bytes`; refuses other projection versions.
    public init(decoding bytes: ArraySlice<UInt8>) throws(ProjectionDecodingError) {
        self.init()
        // Canonical JSON escapes every newline inside strings: the first one ends the object.
        guard let newline = bytes.firstIndex(of: 0x0A) else {
            throw ProjectionDecodingError(detail: "the projection state has no newline after its JSON (a state of another format)", isVersionMismatch: false)
        }
        var versions: [String: Int] = [:]
        var imageCount = 0
        do {
            try JSONReader.withReader(over: Array(bytes[..<newline])) { (reader) throws(JSONError) in
                var object = try reader.beginObject()
                while let key = try reader.nextKey(in: &object) {
                    switch key {
                    case "health": health = try HealthProjection(from: &reader)
                    case "library": (library, imageCount) = try LibraryProjection.decodeStateSummary(from: &reader)
                    case "metrics": metrics = try MetricsProjection(from: &reader)
                    case "releases": releases = try ReleasesProjection(from: &reader)
                    case "reviewQueue": reviewQueue = try ReviewQueueProjection(from: &reader)
                    case "schema": schema = try SchemaProjection(from: &reader)
                    case "seq": seq = try reader.readUInt64()
                    case "timestamp": timestamp = try reader.readUInt64()
                    case "versions":
                        var map = try reader.beginObject()
                        while let name = try reader.nextKey(in: &map) { versions[name.string] = try reader.readInt() }
                    default: try reader.skipValue()
                    }
                }
            }
        } catch {
            throw ProjectionDecodingError(detail: "the projection state does not decode: \(error)", isVersionMismatch: false)
        }
        guard versions == ProjectionSet.versions else {
            throw ProjectionDecodingError(detail: "the state has projection versions \(versions.sorted { $0.key < $1.key }), this build \(ProjectionSet.versions.sorted { $0.key < $1.key })", isVersionMismatch: true)
        }
        var withImages = library
        try bytes[(newline + 1)...].withUnsafeBytes { table in
            Result { () throws(ProjectionDecodingError) in try withImages.decodeImageTable(table, count: imageCount) }
        }.get()
        library = withImages
    }
}
