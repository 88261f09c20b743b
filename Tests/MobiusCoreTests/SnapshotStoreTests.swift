import Foundation
import Integrity
import Synchronization
@testable import MobiusCore
import Testing
import TestSupport

/// The snapshot folder: atomic writes with sidecars, listing, loading with checks, tampering.
@Suite struct SnapshotStoreTests {
    static let chain = SHA256.hash(Array("chain".utf8))
    static let state = Array(#"{"library":{"images":[]},"metrics":{"total":3}}"#.utf8)

    func store() throws -> (SnapshotStore, TemporaryDirectory) {
        let root = try TemporaryDirectory("snapshots")
        return (SnapshotStore(directory: root.appending("snapshots")), root)
    }

    // Two writes of one snapshot at once (POST /api/admin/snapshot twice, or beside the
    // automatic one) shared one temporary name: one renamed the file the other was still
    // writing, and the other's rename failed with ENOENT — a 500, and a window in which the
    // snapshot on disk was cut short.
    @Test func concurrentWritesOfOneSnapshotAllSucceed() async throws {
        let (store, root) = try store()
        defer { root.remove() }
        let state = Array(repeating: UInt8(ascii: "x"), count: 256 * 1024)
        let failures = try await onOwnThread { () -> [String] in
            let found = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 64) { _ in
                do {
                    _ = try store.write(seq: 7, timestamp: 1, chain: SnapshotStoreTests.chain, projectionVersions: ["library": 2], state: state)
                } catch {
                    found.withLock { $0.append("\(error)") }
                }
            }
            return found.withLock { $0 }
        }
        #expect(failures.count == 0, "\(failures.count) of 64 failed: \(failures.first ?? "")")
        let listed = try store.list()
        #expect(listed.count == 1 && listed.first?.problem == nil)
        #expect(try store.load(id: try #require(listed.first?.id)).state == state)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory).allSatisfy { !$0.hasSuffix(".tmp") }, "no temporary file is left")
    }

    @Test func aWrittenSnapshotListsAndLoadsAsWritten() throws {
        let (store, root) = try store()
        defer { root.remove() }
        #expect(try store.list().isEmpty, "a missing folder holds no snapshots")
        let header = try store.write(seq: 42, timestamp: 1_795_000_000_000_000, chain: SnapshotStoreTests.chain,
                                     projectionVersions: ["library": 2, "metrics": 1], state: SnapshotStoreTests.state).header
        #expect(header.id.hasPrefix("00000000000000000042-"))
        let listed = try store.list()
        #expect(listed.map(\.id) == [header.id])
        #expect(listed.first?.header == header && listed.first?.problem == nil)
        let loaded = try store.load(id: header.id)
        #expect(loaded.header == header)
        #expect(loaded.state == SnapshotStoreTests.state)
        // The sidecar is in sha256sum's format: `sha256sum -c` accepts it from the folder.
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        check.arguments = ["-c", "--quiet", header.id + ".snapshot.sha256"]
        check.currentDirectoryURL = URL(fileURLWithPath: store.directory)
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
        // Nothing but the snapshot and its sidecar is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory).sorted() == [header.id + ".snapshot", header.id + ".snapshot.sha256"])
    }

    @Test func listingIsNewestFirstAndFlagsIncompleteOnes() throws {
        let (store, root) = try store()
        defer { root.remove() }
        var ids: [String] = []
        for seq in [5, 50, 500] as [UInt64] {
            ids.append(try store.write(seq: seq, timestamp: seq, chain: SnapshotStoreTests.chain, projectionVersions: [:], state: Array("{}".utf8)).header.id)
        }
        try FileManager.default.removeItem(atPath: store.directory + "/" + ids[1] + ".snapshot.sha256")
        let listed = try store.list()
        #expect(listed.map(\.seq) == [500, 50, 5])
        #expect(listed[1].problem?.code == .incomplete)
        #expect(throws: SnapshotError.self) { try store.load(id: ids[1]) }
        try store.remove(id: ids[2])
        #expect(try store.list().map(\.seq) == [50, 5])
    }

    @Test func everyByteFlippedIsRefusedOnLoad() throws {
        let (store, root) = try store()
        defer { root.remove() }
        let header = try store.write(seq: 7, timestamp: 1, chain: SnapshotStoreTests.chain, projectionVersions: ["metrics": 1], state: SnapshotStoreTests.state).header
        let path = store.directory + "/" + header.id + ".snapshot"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for offset in 0..<original.count {
            var damaged = original
            damaged[offset] ^= 0x01
            try damaged.write(to: URL(fileURLWithPath: path))
            #expect(throws: SnapshotError.self, "flip at \(offset)") { try store.load(id: header.id) }
        }
        // A tamperer who also rewrites the sidecar is caught by the state hash in the header,
        // unless they rewrite that too — which the journal's chain and a deep replay catch.
        var damaged = original
        damaged[damaged.count - 3] ^= 0x01
        try damaged.write(to: URL(fileURLWithPath: path))
        try Data("\(SHA256.hash(Array(damaged)).hex)  \(header.id).snapshot\n".utf8).write(to: URL(fileURLWithPath: path + ".sha256"))
        #expect { try store.load(id: header.id) } throws: { ($0 as? SnapshotError)?.code == .checksumMismatch }
    }

    @Test func hostileFilesAreRefusedWithOneLine() throws {
        let (store, root) = try store()
        defer { root.remove() }
        try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        let id = "00000000000000000009-0123456789abcdef"
        for junk in [Data(), Data("MOBIUS-SNAPSHOT 1\n".utf8), Data("MOBIUS-SNAPSHOT 1\n{\"seq\":\"x\"}\n".utf8),
                     Data("MOBIUS-SNAPSHOT 2\n{}\n".utf8), Data(repeating: 0x41, count: 70_000)] {
            try junk.write(to: URL(fileURLWithPath: store.directory + "/" + id + ".snapshot"))
            try Data("\(SHA256.hash(Array(junk)).hex)  \(id).snapshot\n".utf8).write(to: URL(fileURLWithPath: store.directory + "/" + id + ".snapshot.sha256"))
            let listed = try store.list()
            #expect(listed.count == 1 && listed[0].problem != nil && listed[0].header == nil)
            do {
                _ = try store.load(id: id)
                Issue.record("junk loaded")
            } catch {
                #expect(!error.description.contains("\n"))
            }
        }
    }
}
