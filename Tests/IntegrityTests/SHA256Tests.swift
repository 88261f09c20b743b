import SHAExtensions
import Foundation
@testable import Integrity
import TestSupport
import Testing

@Suite struct SHA256Tests {
    /// FIPS 180-4 examples (NIST CSRC "Example Algorithms": SHA256.pdf) plus the empty string.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hash(Array(message.utf8)).hex == expected)
    }

    @Test func millionAs() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every split of a message into two updates gives the one-shot digest (block-boundary logic).
    @Test func splitsAgree() {
        let message = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = SHA256.hash(message)
        for cut in 0...message.count {
            var hasher = SHA256()
            hasher.update(Array(message[..<cut]))
            hasher.update(Array(message[cut...]))
            #expect(hasher.finalize() == whole, "cut at \(cut)")
        }
    }

    /// Agrees with coreutils' sha256sum on a real file with an awkward length.
    @Test func matchesSha256sum() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<100_003).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output.prefix(64) == Substring(SHA256.hash(bytes).hex))
    }

    @Test func hexRoundTrip() throws {
        let digest = SHA256.hash(Array("abc".utf8))
        #expect(SHA256Digest(hex: digest.hex) == digest)
        #expect(SHA256Digest(hex: digest.hex.uppercased()) == digest)
        #expect(SHA256Digest(hex: "zz") == nil)
        #expect(SHA256Digest(hex: String(digest.hex.dropLast(2))) == nil)
    }
}

/// The CPU's SHA extensions against the rounds in Swift, where the CPU has them.
@Suite struct SHA256ExtensionsTests {
    private static func digest(_ bytes: [UInt8], extensions: Bool, pieces: Int = 1) -> SHA256Digest {
        var hasher = SHA256()
        hasher.usesExtensions = extensions
        let size = max(1, bytes.count / pieces)
        var start = 0
        while start < bytes.count {
            hasher.update(Array(bytes[start..<min(start + size, bytes.count)]))
            start += size
        }
        return hasher.finalize()
    }

    @Test(.enabled(if: SHA256Extensions.isAvailable, "the CPU has no SHA extensions"))
    func everyLengthAgreesWithTheSwiftRounds() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4_200).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for length in Array(0...300) + [511, 512, 513, 1_000, 4_095, 4_096, 4_200] {
            let prefix = Array(bytes[..<length])
            #expect(Self.digest(prefix, extensions: true) == Self.digest(prefix, extensions: false), "length \(length)")
        }
        #expect(Self.digest(bytes, extensions: true, pieces: 7) == Self.digest(bytes, extensions: false, pieces: 3))
    }

    @Test(.enabled(if: SHA256Extensions.isAvailable, "the CPU has no SHA extensions"))
    func aPublishedVectorOnTheExtensions() {
        // FIPS 180-4 example: the 448-bit message "abcdbcde…nopq".
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(Self.digest(message, extensions: true).hex == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// Two messages fed side by side (`SHA256.update(_:with:_:with:)`), in random pieces of
    /// unequal lengths — whole blocks in common, partial blocks left in either, one side empty —
    /// give the digests each gives alone, on the extensions and without them.
    @Test(arguments: [true, false])
    func twoMessagesSideBySideGiveTheirOwnDigests(extensions: Bool) {
        guard !extensions || SHA256Extensions.isAvailable else { return }
        var generator = SeededGenerator(seed: 0x5A17)
        for trial in 0..<200 {
            let lengths = (Int.random(in: 0...9_000, using: &generator), Int.random(in: 0...9_000, using: &generator))
            let first = (0..<lengths.0).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let second = (0..<lengths.1).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var a = SHA256(), b = SHA256()
            a.usesExtensions = extensions
            b.usesExtensions = extensions
            var offsets = (0, 0)
            while offsets.0 < first.count || offsets.1 < second.count {
                let ends = (min(first.count, offsets.0 + Int.random(in: 0...700, using: &generator)),
                            min(second.count, offsets.1 + Int.random(in: 0...700, using: &generator)))
                first.withUnsafeBytes { firstBytes in
                    second.withUnsafeBytes { secondBytes in
                        SHA256.update(&a, with: UnsafeRawBufferPointer(rebasing: firstBytes[offsets.0..<ends.0]),
                                      &b, with: UnsafeRawBufferPointer(rebasing: secondBytes[offsets.1..<ends.1]))
                    }
                }
                offsets = ends
            }
            #expect(a.finalize() == SHA256.hash(first), "trial \(trial): first of \(lengths.0) bytes")
            #expect(b.finalize() == SHA256.hash(second), "trial \(trial): second of \(lengths.1) bytes")
        }
    }
}
