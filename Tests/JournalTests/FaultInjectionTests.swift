import Foundation
@testable import Journal
import Synchronization
@testable import POSIX
import Testing

/// Faults injected through the syscall funnel, switched on and off while a writer runs.
final class Faults: Sendable {
    /// errno for the next pwrite calls (0: succeed).
    let writeErrno = Atomic<Int32>(0)
    /// errno for the next fdatasync calls (0: succeed).
    let syncErrno = Atomic<Int32>(0)
    /// Largest byte count one pwrite may write (0: no limit) — short writes.
    let shortWriteLimit = Atomic<Int>(0)
    /// pwrite calls that succeed (short or not) before `writeErrno` applies; −1: apply at once.
    let writesBeforeError = Atomic<Int>(-1)
    /// A full disk: no file may grow past this size (0: no limit); writes beyond it are short,
    /// then fail with ENOSPC, as on a real filesystem.
    let capacity = Atomic<Int>(0)

    var calls: SyscallTable {
        var calls = SyscallTable.live
        let live = SyscallTable.live
        calls.pwrite = { [self] fd, buffer, offset in
            let code = writeErrno.load(ordering: .relaxed)
            if code != 0 {
                let remaining = writesBeforeError.load(ordering: .relaxed)
                if remaining == 0 || remaining < 0 { return .failure(Errno(rawValue: code)) }
                writesBeforeError.store(remaining - 1, ordering: .relaxed)
            }
            let capacity = capacity.load(ordering: .relaxed)
            var info = stat()
            if capacity > 0, fstat(fd, &info) == 0, offset + buffer.count > max(capacity, Int(info.st_size)) {
                let room = max(capacity, Int(info.st_size)) - offset
                guard room > 0 else { return .failure(Errno(rawValue: ENOSPC)) }
                return live.pwrite(fd, UnsafeRawBufferPointer(rebasing: buffer[..<room]), offset)
            }
            let limit = shortWriteLimit.load(ordering: .relaxed)
            let slice = limit > 0 && buffer.count > limit ? UnsafeRawBufferPointer(rebasing: buffer[..<limit]) : buffer
            return live.pwrite(fd, slice, offset)
        }
        calls.fdatasync = { [self] fd in
            let code = syncErrno.load(ordering: .relaxed)
            guard code == 0 else { return .failure(Errno(rawValue: code)) }
            return live.fdatasync(fd)
        }
        return calls
    }
}

@Suite struct FaultInjectionTests {
    /// Appends 3 events, arms `arm`, expects the 4th append to fail with `errno`, then checks the
    /// writer stays stopped, and that a reopened journal holds exactly the acknowledged events
    /// (plus a `journal.recovered` event if a partial frame had to be cut) and verifies.
    func expectFailureIsContained(errno expected: Int32, leavesPartialFrame: Bool = false, arm: (Faults) -> Void) throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let faults = Faults()
        let writer = try JournalWriter.open(journal.configuration(durability: .always, calls: faults.calls))
        for index in 0..<3 { _ = try writer.append([journal.draft(index)]) }
        let chainBefore = writer.chainValue
        arm(faults)
        do {
            _ = try writer.append([journal.draft(3), journal.draft(4)])
            Issue.record("append succeeded despite the fault")
        } catch {
            #expect(error.code == .io)
            #expect(error.errno == expected)
            #expect(error.path?.hasSuffix(".seg") == true)
        }
        #expect(writer.headSeq == 3)
        #expect(writer.chainValue == chainBefore)
        // The fault is gone, but the writer stays stopped: it never retries and claims success.
        faults.writeErrno.store(0, ordering: .relaxed)
        faults.syncErrno.store(0, ordering: .relaxed)
        faults.shortWriteLimit.store(0, ordering: .relaxed)
        do {
            _ = try writer.append([journal.draft(5)])
            Issue.record("a failed writer accepted an append")
        } catch {
            #expect(error.code == .writerFailed)
            #expect(error.description.contains("errno \(expected)"))
        }
        try writer.close()

