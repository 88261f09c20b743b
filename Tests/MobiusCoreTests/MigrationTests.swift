import Dispatch
import Foundation
import Journal
import Synchronization
@testable import MobiusCore
import Testing
import TestSupport

/// The migration registry and the engine's migrator, over real data folders.
@Suite struct MigrationTests {
    private static func engine(_ directory: TemporaryDirectory) throws -> Engine {
        var configuration = EngineConfiguration(dataDirectory: directory.path) { $0.durability = .none }
        configuration.snapshotsOnClose = false
        return try Engine.open(configuration)
    }

    private static func migration(_ id: String, definition: String = "v1", fails: Bool = false, reversible: Bool = true) -> Migration {
        Migration(id: id, summary: id, definition: definition,
                  up: { _ throws(MigrationError) in
                      if fails { throw MigrationError("\(id) cannot run here") }
                      return MigrationPlan(events: [.metricsReset(MetricsReset(reason: id))], changes: "reset for \(id)")
                  },
                  down: reversible ? { @Sendable _ in MigrationPlan(changes: "undo \(id)") } : nil)
    }

    @Test func theRegistryRefusesDuplicateMalformedAndUnorderedIds() {
        #expect(throws: MigrationError.self) { try MigrationRegistry([Self.migration("001-a"), Self.migration("001-a")]) }
        #expect(throws: MigrationError.self) { try MigrationRegistry([Self.migration("002-b"), Self.migration("001-a")]) }
        for bad in ["a-001", "001", "001-", "-x", "001-Caps", "001-a b"] {
            #expect(throws: MigrationError.self, "\(bad)") { try MigrationRegistry([Self.migration(bad)]) }
        }
        #expect(MigrationRegistry.shipped.migrations.map(\.id) == ["001-initial", "002-library-dhash", "003-extraction-v2"])
    }

    @Test func aFailedMigrationLeavesTheEarlierOnesAppliedAndAppendsNothingOfItsOwn() async throws {
        let directory = try TemporaryDirectory("mobius-migrate")
        defer { directory.remove() }
        let engine = try Self.engine(directory)
        let registry = try MigrationRegistry([Self.migration("001-a"), Self.migration("002-b", fails: true), Self.migration("003-c")])
        let dry = try await engine.migrateUp(registry, dryRun: true)
        #expect(dry.steps.map(\.id) == ["001-a"] && dry.failure?.id == "002-b" && engine.head.seq == 0, "a dry run appends nothing")
        let run = try await engine.migrateUp(registry)
        #expect(run.steps.map(\.id) == ["001-a"] && run.failure?.message == "002-b cannot run here")
        #expect(engine.head.seq == 2, "001-a's event and its migration.applied, nothing of 002-b")
        #expect(engine.projections.schema.applied.map(\.id) == ["001-a"])
        #expect(engine.migrationStatus(registry).pending.map(\.id) == ["002-b", "003-c"])
        try await engine.close()
    }

    // Two `migrate up` at once (POST /api/admin/migrate twice) both planned from the same
    // schema and each applied every pending migration: six requests, six 001-initial.
    @Test func aSecondRunWhileOneIsUnderWayIsRefusedAndNothingIsAppliedTwice() async throws {
        let directory = try TemporaryDirectory("mobius-migrate")
        defer { directory.remove() }
        let engine = try Self.engine(directory)
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let calls = Mutex(0)
        let slow = Migration(id: "001-slow", summary: "slow", definition: "v1", up: { _ throws(MigrationError) in
            if calls.withLock({ $0 += 1; return $0 }) == 1 {
                entered.signal()
                release.wait()
            }
            return MigrationPlan(events: [.metricsReset(MetricsReset(reason: "slow"))], changes: "reset")
        }, down: nil)
        let registry = try MigrationRegistry([slow])
        let first = Task.detached { try await engine.migrateUp(registry) }
        try await onOwnThread { entered.wait() }
        await #expect(throws: EngineError.self) { try await engine.migrateUp(registry) }
        let dry = try await engine.migrateUp(registry, dryRun: true)
        #expect(dry.steps.map(\.id) == ["001-slow"], "a dry run plans beside a run")
        release.signal()
        #expect(try await first.value.steps.map(\.id) == ["001-slow"])
        #expect(engine.projections.schema.applied.map(\.id) == ["001-slow"])
        #expect(try await engine.migrateUp(registry).steps.isEmpty, "after the run, nothing is pending and a new run may start")
        #expect(engine.head.seq == 2, "one reset and one migration.applied")
        try await engine.close()
    }

