import Dispatch
import Foundation
@testable import Journal
import Synchronization
@testable import POSIX
import Testing

/// Holds every `fdatasync` while shut, so a test can line appends up behind a frame in flight.
final class SyncGate: Sendable {
    private let isShut = Atomic<Bool>(true)
    /// `fdatasync` calls that reached the gate while it was shut.
    let heldCount = Atomic<Int>(0)
    private let opened = DispatchSemaphore(value: 0)

    /// `calls` with `fdatasync` passing through the gate first.
    func wrapping(_ calls: SyscallTable) -> SyscallTable {
        var gated = calls
        gated.fdatasync = { [self] fd in
            if isShut.load(ordering: .acquiring) {
                heldCount.add(1, ordering: .relaxed)
                opened.wait()
            }
            return calls.fdatasync(fd)
        }
        return gated
    }

    /// Lets the held sync and every later one through (one sync is in flight at a time); call
    /// it once a sync is held, or with none to come (a second call does nothing).
    func open() {
        guard isShut.exchange(false, ordering: .acquiringAndReleasing) else { return }
        opened.signal()
    }
}

extension Result where Failure == JournalError {
    /// The error's code, nil on success.
    var code: JournalError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}

/// A mutex-guarded value that tasks and threads capture by reference.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

/// Polls `condition` (1 ms apart, up to 20 s) until it holds; records an issue if it never does.
/// A wait for a state, not a timing assertion: the bound only keeps a broken build from hanging.
func eventually(_ what: String, _ condition: () -> Bool) async -> Bool {
    for _ in 0..<20_000 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    Issue.record("never happened: \(what)")
    return false
}

