import Foundation
import Synchronization
import Imaging
import Journal
import POSIX
@testable import MobiusCore
import TestSupport
import Testing

@Suite struct EngineTests {
    /// Adds `count` generated images and returns their bytes.
    private func addImages(_ engine: Engine, count: Int, seed: UInt64 = 100) async throws -> [[UInt8]] {
        var added: [[UInt8]] = []
        for index in 0..<count {
            let bytes = GeneratedImage.pgm(seed: seed + UInt64(index))
            _ = try await engine.addImage(bytes: bytes, id: index.isMultiple(of: 2) ? nil : "card-\(seed + UInt64(index))", source: "lib/\(seed + UInt64(index)).pgm")
            added.append(bytes)
        }
        return added
    }

    /// A mixed history: images, exact and unknown extractions, a failure, a resolution, a removal.
    private func writeHistory(_ engine: Engine, seed: UInt64 = 100) async throws {
        let images = try await addImages(engine, count: 4, seed: seed)
        _ = try await engine.extractCompleted(images[1])
        let (unknown, _) = try await engine.extractCompleted(GeneratedImage.pgm(seed: seed + 899))
        _ = try await engine.extract(bytes: Array("not an image".utf8), source: "junk.bin")
        try await engine.resolve(itemId: #require(unknown.reviewItemId), decision: .addToLibrary, note: "new card")
        _ = try await engine.extractCompleted(GeneratedImage.pgm(seed: seed + 898))
        try await engine.removeImage(id: "card-\(seed + 3)", reason: "duplicate")
        try await engine.append([.healthChecked(HealthChecked(isPassing: true, status: "OK", reason: nil))])
    }

    @Test func theLiveStateEqualsAReplayAfterEveryKindOfCall() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        try await writeHistory(engine)
        let live = engine.projections
        try await engine.close()
        // close() appended its snapshot's event after `live`.
        let replayed = try fixture.replayFromScratch(atSeq: live.seq)
        #expect(try fixture.replayFromScratch().projections.seq == live.seq + 1)
        #expect(live.stateHash == replayed.projections.stateHash)
        #expect(live.library.count == 4)
        #expect(live.library.image(withId: "card-103") == nil)
        #expect(live.reviewQueue.open.count == 1)
        #expect(fixture.warnings.lines.isEmpty)
    }

    @Test func reopeningLoadsTheCloseSnapshotAndReplaysOnlyItsEvent() async throws {
        let fixture = try EngineFixture()
        let first = try fixture.open()
        try await writeHistory(first)
        try await first.close()
        let reopened = try fixture.open()
        defer { Task { try? await reopened.close() } }
        let snapshot = try #require(reopened.startup.snapshot)
        // close() wrote the snapshot, then its snapshot.created event, the one event after it.
        #expect(reopened.startup.replayedEventCount == 1)
        #expect(snapshot.seq + 1 == reopened.head.seq)
        #expect(reopened.projections.stateHash == (try fixture.replayFromScratch()).projections.stateHash)
        #expect(reopened.startup.warning == nil)
    }

    @Test func extractionMatchesAndQueuesAsDesignSays() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        let card = GeneratedImage.pgm(seed: 1)

        let (first, empty) = try await engine.extractCompleted(card)
        #expect(empty.match == nil && empty.confidence == 0 && empty.lowConfidence)
        #expect(first.reviewItemId == "lcm-\(first.seq + 1)")
        #expect(engine.projections.reviewQueue.open[first.reviewItemId!] != nil)

        let image = try await engine.addImage(bytes: card, id: "card-1", source: "lib/card.pgm")
        let (exact, matched) = try await engine.extractCompleted(card)
        #expect(matched.match == MatchSummary(imageId: "card-1", distance: 0, confidence: 1))
        #expect(matched.hash == DifferenceHash(value: image.hash).hex && matched.sha256 == image.sha256)
        #expect(exact.reviewItemId == nil)

        let broken = try await engine.extract(bytes: [0x89, 0x50, 0x4E, 0x47], source: "torn.png")
        guard case .failure(let failure) = broken.result else { Issue.record("a torn PNG was extracted"); return }
        #expect(failure.kind == .undecodable)

        let missing = try await engine.extract(path: fixture.directory.appending("absent.png"))
        guard case .failure(let absent) = missing.result else { Issue.record("a missing file was extracted"); return }
        #expect(absent.kind == .missing)

