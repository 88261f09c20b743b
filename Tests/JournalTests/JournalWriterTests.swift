import Foundation
import Integrity
import Synchronization
import Dispatch
@testable import Journal
import Testing

@Suite struct JournalWriterTests {
    @Test func appendsAreReadBackInOrderWithGaplessSeqs() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        #expect(try writer.append([journal.draft(1)]).seqs == 1...1)
        #expect(try writer.append([journal.draft(2), journal.draft(3), journal.draft(4)]).seqs == 2...4)
        #expect(writer.headSeq == 4)
        let chain = writer.chainValue
        try writer.close()
        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil)
        #expect(events.map(\.seq) == [1, 2, 3, 4])
        #expect(events.map(\.data) == (1...4).map { journal.draft($0).data })
        #expect(events[1].requestId == "req-2")
        #expect(events[0].requestId == nil)
        let report = try JournalVerifier.verify(directory: journal.directory, deep: true)
        #expect(report.isIntact)
        #expect(report.chain == chain)
        #expect(report.headSeq == 4)
    }

    @Test func aBigAppendIsOneFrameAndReadsBack() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(durability: .always))
        let drafts = (0..<2_000).map { journal.draft($0) }
        #expect(try writer.append(drafts).seqs == 1...2_000)
        #expect(try writer.append([journal.draft(7)]).seqs == 2_001...2_001)
        try writer.close()
        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil)
        #expect(events.map(\.data) == (drafts + [journal.draft(7)]).map(\.data))
        let report = try JournalVerifier.verify(directory: journal.directory, deep: true)
        #expect(report.isIntact && report.frameCount == 2)
    }

    @Test func reopeningContinuesSeqsAndChainAcrossSegments() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        for round in 0..<3 {
            let writer = try JournalWriter.open(journal.configuration(segmentByteLimit: 300, preallocation: 512))
            for index in 0..<5 { _ = try writer.append([journal.draft(round * 5 + index)]) }
            try writer.close()
        }
        #expect(try journal.segmentPaths().count > 2)
        let (events, summary) = try journal.readAll()
        #expect(summary.damage == nil)
        #expect(events.map(\.seq) == Array(1...15))
        #expect(try JournalVerifier.verify(directory: journal.directory, deep: true).isIntact)
    }
}

@Suite struct GroupCommitTests {
    @Test func manyThreadsAppendingGetGaplessSeqsAndEveryAcknowledgedEventIsReadable() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(durability: .always, segmentByteLimit: 4096, preallocation: 1024))
        let threads = 16, perThread = 40
        let acknowledged = Mutex<[UInt64: [UInt8]]>([:])
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for thread in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for index in 0..<perThread {
                    let drafts = (0...(index % 3)).map { journal.draft(thread * 1000 + index * 10 + $0) }
                    do {
                        let seqs = try writer.append(drafts).seqs
                        acknowledged.withLock { map in
                            for (offset, seq) in seqs.enumerated() { map[seq] = drafts[offset].data }
                        }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
        }
        group.wait()
        #expect(failures.withLock { $0 } == [])
        let expected = acknowledged.withLock { $0 }
        try journal.expectAcknowledgedEventsReadBack(expected, closing: writer)
    }

    @Test(.timeLimit(.minutes(2))) func aReaderFollowsAWriterAcrossSegments() async throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration(durability: .none, segmentByteLimit: 2048, preallocation: 512))
        let total = 300
        let producerErrors = Mutex<[String]>([])
        let producer = Thread {
            for index in 0..<total {
                do { _ = try writer.append([journal.draft(index)]) } catch { producerErrors.withLock { $0.append("\(error)") } }
            }
        }
        producer.start()
        var seen: [UInt64] = []
        for try await event in JournalReader(directory: journal.directory).follow() {
            seen.append(event.seq)
            if seen.count == total { break }
        }
        #expect(producerErrors.withLock { $0 } == [])
        #expect(seen == Array(1...UInt64(total)))
        try writer.close()
    }
}

@Suite struct WriterLockTests {
    @Test func aSecondWriterInThisProcessIsRefusedNamingTheHolder() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let first = try JournalWriter.open(journal.configuration())
        do {
            _ = try JournalWriter.open(journal.configuration())
            Issue.record("second writer opened")
        } catch {
            #expect(error.code == .locked)
            #expect(error.description.contains("pid \(getpid())"))
        }
        try first.close()
        let again = try JournalWriter.open(journal.configuration())
        try again.close()
    }

    @Test func aSecondWriterProcessIsRefusedNamingTheHolder() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let holder = try JournalWriter.open(journal.configuration())
        defer { try? holder.close() }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mobius-dhash")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the mobius-dhash product first (swift build --build-tests builds it)")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["append", "--data", journal.root.path, "--type", "t", "--payload", "{}"]
        let errors = Pipe(), output = Pipe()
        process.standardError = errors
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(message.contains("journal locked"))
        #expect(message.contains("pid \(getpid())"))
        #expect(output.fileHandleForReading.readDataToEndOfFile().isEmpty, "nothing acknowledged")
    }
}