@Suite struct AsyncAppendTests {
    @Test(arguments: [0, 4])
    func manyTasksAndThreadsAppendingGetGaplessSeqsAndEveryAcknowledgedEventIsReadable(threads: Int) async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(durability: .always, segmentByteLimit: 4096, preallocation: 1024))
        let tasks = 64, perAppender = 12
        let acknowledged = Shared<[UInt64: [UInt8]]>([:])
        let failures = Shared<[String]>([])
        @Sendable func record(_ seqs: ClosedRange<UInt64>, _ drafts: [EventDraft]) {
            acknowledged.withLock { map in
                for (offset, seq) in seqs.enumerated() { map[seq] = drafts[offset].data }
            }
        }
        // Blocking appenders share the queue with the tasks: they lead frames holding async
        // requests and the committers lead frames holding theirs.
        let group = DispatchGroup()
        for thread in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for index in 0..<perAppender {
                    let drafts = [journal.draft(100_000 + thread * 1000 + index)]
                    do { record(try writer.append(drafts).seqs, drafts) } catch { failures.withLock { $0.append("\(error)") } }
                }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for index in 0..<perAppender {
                        let drafts = (0...(index % 3)).map { journal.draft(task * 1000 + index * 10 + $0) }
                        do { record(try await writer.append(drafts).seqs, drafts) } catch { failures.withLock { $0.append("\(error)") } }
                    }
                }
            }
        }
        group.wait()
        #expect(failures.withLock { $0 } == [])
        let expected = acknowledged.withLock { $0 }
        #expect(expected.count == tasks * 24 + threads * perAppender)
        try journal.expectAcknowledgedEventsReadBack(expected, closing: writer)
    }

    @Test func anInjectedSyncFailureFailsEveryPendingAndLaterAsyncAppend() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let setup = try JournalWriter.open(journal.configuration(durability: .always))
        for index in 0..<3 { _ = try await setup.append([journal.draft(index)]) }
        let chainBefore = setup.chainValue
        try setup.close()
        // The same journal again, through a writer whose next sync is held at a gate.
        let faults = Faults()
        let shutGate = SyncGate()
        defer { shutGate.open() }
        var configuration = journal.configuration(durability: .always, calls: shutGate.wrapping(faults.calls))
        configuration.pendingEventLimit = 20
        let held = try JournalWriter.open(configuration)
        let outcomes = Shared<[Result<ClosedRange<UInt64>, JournalError>]>([])
        func launch(_ indices: Range<Int>) -> Task<Void, Never> {
            Task {
                await withTaskGroup(of: Void.self) { group in
                    for index in indices {
                        group.addTask {
                            let outcome: Result<ClosedRange<UInt64>, JournalError>
                            do throws(JournalError) { outcome = .success(try await held.append([journal.draft(10 + index)]).seqs) } catch { outcome = .failure(error) }
                            outcomes.withLock { $0.append(outcome) }
                        }
                    }
                }
            }
        }
        // One frame held in fdatasync, 19 more appends accepted (queued or built into frames
        // waiting for the I/O role), 5 waiting for room.
        let first = launch(0..<1)
        try #require(await eventually("a frame in sync") { shutGate.heldCount.load(ordering: .relaxed) == 1 })
        let rest = launch(1..<25)
        try #require(await eventually("appends built, queued and waiting") { held.update { $0.waitingForRoom.count == 5 && !$0.ready.isEmpty } })
        faults.syncErrno.store(EIO, ordering: .relaxed)
        shutGate.open()
        for appends in [first, rest] { await appends.value }

        let results = outcomes.withLock { $0 }
        #expect(results.count == 25)
        for result in results {
            switch result {
            case .success(let seqs): Issue.record("acknowledged \(seqs) although its sync failed")
            case .failure(let error):
                #expect(error.code == .io || error.code == .writerFailed)
                #expect(error.errno == EIO)
            }
        }
        #expect(held.headSeq == 3)
        #expect(held.chainValue == chainBefore)
        faults.syncErrno.store(0, ordering: .relaxed)
        do throws(JournalError) {
            _ = try await held.append([journal.draft(99)])
            Issue.record("a failed writer accepted an append")
        } catch {
            #expect(error.code == .writerFailed)
            #expect(error.description.contains("errno \(EIO)"))
        }
        try held.close()

        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil)
        #expect(events.map(\.data) == (0..<3).map { journal.draft($0).data })
        #expect(try JournalVerifier.verify(directory: journal.directory, deep: true).isIntact)
    }

    @Test func appendsOverTheLimitWaitInOrderAndCancellingAWaitingOneWithdrawsIt() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let gate = SyncGate()
        defer { gate.open() }
        var configuration = journal.configuration(durability: .always, calls: gate.wrapping(.live))
        configuration.pendingEventLimit = 4
        let writer = try JournalWriter.open(configuration)
        var tasks: [Task<Result<ClosedRange<UInt64>, JournalError>, Never>] = []
        func start(_ index: Int) {
            tasks.append(Task {
                do throws(JournalError) { return .success(try await writer.append([journal.draft(index)]).seqs) } catch { return .failure(error) }
            })
        }
        // Appends one at a time, so their arrival order is known: 0 is held in fdatasync, 1 is
        // built and waits for the I/O role, 2 and 3 fill the 4 places, 4…6 wait for room.
        start(0)
        try #require(await eventually("append 0 in fdatasync") { gate.heldCount.load(ordering: .relaxed) == 1 })
        start(1)
        try #require(await eventually("append 1 built") { writer.update { $0.ready.count == 1 } })
        for index in 2...3 {
            start(index)
            try #require(await eventually("append \(index) accepted") { writer.update { $0.acceptedEventCount == index + 1 } })
        }
        for index in 4...6 {
            start(index)
            try #require(await eventually("append \(index) waiting for room") { writer.update { $0.waitingForRoom.count == index - 3 } })
        }
        // Cancelling an accepted append changes nothing; cancelling a waiting one withdraws it.
        tasks[3].cancel()
        tasks[5].cancel()
        #expect(await tasks[5].value.code == .cancelled)
        #expect(writer.update { $0.acceptedEventCount == 4 && $0.waitingForRoom.count == 2 })

        gate.open()
        var seqs: [UInt64] = []
        for (index, task) in tasks.enumerated() where index != 5 {
            let range = try await task.value.get()
            #expect(range.count == 1)
            seqs.append(range.lowerBound)
        }
        #expect(seqs == Array(1...6), "acknowledged in arrival order, without a gap for the withdrawn append")
        try writer.close()
        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil)
        #expect(events.map(\.data) == [0, 1, 2, 3, 4, 6].map { journal.draft($0).data })
    }

    @Test func anAppendFromAnAlreadyCancelledTaskWritesNothing() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        let task = Task { () async -> Result<ClosedRange<UInt64>, JournalError> in
            while !Task.isCancelled { await Task.yield() }
            do throws(JournalError) { return .success(try await writer.append([journal.draft(1)]).seqs) } catch { return .failure(error) }
        }
        task.cancel()
        #expect(await task.value.code == .cancelled)
        #expect(try await writer.append([journal.draft(2)]).seqs == 1...1)
        try writer.close()
        do throws(JournalError) {
            _ = try await writer.append([journal.draft(3)])
            Issue.record("a closed writer accepted an append")
        } catch {
            #expect(error.code == .closed)
        }
        #expect(try journal.readAll().events.map(\.data) == [journal.draft(2).data])
    }

    @Test func aWriterDroppedWithoutCloseStopsItsCommittersAndReleasesTheLock() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        do {
            let writer = try JournalWriter.open(journal.configuration())
            #expect(try await writer.append([journal.draft(1)]).seqs == 1...1)
        }
        // The committer threads hold the writer only while committing, so it deinitialises (and
        // unlocks) once the last commit has returned; a retain cycle would keep it locked forever.
        var reopened: JournalWriter? = nil
        _ = await eventually("the dropped writer released its lock") {
            reopened = try? JournalWriter.open(journal.configuration())
            return reopened != nil
        }
        #expect(try await reopened?.append([journal.draft(2)]).seqs == 2...2)
        try reopened?.close()
    }
}