    @Test func driftIsReportedAndBlocksUpUntilResolved() async throws {
        let directory = try TemporaryDirectory("mobius-migrate")
        defer { directory.remove() }
        let engine = try Self.engine(directory)
        _ = try await engine.migrateUp(try MigrationRegistry([Self.migration("001-a")]))
        let changed = try MigrationRegistry([Self.migration("001-a", definition: "v2"), Self.migration("002-b")])
        let status = engine.migrationStatus(changed)
        #expect(status.drift.count == 1 && status.drift[0].contains("001-a") && status.drift[0].contains("checksum"))
        await #expect(throws: EngineError.self) { try await engine.migrateUp(changed) }
        #expect(engine.projections.schema.applied.count == 1, "nothing applied while drifted")
        let unknown = try MigrationRegistry([Self.migration("002-b")])
        #expect(engine.migrationStatus(unknown).drift.first?.contains("does not know") == true)
        try await engine.close()
    }

    @Test func downRevertsNewestFirstAndRefusesAnIrreversibleOneUpFront() async throws {
        let directory = try TemporaryDirectory("mobius-migrate")
        defer { directory.remove() }
        let engine = try Self.engine(directory)
        let registry = try MigrationRegistry([Self.migration("001-a"), Self.migration("002-b", reversible: false), Self.migration("003-c")])
        _ = try await engine.migrateUp(registry)
        let head = engine.head.seq
        await #expect(throws: EngineError.self) { try await engine.migrateDown(registry, to: "001-a") }
        #expect(engine.head.seq == head, "refused before anything was appended")
        let run = try await engine.migrateDown(registry, to: "002-b")
        #expect(run.steps.map(\.id) == ["003-c"] && engine.projections.schema.applied.map(\.id) == ["001-a", "002-b"])
        await #expect(throws: EngineError.self) { try await engine.migrateDown(registry, to: "009-x") }
        #expect(try await engine.migrateUp(registry, to: "003-c").steps.map(\.id) == ["003-c"])
        await #expect(throws: EngineError.self) { try await engine.migrateUp(registry, to: "001-a") }
        try await engine.close()
    }

    @Test func libraryDHashFingerprintsRegisteredImagesAndReportsTheUnreadable() async throws {
        let directory = try TemporaryDirectory("mobius-migrate")
        defer { directory.remove() }
        let image = GeneratedImage.pgm(seed: 5)
        try Data(image).write(to: URL(fileURLWithPath: directory.appending("old.pgm")))
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: directory.appending("junk.pgm")))
        let engine = try Self.engine(directory)
        _ = try await engine.append([
            .libraryImageRegistered(LibraryImageRegistered(imageId: "old", path: "old.pgm", source: "mobius v1")),
            .libraryImageRegistered(LibraryImageRegistered(imageId: "junk", path: "junk.pgm", source: nil)),
            .libraryImageRegistered(LibraryImageRegistered(imageId: "gone", path: directory.appending("gone.pgm"), source: nil)),
        ])
        #expect(engine.projections.library.awaitingFingerprint.count == 3 && engine.projections.library.count == 0)
        let run = try await engine.migrateUp(.shipped, to: "002-library-dhash")
        let step = try #require(run.steps.last)
        #expect(step.changes == "hashed 1 of 3 library image(s) without a dHash; 2 could not be hashed and stay registered")
        #expect(step.problems.count == 2 && step.problems.contains { $0.hasPrefix("junk:") } && step.problems.contains { $0.hasPrefix("gone:") })
        let added = try #require(engine.projections.library.image(withId: "old"))
        #expect(added.source == "mobius v1" && added.byteSize == image.count)
        #expect(engine.projections.library.awaitingFingerprint.keys.sorted() == ["gone", "junk"])
        // The state with images awaiting a fingerprint survives a snapshot round trip.
        let snapshot = try await engine.createSnapshot()
        let rebuilt = try EngineConfiguration(dataDirectory: directory.path).stateBuilder.state(atSeq: snapshot.header.seq)
        #expect(rebuilt.projections.library == engine.projections.library)
        try await engine.close()
    }

    @Test func extractionV2ReadsTheOldVersionsThroughTheUpcaster() async throws {
        let directory = try TemporaryDirectory("mobius-migrate")
        defer { directory.remove() }
        let engine = try Self.engine(directory)
        let old = #"{"source":"x.png","hash":"c7c7c7c7c7e77f38","hash_base64":"x8fHx8fnfzg=","bits":64,"width":31,"height":23,"format":"png","sha256":"\#(String(repeating: "a", count: 64))","byteSize":769,"confidence":0,"match":null,"lowConfidence":true}"#
        _ = try await engine.append(drafts: [try EventDraft(type: "extraction.completed", version: 1, data: Array(old.utf8))])
        let run = try await engine.migrateUp(.shipped)
        #expect(run.failure == nil, "\(run.failure?.message ?? "")")
        #expect(run.steps.last?.changes == "1 extraction.completed v1 event(s) read through the v1→v2 upcaster; 0 already at v2")
        try await engine.close()
    }
}
