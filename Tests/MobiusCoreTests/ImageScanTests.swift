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
}
