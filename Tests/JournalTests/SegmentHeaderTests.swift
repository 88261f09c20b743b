import Integrity
@testable import Journal
import Testing

@Suite struct SegmentHeaderTests {
    static let header = SegmentHeader(dictionaryId: 1, firstSeq: 42, baseTimestamp: 1_795_000_000_000_000,
                                      previousChain: SHA256.hash(Array("x".utf8)))

    static func decode(_ bytes: [UInt8]) throws(FrameError) -> SegmentHeader? {
        var result: Result<SegmentHeader?, FrameError> = .success(nil)
        bytes.withUnsafeBytes { raw in
            var cursor = ByteCursor(raw)
            do throws(FrameError) { result = .success(try SegmentHeader.decode(&cursor)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    @Test func roundTripsIn64Bytes() throws {
        let bytes = SegmentHeaderTests.header.encoded()
        #expect(bytes.count == 64)
        #expect(Array(bytes[0..<4]) == Array("MDJ1".utf8))
        #expect(try SegmentHeaderTests.decode(bytes) == SegmentHeaderTests.header)
        for cut in 0..<64 { #expect(try SegmentHeaderTests.decode(Array(bytes[..<cut])) == nil) }
    }

    /// Rewrites one field and fixes the CRC, so only the field's bound can reject it.
    static func withField(at offset: Int, _ value: some FixedWidthInteger) -> [UInt8] {
        var bytes = header.encoded()
        bytes.setLittleEndian(value, at: offset)
        bytes.setLittleEndian(CRC32.checksum(Array(bytes[..<60])), at: 60)
        return bytes
    }

    @Test func everyFieldIsChecked() {
        let cases: [([UInt8], FrameError.Code)] = [
            (SegmentHeaderTests.withField(at: 0, UInt32(0x3249_444D)), .badMagic),
            (SegmentHeaderTests.withField(at: 4, UInt16(3)), .unsupportedVersion),
            (SegmentHeaderTests.withField(at: 4, UInt16(0)), .unsupportedVersion),
            (SegmentHeaderTests.withField(at: 6, UInt16(65)), .fieldOutOfBounds),
            (SegmentHeaderTests.withField(at: 8, UInt32(99)), .unsupportedVersion),
            (SegmentHeaderTests.withField(at: 12, UInt64(0)), .fieldOutOfBounds),
        ]
        for (bytes, code) in cases {
            do {
                _ = try SegmentHeaderTests.decode(bytes)
                Issue.record("expected \(code)")
            } catch {
                #expect(error.code == code)
            }
        }
        var flipped = SegmentHeaderTests.header.encoded()
        flipped[30] ^= 1
        #expect(throws: FrameError(.checksumMismatch, at: 60, "segment header CRC-32 is \(UInt32(littleEndian: flipped[60..<64].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })), bytes give \(CRC32.checksum(Array(flipped[..<60])))")) {
            _ = try SegmentHeaderTests.decode(flipped)
        }
    }

    @Test func segmentNamesCarryTheFirstSeq() {
        #expect(JournalFormat.segmentFileName(firstSeq: 1) == "00000000000000000001.seg")
        #expect(JournalFormat.firstSeq(ofSegmentFileName: "00000000000000001234.seg") == 1234)
        #expect(JournalFormat.firstSeq(ofSegmentFileName: "0000000000000000123x.seg") == nil)
        #expect(JournalFormat.firstSeq(ofSegmentFileName: "LOCK") == nil)
    }
}