        let reopened = try JournalWriter.open(journal.configuration())
        #expect((!reopened.recoveryReports.isEmpty) == leavesPartialFrame)
        try reopened.close()
        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil)
        #expect(events.prefix(3).map(\.data) == (0..<3).map { journal.draft($0).data })
        #expect(events.dropFirst(3).map(\.type) == (leavesPartialFrame ? ["journal.recovered"] : []))
        #expect(try JournalVerifier.verify(directory: journal.directory, deep: true).isIntact)
    }

    @Test func diskFullOnWrite() throws {
        try expectFailureIsContained(errno: ENOSPC) { $0.writeErrno.store(ENOSPC, ordering: .relaxed) }
    }

    @Test func ioErrorOnWrite() throws {
        try expectFailureIsContained(errno: EIO) { $0.writeErrno.store(EIO, ordering: .relaxed) }
    }

    @Test func ioErrorOnSync() throws {
        try expectFailureIsContained(errno: EIO) { $0.syncErrno.store(EIO, ordering: .relaxed) }
    }

    @Test func diskFullOnSync() throws {
        try expectFailureIsContained(errno: ENOSPC) { $0.syncErrno.store(ENOSPC, ordering: .relaxed) }
    }

    @Test func shortWritesThenDiskFullLeaveAPartialFrameThatRecoveryCuts() throws {
        try expectFailureIsContained(errno: ENOSPC, leavesPartialFrame: true) { faults in
            faults.shortWriteLimit.store(7, ordering: .relaxed)
            faults.writesBeforeError.store(3, ordering: .relaxed)
            faults.writeErrno.store(ENOSPC, ordering: .relaxed)
        }
    }

    /// With less than a preallocation step free, appends go on as long as their frames fit; the
    /// first that does not fit fails with ENOSPC and nothing acknowledged is lost.
    @Test func aFullDiskStopsPreallocationNotAppends() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let faults = Faults()
        let writer = try JournalWriter.open(journal.configuration(durability: .always, preallocation: 8192, calls: faults.calls))
        _ = try writer.append([journal.draft(0)])
        let size = try Data(contentsOf: URL(fileURLWithPath: try journal.segmentPaths()[0])).count
        // The disk has 1.5 KiB left beyond what is allocated: less than one preallocation step.
        faults.capacity.store(size + 1536, ordering: .relaxed)
        var acknowledged = 1
        var failure: JournalError?
        while failure == nil && acknowledged < 10_000 {
            do {
                _ = try writer.append([journal.draft(acknowledged)])
                acknowledged += 1
            } catch {
                failure = error
            }
        }
        #expect(failure?.errno == ENOSPC, "\(String(describing: failure))")
        try? writer.close()
        faults.capacity.store(0, ordering: .relaxed)
        let reopened = try JournalWriter.open(journal.configuration())
        try reopened.close()
        let events = try journal.readAll().events
        #expect(events.prefix(acknowledged).map(\.data) == (0..<acknowledged).map { journal.draft($0).data })
        // Frames went on into the last 1.5 KiB, past the preallocated space.
        let lastFrame = try CorruptionTests.frameStarts(journal)[0].starts[acknowledged - 1]
        #expect(lastFrame > size + 1024, "last acknowledged frame at \(lastFrame); preallocated to \(size)")
        #expect(try JournalVerifier.verify(directory: journal.directory, deep: true).isIntact)
    }

    @Test func shortWritesAloneAreCompletedNotFailures() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let faults = Faults()
        faults.shortWriteLimit.store(3, ordering: .relaxed)
        let writer = try JournalWriter.open(journal.configuration(durability: .always, segmentByteLimit: 400, preallocation: 100, calls: faults.calls))
        for index in 0..<8 { _ = try writer.append([journal.draft(index)]) }
        try writer.close()
        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil)
        #expect(events.map(\.data) == (0..<8).map { journal.draft($0).data })
        #expect(try JournalVerifier.verify(directory: journal.directory, deep: true).isIntact)
    }

    @Test func interruptedCallsAreRetried() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let interrupts = Atomic<Int>(0)
        var calls = SyscallTable.live
        calls.fdatasync = { fd in
            // Every other call is interrupted by a signal.
            if interrupts.add(1, ordering: .relaxed).newValue % 2 == 1 { return .failure(Errno(rawValue: EINTR)) }
            return SyscallTable.live.fdatasync(fd)
        }
        let writer = try JournalWriter.open(journal.configuration(durability: .always, calls: calls))
        for index in 0..<4 { _ = try writer.append([journal.draft(index)]) }
        try writer.close()
        #expect(interrupts.load(ordering: .relaxed) >= 8)
        #expect(try journal.readAll().events.count == 4)
    }
}
