import Foundation
@testable import Journal
@testable import POSIX
import Testing
import TestSupport

/// Deleted, renamed, truncated, extended and swapped segments and index files (issue 6): every
/// case is damage `verify` reports with its file and offset, and write-open does what verify
/// says — refuses, or opens after rebuilding an index — however large the journal.
@Suite struct SegmentLinkTests {
    /// Four segments of a few frames each, closed cleanly (every segment has its index).
    static func journal() throws -> TestJournal {
        let journal = try TestJournal()
        let writer = try JournalWriter.open(journal.configuration(segmentByteLimit: 360))
        for index in 0..<14 { _ = try writer.append(index % 4 == 1 ? [journal.draft(index), journal.draft(index + 50)] : [journal.draft(index)]) }
        try writer.close()
        #expect(try journal.segmentPaths().count == 4)
        return journal
    }

    static func segment(_ journal: TestJournal, _ position: Int) throws -> String { try journal.segmentPaths()[position] }

    static func index(of segment: String) -> String { segment.replacingOccurrences(of: ".seg", with: ".idx") }

    /// Damages a fresh journal with `damage`, then expects verify to report it (exit 1 with a
    /// damage line naming `file`) and write-open to agree with verify, with the given verdict.
    func expect(_ name: String, file: (TestJournal) throws -> String, refuses: Bool = true,
                sourceLocation: SourceLocation = #_sourceLocation, _ damage: (TestJournal) throws -> Void) throws {
        let journal = try SegmentLinkTests.journal()
        defer { journal.root.remove() }
        let expectedFile = (try file(journal) as NSString).lastPathComponent
        try damage(journal)
        let report = try journal.expectVerifyAgreesWithWriteOpen(name, sourceLocation: sourceLocation)
        #expect(!report.isIntact, "\(name): verify says intact", sourceLocation: sourceLocation)
        #expect(report.damages.contains { $0.segment == expectedFile }, "\(name): \(report.damages.map(\.description))", sourceLocation: sourceLocation)
        if case .refuses = report.writeOpen {
            #expect(refuses, "\(name): write-open refuses", sourceLocation: sourceLocation)
        } else {
            #expect(!refuses, "\(name): write-open opens: \(report.writeOpen)", sourceLocation: sourceLocation)
        }
    }

    @Test func deletedSegmentsAreFound() throws {
        try expect("first segment deleted", file: { try SegmentLinkTests.segment($0, 1) }) { journal in
            let first = try SegmentLinkTests.segment(journal, 0)
            try FileManager.default.removeItem(atPath: first)
            try FileManager.default.removeItem(atPath: SegmentLinkTests.index(of: first))
        }
        try expect("first segment deleted, its index left", file: { try SegmentLinkTests.segment($0, 0) }) { journal in
            try FileManager.default.removeItem(atPath: try SegmentLinkTests.segment(journal, 0))
        }
        try expect("middle segment deleted", file: { try SegmentLinkTests.segment($0, 2) }) { journal in
            let middle = try SegmentLinkTests.segment(journal, 1)
            try FileManager.default.removeItem(atPath: middle)
            try FileManager.default.removeItem(atPath: SegmentLinkTests.index(of: middle))
        }
        try expect("last segment deleted", file: { try SegmentLinkTests.segment($0, 2) }) { journal in
            let last = try SegmentLinkTests.segment(journal, 3)
            try FileManager.default.removeItem(atPath: last)
            try FileManager.default.removeItem(atPath: SegmentLinkTests.index(of: last))
        }
    }