        let metrics = engine.health().0
        #expect(metrics.totalExtractions == 4 && metrics.failedExtractions == 2)
        #expect(metrics.reviewQueueLength == 1)
        try await engine.close()
    }

    @Test func libraryRefusesDuplicatesAndReservedIdsWithoutAppending() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        let card = GeneratedImage.pgm(seed: 7)
        _ = try await engine.addImage(bytes: card, id: "c", source: "a")
        let head = engine.head.seq
        await #expect(throws: EngineError.self) { _ = try await engine.addImage(bytes: card, id: "d", source: "again") }
        await #expect(throws: EngineError.self) { _ = try await engine.addImage(bytes: GeneratedImage.pgm(seed: 8), id: "c", source: "b") }
        await #expect(throws: EngineError.self) { _ = try await engine.addImage(bytes: GeneratedImage.pgm(seed: 9), id: "img-12", source: "b") }
        await #expect(throws: EngineError.self) { _ = try await engine.addImage(bytes: GeneratedImage.pgm(seed: 9), id: "a/b", source: "b") }
        await #expect(throws: EngineError.self) { try await engine.removeImage(id: "nope") }
        await #expect(throws: EngineError.self) { try await engine.resolve(itemId: "lcm-1", decision: .accept) }
        #expect(engine.head.seq == head)
        try await engine.close()
    }

    // Ten removals of one image at once: two answered that they had removed it, and the
    // journal held two library.image.removed.
    @Test func concurrentRemovalsOfOneImageRemoveItOnce() async throws {
        let fixture = try EngineFixture()
        // Slow writes hold each append open long enough for every removal to pass its check first.
        let isSlow = Atomic(false)
        var calls = SyscallTable.live
        calls.pwrite = { fd, buffer, offset in
            if isSlow.load(ordering: .relaxed) { usleep(100_000) }
            return SyscallTable.live.pwrite(fd, buffer, offset)
        }
        let engine = try fixture.open { $0.kernel = Kernel(calls: calls) }
        _ = try await engine.addImage(bytes: GeneratedImage.pgm(seed: 7), id: "c", source: "a")
        isSlow.store(true, ordering: .relaxed)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 { group.addTask { (try? await engine.removeImage(id: "c")) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        isSlow.store(false, ordering: .relaxed)
        #expect(outcomes.filter { $0 }.count == 1, "\(outcomes.filter { $0 }.count) removals answered success")
        var removals = 0
        var filter = EventFilter()
        filter.types = ["library.image.removed"]
        _ = try JournalReader(directory: fixture.directory.appending("journal")).read(filter) { _ in
            removals += 1
            return true
        }
        #expect(removals == 1)
        _ = try await engine.addImage(bytes: GeneratedImage.pgm(seed: 7), id: "c", source: "a")
        #expect(engine.projections.library.contains(id: "c"), "once removed, the id is free again")
        try await engine.close()
    }

    @Test func concurrentExtractionsShareCommitsAndStillReplayEqual() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        _ = try await addImages(engine, count: 3)
        let seqs = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for index in 0..<40 {
                group.addTask { try await engine.extract(bytes: GeneratedImage.pgm(seed: UInt64(index % 6) + 100), source: "p\(index)").seq }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(seqs).count == 40)
        #expect(engine.health().0.totalExtractions == 40)
        let live = engine.projections.stateHash
        try await engine.close()
        // The close snapshot's event is not in `live`; compare at the same seq.
        let last = try fixture.replayFromScratch().projections.seq - 1
        #expect(try fixture.replayFromScratch(atSeq: last).projections.stateHash == live)
    }

    @Test func aSnapshotSplitReplayEqualsAStraightOne() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        try await writeHistory(engine)
        try await engine.createSnapshot()
        try await writeHistory(engine, seed: 2000)
        try await engine.close()
        let builder = fixture.configuration().stateBuilder
        for seq in [UInt64(0), 3, 10, 14, 15, 16, 22] {
            let split = try builder.state(atSeq: seq)
            #expect(split.projections.stateHash == (try fixture.replayFromScratch(atSeq: seq)).projections.stateHash, "seq \(seq)")
        }
        #expect(try builder.state(atSeq: nil).base != nil)
    }

    @Test(arguments: ["state", "chain", "versions"])
    func aBadSnapshotIsSkippedWithOneWarning(damage: String) async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        try await writeHistory(engine)
        let good = try await engine.createSnapshot()
        try await writeHistory(engine, seed: 2000)
        let state = engine.projections
        try await engine.close()
        let store = SnapshotStore(directory: fixture.snapshotDirectory)
        let newest = try #require(try store.list().first)
        #expect(newest.id != good.header.id)
        let seq = newest.seq
        try store.remove(id: newest.id)
        switch damage {
        case "state":
            _ = try store.write(seq: seq, timestamp: state.timestamp, chain: newest.header!.chain, projectionVersions: ProjectionSet.versions,
                                state: Array("{\"forged\":true}".utf8))
        case "chain":
            _ = try store.write(seq: seq, timestamp: state.timestamp, chain: good.header.chain, projectionVersions: ProjectionSet.versions,
                                state: state.encoded())
        default:
            var versions = ProjectionSet.versions
            versions[LibraryProjection.name] = 99
            _ = try store.write(seq: seq, timestamp: state.timestamp, chain: newest.header!.chain, projectionVersions: versions, state: state.encoded())
        }
        let reopened = try fixture.open()
        #expect(reopened.startup.snapshot?.id == good.header.id)
        #expect(reopened.startup.skippedSnapshots.count == 1)
        #expect(fixture.warnings.lines.count == 1)
        #expect(reopened.projections.stateHash == (try fixture.replayFromScratch()).projections.stateHash)
        try await reopened.close()
    }

    @Test func aFlippedByteInASnapshotFileIsCaughtByItsChecksum() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        try await writeHistory(engine)
        let written = try await engine.createSnapshot()
        try await engine.close()
        try fixture.flipByte(fromEnd: 3, ofSnapshot: written.header.id)
        let verdicts = try fixture.configuration().stateBuilder.verdicts(deep: false)
        #expect(verdicts.first { $0.listing.id == written.header.id }?.problem?.code == .checksumMismatch)
    }

    @Test func rollbackIsRefusedWhileHealthyAndDryPlansAppendNothing() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        _ = try await addImages(engine, count: 2)
        let point = try await engine.createSnapshot()
        _ = try await addImages(engine, count: 3, seed: 500)
        let head = engine.head.seq
        let plan = try engine.planRollback(to: .snapshot(point.header.id), force: false)
        #expect(plan.refusal != nil)
        #expect(plan.current.libraryImages == 5 && plan.target.libraryImages == 2)
        #expect(engine.head.seq == head)
        await #expect(throws: EngineError.self) { _ = try await engine.rollback(to: .snapshot(point.header.id), reason: "test", force: false) }
        #expect(engine.head.seq == head)
        #expect(throws: EngineError.self) { _ = try engine.planRollback(to: .snapshot("missing"), force: true) }
        #expect(throws: EngineError.self) { _ = try engine.planRollback(to: .seq(head + 5), force: true) }
        try await engine.close()
    }

    @Test func rollbackReplaysToTheTargetAndAgreesWithAFreshReplay() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        _ = try await addImages(engine, count: 2)
        let point = try await engine.createSnapshot()
        _ = try await addImages(engine, count: 3, seed: 500)
        _ = try await engine.extractCompleted(GeneratedImage.pgm(seed: 4242))
        let outcome = try await engine.rollback(to: .snapshot(point.header.id), reason: "bad release", force: true)
        #expect(outcome.plan.toSeq == point.header.seq)
        #expect(engine.projections.library.count == 2)
        #expect(engine.projections.reviewQueue.open.isEmpty)
        // Metrics keep the operational record: the extraction still counts.
        #expect(engine.health().0.totalExtractions == 1)
        // Images added after the rollback get fresh default ids.
        _ = try await addImages(engine, count: 1, seed: 700)
        let live = engine.projections.stateHash
        try await engine.close()
        let last = try fixture.replayFromScratch().projections.seq - 1
        #expect(try fixture.replayFromScratch(atSeq: last).projections.stateHash == live)
    }

    @Test func concurrentRollbacksGoOneAtATime() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        _ = try await addImages(engine, count: 2)
        let point = try await engine.createSnapshot()
        _ = try await addImages(engine, count: 3, seed: 500)
        let outcomes = await withTaskGroup(of: Result<RollbackOutcome, EngineError>.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    do throws(EngineError) {
                        return .success(try await engine.rollback(to: .snapshot(point.header.id), reason: "race", force: true))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let done = outcomes.filter { if case .success = $0 { true } else { false } }.count
        let refused = outcomes.filter { if case .failure(let error) = $0 { error.code == .conflict } else { false } }.count
        #expect(done >= 1 && done + refused == 6, "each either ran alone or was refused as a conflict")
        #expect(engine.projections.releases.rollbacks.count == done)
        #expect(engine.projections.library.count == 2)
        try await engine.close()
    }

    @Test func rollbackToASeqInsideACommitIsRefused() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        let (outcome, _) = try await engine.extractCompleted(GeneratedImage.pgm(seed: 3))
        // extraction.completed and lcm.enqueued share one frame: seq 1 is inside it.
        #expect(outcome.seq == 1 && engine.head.seq == 2)
        #expect(throws: EngineError.self) { _ = try engine.planRollback(to: .seq(1), force: true) }
        let plan = try engine.planRollback(to: .seq(0), force: true)
        #expect(plan.target.openReviewItems == 0 && plan.current.openReviewItems == 1)
        try await engine.close()
    }

    @Test func rollbackToATamperedSnapshotIsRefused() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        _ = try await addImages(engine, count: 2)
        let point = try await engine.createSnapshot()
        try fixture.flipByte(fromEnd: 2, ofSnapshot: point.header.id)
        let head = engine.head.seq
        await #expect(throws: EngineError.self) { _ = try await engine.rollback(to: .snapshot(point.header.id), reason: "x", force: true) }
        #expect(engine.head.seq == head)
        try await engine.close()
    }

    @Test func restoreAtEverySeqEqualsAReplayThere() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        try await writeHistory(engine)
        try await engine.close()
        let head = try fixture.replayFromScratch().projections.seq
        let restore = PointInTimeRestore(source: fixture.configuration())
        for seq in 0...head {
            let target = fixture.directory.appending("restored-\(seq)")
            let report = try restore.run(try restore.plan(.seq(seq), to: target))
            #expect(report.plan.throughSeq == seq)
            let expected = try fixture.replayFromScratch(atSeq: seq).projections.stateHash
            var configuration = EngineConfiguration(dataDirectory: target)
            configuration.snapshotsOnClose = false
            let restored = try Engine.open(configuration)
            #expect(restored.projections.stateHash == expected, "seq \(seq)")
            #expect(restored.head.seq == seq)
            #expect(restored.startup.replayedEventCount == 0)
            try await restored.close()
        }
    }

    @Test func restoreByTimeResolvesBeforeBetweenAndAfter() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        let before = fixture.clock.now()
        _ = try await addImages(engine, count: 2)
        fixture.clock.advance(seconds: 60)
        let between = fixture.clock.now()
        _ = try await addImages(engine, count: 2, seed: 300)
        try await engine.close()
        let restore = PointInTimeRestore(source: fixture.configuration())
        #expect(try restore.plan(.time(before), to: fixture.directory.appending("t1")).throughSeq == 0)
        #expect(try restore.plan(.time(between), to: fixture.directory.appending("t2")).throughSeq == 2)
        let head = try fixture.replayFromScratch().projections.seq
        #expect(try restore.plan(.time(fixture.clock.now() + 1_000_000), to: fixture.directory.appending("t3")).throughSeq == head)
    }

    @Test func restoreRefusesANonEmptyTargetAndLeavesItAlone() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        _ = try await addImages(engine, count: 1)
        try await engine.close()
        let target = fixture.directory.appending("busy")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: target + "/notes.txt"))
        let restore = PointInTimeRestore(source: fixture.configuration())
        #expect(throws: EngineError.self) { _ = try restore.plan(.seq(1), to: target) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["notes.txt"])
    }

    @Test func automaticSnapshotsFollowTheIntervalAndRetentionKeepsTheNewest() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open {
            $0.snapshotInterval = 5
            $0.snapshotRetention = 2
            $0.snapshotHistorySpacing = 0
        }
        for index in 0..<30 {
            try await engine.append([.logRecorded(LogRecorded(level: "info", message: "m\(index)", category: "t", metadata: .object([])))])
        }
        try await engine.close()
        let verdicts = try fixture.configuration().stateBuilder.verdicts(deep: true)
        #expect(verdicts.count == 2)
        #expect(verdicts.allSatisfy { $0.isVerified && $0.isDeeplyVerified })
        let created = try fixture.replayFromScratch().projections
        #expect(created.seq > 30)
    }

    @Test func retentionKeepsTheOldestSnapshotOfEachHistorySpan() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open {
            $0.snapshotInterval = 5
            $0.snapshotRetention = 2
            $0.snapshotHistorySpacing = 20
        }
        for index in 0..<60 {
            try await engine.append([.logRecorded(LogRecorded(level: "info", message: "m\(index)", category: "t", metadata: .object([])))])
        }
        try await engine.close()
        let seqs = try fixture.configuration().stateBuilder.verdicts(deep: false).map(\.listing.seq)
        // Snapshots every 5 folded events (each adds its snapshot.created): the newest two, and
        // one per span of 20 seqs before them, so no point is 40 or more events from a snapshot.
        #expect(seqs.count > 2 && seqs.count < 8, "kept \(seqs)")
        #expect(seqs.min()! < 20, "the first span's snapshot stays")
        for (newer, older) in zip(seqs, seqs.dropFirst()) { #expect(newer - older < 40, "kept \(seqs)") }
    }

    @Test func theEngineAfterCloseRefusesToAppend() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        _ = try await addImages(engine, count: 1)
        try await engine.close()
        await #expect(throws: EngineError.self) { try await engine.append([.metricsReset(MetricsReset(reason: "x"))]) }
    }
}
