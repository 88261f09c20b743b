import Integrity
import JSON
import Journal

/// What a snapshot says about itself (line 2 of the file; see SnapshotFormat.swift).
public struct SnapshotHeader: Sendable, Equatable {
    /// The last seq folded into the state.
    public var seq: UInt64
    /// The timestamp of event `seq`, µs since the epoch.
    public var timestamp: UInt64
    /// The journal's chain value after the frame ending at `seq`.
    public var chain: SHA256Digest
    /// Each projection's version, by name, as the code that wrote it had them.
    public var projectionVersions: [String: Int]
    /// Bytes of canonical state that follow the header.
    public var stateByteCount: Int
    /// SHA-256 of those bytes: the state hash replays are compared by.
    public var stateSha256: SHA256Digest

    /// A header with the given fields.
    public init(seq: UInt64, timestamp: UInt64, chain: SHA256Digest, projectionVersions: [String: Int],
                stateByteCount: Int, stateSha256: SHA256Digest) {
        self.seq = seq
        self.timestamp = timestamp
        self.chain = chain
        self.projectionVersions = projectionVersions
        self.stateByteCount = stateByteCount
        self.stateSha256 = stateSha256
    }

    /// The snapshot's id: `<seq, 20 digits>-<state hash, 16 hex>`.
    public var id: String { SnapshotFormat.id(seq: seq, stateHex: stateSha256.hex) }

    /// The header line's canonical JSON (no newline).
    func encoded() -> [UInt8] {
        var json = JSONWriter(keyOrder: .sorted)
        json.writeObject { json in
            json.write(chain.hex, forKey: "chain")
            json.writeKey("projections")
            json.writeObject(sortingKeys: projectionVersions.keys) { name, json in json.write(projectionVersions[name]!) }
            json.write(seq, forKey: "seq")
            json.write(stateByteCount, forKey: "stateBytes")
            json.write(stateSha256.hex, forKey: "stateSha256")
            json.write(Timestamp.iso8601(microseconds: timestamp), forKey: "timestamp")
            json.write(timestamp, forKey: "timestampMicros")
        }
        do {
            return try json.finish()
        } catch {
            preconditionFailure("snapshot header refused by the JSON writer: \(error)")
        }
    }

    /// Decodes a header line; throws naming the field that is missing or wrong.
    static func decode(_ bytes: [UInt8]) throws(SnapshotError) -> SnapshotHeader {
        var fields: (chain: SHA256Digest?, versions: [String: Int]?, seq: UInt64?, count: Int?, state: SHA256Digest?, micros: UInt64?)
        fields = (nil, nil, nil, nil, nil, nil)
        do {
            try JSONReader.withReader(over: bytes) { (reader) throws(JSONError) in
                var object = try reader.beginObject()
                while let key = try reader.nextKey(in: &object) {
                    switch key {
                    case "chain": fields.chain = SHA256Digest(hex: try reader.readString())
                    case "seq": fields.seq = try reader.readUInt64()
                    case "stateBytes": fields.count = try reader.readInt()
                    case "stateSha256": fields.state = SHA256Digest(hex: try reader.readString())
                    case "timestampMicros": fields.micros = try reader.readUInt64()
                    case "projections":
                        var versions: [String: Int] = [:]
                        var inner = try reader.beginObject()
                        while let name = try reader.nextKey(in: &inner) { versions[name.string] = try reader.readInt() }
                        fields.versions = versions
                    default: try reader.skipValue()
                    }
                }
            }
        } catch {
            throw SnapshotError(.malformedHeader, "the header is not valid JSON: \(error)")
        }
        guard let chain = fields.chain else { throw SnapshotError(.malformedHeader, "the header has no valid \"chain\" (64 hex digits)") }
        guard let versions = fields.versions else { throw SnapshotError(.malformedHeader, "the header has no \"projections\"") }
        guard let seq = fields.seq else { throw SnapshotError(.malformedHeader, "the header has no \"seq\"") }
        guard let count = fields.count, count >= 0 else { throw SnapshotError(.malformedHeader, "the header has no valid \"stateBytes\"") }
        guard let state = fields.state else { throw SnapshotError(.malformedHeader, "the header has no valid \"stateSha256\"") }
        guard let micros = fields.micros else { throw SnapshotError(.malformedHeader, "the header has no \"timestampMicros\"") }
        return SnapshotHeader(seq: seq, timestamp: micros, chain: chain, projectionVersions: versions, stateByteCount: count, stateSha256: state)
    }
}
