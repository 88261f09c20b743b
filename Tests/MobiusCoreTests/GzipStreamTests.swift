import Foundation
@testable import MobiusCore
import Testing
import TestSupport

/// The streaming gzip pair against each other and against GNU gzip.
@Suite struct GzipStreamTests {
    static func sample(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SeededGenerator(seed: seed)
        // Half text-like, half random: both the matcher's and the stored paths.
        return (0..<count).map { index in index % 4096 < 2048 ? UInt8(ascii: "a") + UInt8(index % 23) : UInt8.random(in: 0...255, using: &random) }
    }

    static func encode(_ input: [UInt8], level: Int32, piece: Int) -> [UInt8] {
        let encoder = GzipEncoder(level: level)
        var output: [UInt8] = []
        input.withUnsafeBytes { raw in
            var position = 0
            while position < raw.count {
                let end = min(raw.count, position + piece)
                encoder.compress(UnsafeRawBufferPointer(rebasing: raw[position..<end]), appendingTo: &output)
                position = end
            }
        }
        encoder.finish(appendingTo: &output)
        return output
    }

    static func decode(_ input: [UInt8], piece: Int) throws -> [UInt8] {
        let decoder = GzipDecoder()
        var output: [UInt8] = []
        try input.withUnsafeBytes { raw in
            var position = 0
            while position < raw.count {
                let end = min(raw.count, position + piece)
                try decoder.decompress(UnsafeRawBufferPointer(rebasing: raw[position..<end])) { (bytes) throws(GzipError) in output += bytes }
                position = end
            }
        }
        try decoder.finish()
        return output
    }

    @Test(arguments: [1, 1000, 1 << 20])
    func roundTripsInPiecesAndGunzipAgrees(piece: Int) throws {
        let input = Self.sample(3 << 20, seed: UInt64(piece))
        let compressed = Self.encode(input, level: 1, piece: max(piece, 4096))
        #expect(try Self.decode(compressed, piece: piece) == input)
        let gunzip = try ExternalTool.bytes("gzip", ["-dc"], input: compressed)
        #expect(gunzip.status == 0 && gunzip.output == input)
        let theirs = try ExternalTool.bytes("gzip", ["-c", "-6"], input: input)
        #expect(try Self.decode(theirs.output, piece: piece) == input)
    }

    @Test func theOneShotHelperIsTheStream() {
        let input = Self.sample(100_000, seed: 3)
        #expect(Gzip.compress(input) == Self.encode(input, level: 6, piece: 10_000))
    }

    @Test func damageATruncationAndTrailingBytesAreRefused() throws {
        let input = Self.sample(200_000, seed: 9)
        let compressed = Self.encode(input, level: 6, piece: 65_536)
        #expect(throws: GzipOrBodyError<GzipError>.self) { _ = try Self.decode(compressed + [0], piece: 4096) }
        #expect(throws: (any Error).self) { _ = try Self.decode(Array(compressed.dropLast(3)), piece: 4096) }
        var refused = 0
        for position in stride(from: 0, to: compressed.count, by: max(1, compressed.count / 200)) {
            var flipped = compressed
            flipped[position] ^= 0x10
            if (try? Self.decode(flipped, piece: 4096)) != input { refused += 1 }
        }
        #expect(refused >= 199, "a flip that decodes to the same bytes would need the gzip header's unused fields")
    }
}