    @Test func renamedSwappedAndRewrittenSegmentsAreFound() throws {
        try expect("middle segment renamed", file: { try SegmentLinkTests.segment($0, 1) }) { journal in
            let middle = try SegmentLinkTests.segment(journal, 1)
            try FileManager.default.moveItem(atPath: middle, toPath: journal.directory + "/00000000000000000099.seg")
        }
        try expect("two segments' contents swapped", file: { try SegmentLinkTests.segment($0, 1) }) { journal in
            let (a, b) = (try SegmentLinkTests.segment(journal, 1), try SegmentLinkTests.segment(journal, 2))
            let (bytesA, bytesB) = (try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
            try bytesB.write(to: URL(fileURLWithPath: a))
            try bytesA.write(to: URL(fileURLWithPath: b))
        }
    }

    @Test func sealedSegmentsCutShortOrExtendedAreFound() throws {
        let probe = try SegmentLinkTests.journal()
        let starts = try CorruptionTests.frameStarts(probe)[1]
        probe.root.remove()
        // Cut inside a frame, exactly at a frame boundary, and at the header.
        // Cut at a frame boundary, the segment itself reads clean and the next one's link breaks.
        for (cut, damaged) in [(starts.size - 5, 1), (starts.starts.last!, 2), (starts.starts[1], 2), (40, 1)] {
            try expect("sealed segment cut at \(cut)", file: { try SegmentLinkTests.segment($0, damaged) }) { journal in
                let path = try SegmentLinkTests.segment(journal, 1)
                try Data(contentsOf: URL(fileURLWithPath: path)).prefix(cut).write(to: URL(fileURLWithPath: path))
            }
        }
        for garbage in [Data([0, 0, 0, 0]), Data([0xF5, 1, 2, 3]), Data(repeating: 0x41, count: 700)] {
            try expect("sealed segment extended by \(garbage.count) bytes", file: { try SegmentLinkTests.segment($0, 1) }) { journal in
                let path = try SegmentLinkTests.segment(journal, 1)
                try (try Data(contentsOf: URL(fileURLWithPath: path)) + garbage).write(to: URL(fileURLWithPath: path))
            }
        }
    }

    @Test func theLastSegmentCutBelowItsIndexIsFound() throws {
        try expect("last segment cut at a frame boundary under its index", file: { try SegmentLinkTests.segment($0, 3) }) { journal in
            let layout = try CorruptionTests.frameStarts(journal)[3]
            try Data(contentsOf: URL(fileURLWithPath: layout.path)).prefix(layout.starts.last!).write(to: URL(fileURLWithPath: layout.path))
        }
    }

    @Test func damagedIndexesAreRebuiltAndMissingOnesBuilt() throws {
        try expect("sealed index with a flipped byte", file: { SegmentLinkTests.index(of: try SegmentLinkTests.segment($0, 1)) }, refuses: false) { journal in
            let path = SegmentLinkTests.index(of: try SegmentLinkTests.segment(journal, 1))
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes[30] ^= 0x10
            try bytes.write(to: URL(fileURLWithPath: path))
        }
        try expect("sealed index of another segment", file: { SegmentLinkTests.index(of: try SegmentLinkTests.segment($0, 1)) }, refuses: false) { journal in
            let (a, b) = (SegmentLinkTests.index(of: try SegmentLinkTests.segment(journal, 1)), SegmentLinkTests.index(of: try SegmentLinkTests.segment(journal, 2)))
            try FileManager.default.removeItem(atPath: a)
            try FileManager.default.copyItem(atPath: b, toPath: a)
        }
        try expect("last index truncated", file: { SegmentLinkTests.index(of: try SegmentLinkTests.segment($0, 3)) }, refuses: false) { journal in
            let path = SegmentLinkTests.index(of: try SegmentLinkTests.segment(journal, 3))
            try Data(contentsOf: URL(fileURLWithPath: path)).prefix(50).write(to: URL(fileURLWithPath: path))
        }
        // A missing index is not damage: the next write-open builds it.
        let journal = try SegmentLinkTests.journal()
        defer { journal.root.remove() }
        let sealedIndex = SegmentLinkTests.index(of: try SegmentLinkTests.segment(journal, 1))
        let original = try Data(contentsOf: URL(fileURLWithPath: sealedIndex))
        try FileManager.default.removeItem(atPath: sealedIndex)
        let report = try journal.expectVerifyAgreesWithWriteOpen("sealed index missing")
        #expect(report.isIntact && report.missingIndexCount == 1)
        try JournalWriter.open(journal.configuration()).close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: sealedIndex)) == original, "rebuilt byte for byte")
    }

    @Test func writeOpenReadsHeadersAndIndexesButNoSealedFrame() throws {
        let journal = try SegmentLinkTests.journal()
        defer { journal.root.remove() }
        let sealed = try journal.segmentPaths().dropLast()
        let reads = ReadLog()
        var calls = SyscallTable.live
        calls.open = { path, flags, mode in
            let result = SyscallTable.live.open(path, flags, mode)
            if case .success(let fd) = result { reads.opened(fd, path.string) }
            return result
        }
        calls.pread = { fd, buffer, offset in
            let result = SyscallTable.live.pread(fd, buffer, offset)
            if case .success(let count) = result { reads.read(fd, offset: offset, count: count) }
            return result
        }
        try JournalWriter.open(journal.configuration(calls: calls)).close()
        for path in sealed {
            let ranges = reads.ranges(of: path)
            let header = ranges.filter { $0.upperBound <= JournalFormat.segmentHeaderLength }
            let lastFrame = try CorruptionTests.frameStarts(journal).first { $0.path == path }!.starts.last!
            let other = ranges.filter { $0.upperBound > JournalFormat.segmentHeaderLength && $0.lowerBound != lastFrame }
            #expect(!header.isEmpty, "\(path): header read")
            #expect(other.isEmpty, "\(path): write-open read sealed frames: \(other)")
        }
    }
}

/// What a journal's `pread` calls read, per file.
final class ReadLog: @unchecked Sendable {
    // @unchecked Sendable: every access takes `lock`.
    private let lock = NSLock()
    private var paths: [Int32: String] = [:]
    private var reads: [String: [Range<Int>]] = [:]

    func opened(_ fd: Int32, _ path: String) { lock.withLock { paths[fd] = path } }

    func read(_ fd: Int32, offset: Int, count: Int) {
        lock.withLock { if let path = paths[fd], count > 0 { reads[path, default: []].append(offset..<(offset + count)) } }
    }

    func ranges(of path: String) -> [Range<Int>] { lock.withLock { reads[path] ?? [] } }
}
