import Foundation
import Imaging
import Integrity
import POSIX
@testable import MobiusCore
import TestSupport
import Testing

/// Extraction reads a file once, in chunks, for both its SHA-256 and its fingerprint: the
/// results must be those of the whole file in memory, whatever the chunking.
@Suite struct ImageScanTests {
    /// A PGM of several 256 KiB chunks.
    private let large = GeneratedImage.pgm(seed: 41, width: 900, height: 700)

    private func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func aFileReadInChunksGivesWhatItsBytesGive() async throws {
        #expect(large.count > 2 * ImageScan.chunkByteCount)
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        let path = fixture.directory.appending("large.pgm")
        try write(large, to: path)
        let fromFile = try await engine.extract(path: path, source: "s").result.get()
        let fromBytes = try await engine.extract(bytes: large, source: "s").result.get()
        let fingerprint = try Fingerprinter.fingerprint(large)
        #expect(fromFile.sha256 == SHA256.hash(large).hex && fromBytes.sha256 == fromFile.sha256)
        #expect(fromFile.byteSize == large.count && fromBytes.byteSize == large.count)
        #expect(fromFile.hash == fingerprint.hash.hex && fromBytes.hash == fromFile.hash)
        #expect(fromFile.width == 900 && fromFile.height == 700)
        try await engine.close()
    }

    /// Bytes after a complete image are not decoded, but they are the input's: they count for
    /// the SHA-256 and the size. So do the bytes after the decoder refused the image.
    @Test func bytesAfterTheImageOrAfterARefusalCountForTheDigest() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        let trailed = large + [UInt8](repeating: 0xAB, count: ImageScan.chunkByteCount + 5)
        let completed = try await engine.extract(bytes: trailed, source: "t").result.get()
        #expect(completed.sha256 == SHA256.hash(trailed).hex && completed.byteSize == trailed.count)
        #expect(completed.hash == (try Fingerprinter.fingerprint(large)).hash.hex)

        var broken = large
        broken.replaceSubrange(0..<2, with: Array("Q5".utf8))
        let path = fixture.directory.appending("broken.pgm")
        try write(broken, to: path)
        guard case .failure(let failure) = try await engine.extract(path: path).result else {
            Issue.record("a file that is no image was extracted")
            return
        }
        #expect(failure.kind == .undecodable)
        #expect(failure.event.sha256 == SHA256.hash(broken).hex && failure.event.byteSize == broken.count)
        try await engine.close()
    }

    @Test func aFileOverTheLimitOrGrowingPastItWhileReadIsRefused() async throws {
        let fixture = try EngineFixture()
        let path = fixture.directory.appending("growing.pgm")
        try write(large, to: path)
        let limit = large.count + 10
        let loader = ImageFileLoader(maxBytes: large.count - 1)
        guard case .failure(let over) = loader.scan(path, limits: DecodingLimits()) else {
            Issue.record("a file over the limit was read")
            return
        }
        #expect(over.kind == .tooLarge && over.reason.contains("is \(large.count) bytes"))

        // The file grows by a chunk once its size was checked and its first chunk read.
        var calls = SyscallTable.live
        calls.pread = { fd, buffer, offset in
            let result = SyscallTable.live.pread(fd, buffer, offset)
            if offset == 0, let handle = FileHandle(forWritingAtPath: path) {
                handle.seekToEndOfFile()
                handle.write(Data(repeating: 0, count: ImageScan.chunkByteCount))
                handle.closeFile()
            }
            return result
        }
        let growing = ImageFileLoader(kernel: Kernel(calls: calls), maxBytes: limit)
        guard case .failure(let grew) = growing.scan(path, limits: DecodingLimits()) else {
            Issue.record("a file that grew past the limit was read")
            return
        }
        #expect(grew.kind == .tooLarge && grew.reason.contains("grew past the \(limit)-byte limit"))
    }

    @Test func addingAFileRecordsTheDigestAndSizeOfAllOfIt() async throws {
        let fixture = try EngineFixture()
        let engine = try fixture.open()
        let path = fixture.directory.appending("card.pgm")
        try write(large, to: path)
        let image = try await engine.addImage(path: path, id: "card")
        #expect(image.sha256 == SHA256.hash(large).hex && image.byteSize == large.count)
        #expect(image.hash == (try Fingerprinter.fingerprint(large)).hash.value)
        await #expect(throws: EngineError.self) { _ = try await engine.addImage(bytes: large, id: "again", source: "again") }
        try await engine.close()
    }

    /// Files scanned two at a time, side by side, give what each gives alone: files of one
    /// chunk and of several, empty, broken and trailed ones, and ones that cannot be opened
    /// (which free their slot at once), each handed back once with the index it was claimed by.
    @Test func filesScannedSideBySideGiveWhatEachGivesAlone() throws {
        let directory = try TemporaryDirectory("mobius-scanner")
        var random = SeededGenerator(seed: 0x5CA7)
        var expected: [Int: [UInt8]?] = [:], paths: [String] = []
        for index in 0..<40 {
            let path = directory.appending("\(index).pgm")
            var bytes: [UInt8]? = switch Int.random(in: 0..<8, using: &random) {
            case 0: nil
            case 1: []
            case 2, 3: large
            default: GeneratedImage.pgm(seed: UInt64(index), width: Int.random(in: 8...400, using: &random), height: Int.random(in: 8...300, using: &random))
            }
            if bytes != nil, Bool.random(using: &random) { bytes! += [UInt8](repeating: 7, count: Int.random(in: 1...300_000, using: &random)) }
            if let bytes { try write(bytes, to: path) }
            expected[index] = bytes
            paths.append(path)
        }
        var next = 0
        let scanner = ImageFileScanner(loader: ImageFileLoader(maxBytes: 1 << 30), limits: DecodingLimits()) {
            defer { next += 1 }
            return next < paths.count ? (next, paths[next]) : nil
        }
        var seen = Set<Int>()
        while let (index, path, scan) = scanner.next() {
            #expect(seen.insert(index).inserted && path == paths[index], "file \(index) handed back once, with its path")
            guard let bytes = expected[index]! else {
                #expect(throws: ImageReadError.self, "file \(index) does not exist") { try scan.get() }
                continue
            }
            let scanned = try scan.get()
            #expect(scanned.sha256 == SHA256.hash(bytes).hex && scanned.byteSize == bytes.count, "file \(index)")
            let alone = ImageScan.scan(bytes, limits: DecodingLimits()).fingerprint
            switch (scanned.fingerprint, alone) {
            case (.success(let side), .success(let single)): #expect(side == single, "file \(index)")
            case (.failure, .failure): break
            default: Issue.record("file \(index): \(scanned.fingerprint) scanned beside another, \(alone) alone")
            }
        }
        #expect(seen == Set(0..<40))
    }
}
