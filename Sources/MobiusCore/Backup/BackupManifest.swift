import Integrity
import JSON
import Journal

/// `manifest.json`: what a backup holds, for `verify` to check it by (BackupFormat.swift,
/// MANIFEST).
public struct BackupManifest: Sendable, Equatable {
    /// One file member.
    public struct File: Sendable, Equatable {
        /// The member's path inside the archive (`journal/00000000000000000001.seg`).
        public var path: String
        /// Its size in bytes.
        public var size: Int
        /// Its SHA-256.
        public var sha256: SHA256Digest

        /// A file entry.
        public init(path: String, size: Int, sha256: SHA256Digest) {
            self.path = path
            self.size = size
            self.sha256 = sha256
        }
    }

    /// When the backup was made, µs since 1970 (UTC).
    public var createdAt: UInt64
    /// The host name of the machine that made it.
    public var host: String
    /// The version of mobius-dhash that made it.
    public var toolVersion: String
    /// The last seq the backup's journal holds.
    public var headSeq: UInt64
    /// The chain value after that seq's frame.
    public var chain: SHA256Digest
    /// Segment files in the backup.
    public var segmentCount: Int
    /// Snapshots in the backup.
    public var snapshotCount: Int
    /// Every file member before the manifest, in archive order.
    public var files: [File]

    /// A manifest with the given fields.
    public init(createdAt: UInt64, host: String, toolVersion: String, headSeq: UInt64, chain: SHA256Digest, segmentCount: Int,
                snapshotCount: Int, files: [File]) {
        self.createdAt = createdAt
        self.host = host
        self.toolVersion = toolVersion
        self.headSeq = headSeq
        self.chain = chain
        self.segmentCount = segmentCount
        self.snapshotCount = snapshotCount
        self.files = files
    }

    /// The canonical JSON and a newline.
    func encoded() -> [UInt8] {
        var json = JSONWriter(keyOrder: .sorted)
        json.writeObject { json in
            json.write(Timestamp.iso8601(microseconds: createdAt), forKey: "createdAt")
            json.write(createdAt, forKey: "createdAtMicros")
            json.writeKey("files")
            json.writeArray { json in
                for file in files {
                    json.writeObject { json in
                        json.write(file.path, forKey: "path")
                        json.write(file.sha256.hex, forKey: "sha256")
                        json.write(file.size, forKey: "size")
                    }
                }
            }
            json.write(BackupFormat.name, forKey: "format")
            json.write(BackupFormat.version, forKey: "formatVersion")
            json.write(host, forKey: "host")
            json.writeKey("journal")
            json.writeObject { json in
                json.write(chain.hex, forKey: "chain")
                json.write(headSeq, forKey: "headSeq")
                json.write(segmentCount, forKey: "segments")
            }
            json.write(snapshotCount, forKey: "snapshots")
            json.writeKey("tool")
            json.writeObject { json in
                json.write("mobius-dhash", forKey: "name")
                json.write(toolVersion, forKey: "version")
            }
        }
        do {
            return try json.finish() + [0x0A]
        } catch {
            preconditionFailure("backup manifest refused by the JSON writer: \(error)")
        }
    }

    /// Reads a manifest; throws (`.mismatch`) naming what is missing or wrong.
    static func decode(_ bytes: [UInt8]) throws(BackupError) -> BackupManifest {
        var manifest = BackupManifest(createdAt: 0, host: "", toolVersion: "", headSeq: 0, chain: .zero, segmentCount: 0, snapshotCount: 0, files: [])
        var seen: Set<String> = []
        var format: String?
        var version: Int?
        do {
            try JSONReader.withReader(over: bytes) { (reader) throws(JSONError) in
                var object = try reader.beginObject()
                while let key = try reader.nextKey(in: &object) {
                    seen.insert(key.string)
                    switch key {
                    case "format": format = try reader.readString()
                    case "formatVersion": version = try reader.readInt()
                    case "createdAtMicros": manifest.createdAt = try reader.readUInt64()
                    case "host": manifest.host = try reader.readString()
                    case "snapshots": manifest.snapshotCount = try reader.readInt()
                    case "tool":
                        var tool = try reader.beginObject()
                        while let name = try reader.nextKey(in: &tool) {
                            if name == "version" { manifest.toolVersion = try reader.readString() } else { try reader.skipValue() }
                        }
                    case "journal":
                        var journal = try reader.beginObject()
                        while let name = try reader.nextKey(in: &journal) {
                            seen.insert("journal." + name.string)
                            switch name {
                            case "chain": manifest.chain = SHA256Digest(hex: try reader.readString()) ?? .zero
                            case "headSeq": manifest.headSeq = try reader.readUInt64()
                            case "segments": manifest.segmentCount = try reader.readInt()
                            default: try reader.skipValue()
                            }
                        }
                    case "files":
                        var array = try reader.beginArray()
                        while try reader.nextElement(in: &array) {
                            var file = File(path: "", size: -1, sha256: .zero)
                            var entry = try reader.beginObject()
                            while let name = try reader.nextKey(in: &entry) {
                                switch name {
                                case "path": file.path = try reader.readString()
                                case "size": file.size = try reader.readInt()
                                case "sha256": file.sha256 = SHA256Digest(hex: try reader.readString()) ?? .zero
                                default: try reader.skipValue()
                                }
                            }
                            manifest.files.append(file)
                        }
                    default:
                        try reader.skipValue()
                    }
                }
            }
        } catch {
            throw BackupError(.mismatch, "\(BackupFormat.manifestName) is not valid JSON (\(error)): the archive is damaged")
        }
        guard format == BackupFormat.name else {
            throw BackupError(.unreadable, "\(BackupFormat.manifestName) does not say \"format\":\"\(BackupFormat.name)\": this is not a mobius-dhash backup")
        }
        guard version == BackupFormat.version else {
            throw BackupError(.unreadable, "the backup is format version \(version.map(String.init) ?? "?"); this build reads version \(BackupFormat.version): use the mobius-dhash that made it")
        }
        for field in ["createdAtMicros", "files", "journal.chain", "journal.headSeq", "journal.segments", "snapshots"] where !seen.contains(field) {
            throw BackupError(.mismatch, "\(BackupFormat.manifestName) has no \"\(field)\": the archive is damaged")
        }
        if let bad = manifest.files.first(where: { !BackupFormat.isMemberName($0.path) || $0.size < 0 || $0.sha256 == .zero }) {
            throw BackupError(.mismatch, "\(BackupFormat.manifestName) lists \(bad.path.isEmpty ? "a file" : bad.path) without a valid path, size and sha256: the archive is damaged")
        }
        return manifest
    }
}
