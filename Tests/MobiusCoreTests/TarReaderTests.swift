import Foundation
@testable import MobiusCore
import Testing
import TestSupport

/// The ustar codec: headers byte by byte against BackupFormat.swift, the reader fed in every way,
/// and GNU tar as the peer both ways.
@Suite struct TarReaderTests {
    /// An archive of `members` laid out as `TarWriter` lays it out, uncompressed.
    static func archive(_ members: [(String, [UInt8])]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (name, data) in members {
            bytes += TarHeader(name: name, kind: name.hasSuffix("/") ? .directory : .file, size: data.count, modificationTime: 1_796_000_000).encoded()
            bytes += data
            bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
        }
        bytes += [UInt8](repeating: 0, count: 1024)
        bytes += [UInt8](repeating: 0, count: (10_240 - bytes.count % 10_240) % 10_240)
        return bytes
    }

    /// Everything a reader makes of `bytes` fed in pieces of the sizes `splits` gives.
    static func read(_ bytes: [UInt8], splits: (Int) -> Int) throws -> [(String, [UInt8])] {
        var reader = TarReader()
        var members: [(String, [UInt8])] = []
        var position = 0
        try bytes.withUnsafeBytes { raw in
            while position < raw.count {
                let count = min(raw.count - position, max(1, splits(position)))
                var input = UnsafeRawBufferPointer(rebasing: raw[position..<(position + count)])
                position += count
                while let event = try reader.next(from: &input) {
                    switch event {
                    case .member(let header): members.append((header.name, []))
                    case .data(let data): members[members.count - 1].1 += data
                    case .memberEnd, .archiveEnd: break
                    }
                }
                #expect(input.isEmpty)
            }
        }
        try reader.finish()
        return members
    }

    static let members: [(String, [UInt8])] = [
        ("journal/", []),
        ("journal/00000000000000000001.seg", (0..<1_300).map { UInt8(truncatingIfNeeded: $0 &* 31) }),
        ("journal/00000000000000000001.idx", Array("index".utf8)),
        ("snapshots/", []),
        ("manifest.json", Array(#"{"a":1}"#.utf8) + [0x0A]),
        ("empty", []),
        ("exactly-one-block", [UInt8](repeating: 7, count: 512)),
    ]

    @Test func theHeaderIsLaidOutAsSpecified() {
        let block = TarHeader(name: "journal/x.seg", kind: .file, size: 1_234, modificationTime: 1_796_000_000).encoded()
        #expect(block.count == 512)
        #expect(Array(block[0..<13]) == Array("journal/x.seg".utf8) && block[13..<100].allSatisfy { $0 == 0 })
        #expect(Array(block[100..<108]) == Array("0000644\0".utf8))
        #expect(Array(block[108..<124]) == Array("0000000\u{0}0000000\u{0}".utf8))
        #expect(Array(block[124..<136]) == Array("00000002322\0".utf8))  // 1,234
        #expect(Array(block[136..<148]) == Array("15303144400\0".utf8))  // 1,796,000,000
        #expect(block[156] == UInt8(ascii: "0"))
        #expect(Array(block[257..<265]) == Array("ustar\u{0}00".utf8))
        #expect(block[265...].allSatisfy { $0 == 0 })
        var copy = block
        copy.replaceSubrange(148..<156, with: repeatElement(UInt8(ascii: " "), count: 8))
        let sum = copy.reduce(0) { $0 + Int($1) }
        #expect(Array(block[148..<156]) == Array((String(sum, radix: 8).leftPadded(to: 6) + "\0 ").utf8))
        let directory = TarHeader(name: "snapshots/", kind: .directory, size: 0, modificationTime: 0).encoded()
        #expect(directory[156] == UInt8(ascii: "5") && Array(directory[100..<108]) == Array("0000755\0".utf8))
    }

    @Test func headersRoundTripAndEveryBitFlipIsRefusedOrChangesTheHeader() throws {
        let header = TarHeader(name: "snapshots/00000000000000000042-0123456789abcdef.snapshot", kind: .file, size: 99_999, modificationTime: 1_796_000_000)
        let block = header.encoded()
        #expect(try block.withUnsafeBytes { try TarHeader.decode($0) } == header)
        var refused = 0
        for bit in 0..<(512 * 8) {
            var flipped = block
            flipped[bit / 8] ^= 1 << (bit % 8)
            do {
                let decoded = try flipped.withUnsafeBytes { try TarHeader.decode($0) }
                // Only a flip the checksum cannot see survives: none that changes a field we use.
                #expect(decoded == header, "bit \(bit) changed the header without failing the checksum")
            } catch {
                refused += 1
            }
        }
        #expect(refused > 512 * 8 - 64, "\(refused) of 4096 flips refused")
    }

    @Test(arguments: [1, 7, 511, 512, 513, 4096, 1 << 20])
    func theReaderGivesTheSameMembersHoweverTheBytesArrive(piece: Int) throws {
        let bytes = Self.archive(Self.members)
        let read = try Self.read(bytes, splits: { _ in piece })
        #expect(read.map(\.0) == Self.members.map(\.0))
        #expect(read.map(\.1) == Self.members.map(\.1))
    }

    @Test func theReaderGivesTheSameMembersInRandomSplits() throws {
        var random = SeededGenerator(seed: 0x7A12)
        let bytes = Self.archive(Self.members)
        for _ in 0..<50 {
            let read = try Self.read(bytes, splits: { _ in Int.random(in: 1...2_000, using: &random) })
            #expect(read.map(\.1) == Self.members.map(\.1))
        }
    }

    @Test func aCutOffArchiveOrBytesAfterItsEndAreRefused() throws {
        let bytes = Self.archive(Self.members)
        for cut in [100, 512, 2_000, bytes.count - 10_240 + 600, bytes.count - 10_240 + 1_100] where cut < bytes.count {
            #expect(throws: TarHeaderError.self, "cut at \(cut)") { _ = try Self.read(Array(bytes[..<cut]), splits: { _ in 4096 }) }
        }
        var trailing = bytes
        trailing[trailing.count - 1] = 1
        #expect(throws: TarHeaderError.self) { _ = try Self.read(trailing, splits: { _ in 4096 }) }
        var padding = bytes
        padding[512 + 1_300 + 512 + 5] = 1  // inside the first file's padding
        #expect(throws: TarHeaderError.self) { _ = try Self.read(padding, splits: { _ in 4096 }) }
    }

    @Test func gnuTarReadsWhatTheWriterWritesAndTheReaderReadsGnuTar() throws {
        let root = try TemporaryDirectory("tar")
        defer { root.remove() }
        let members = Self.members.filter { $0.0.hasPrefix("journal") || $0.0.hasPrefix("snapshots") || $0.0 == "manifest.json" }
        let archive = root.appending("ours.tar")
        try Data(Self.archive(members)).write(to: URL(fileURLWithPath: archive))
        let listing = try ExternalTool.run("tar", ["-tvf", archive])
        #expect(listing.status == 0, "\(listing.errors)")
        #expect(listing.errors.isEmpty, "GNU tar warns: \(listing.errors)")
        #expect(listing.output.split(separator: "\n").map { String($0.split(separator: " ").last!) } == members.map(\.0))
        try FileManager.default.createDirectory(atPath: root.appending("x"), withIntermediateDirectories: true)
        #expect(try ExternalTool.run("tar", ["-xf", archive, "-C", root.appending("x")]).status == 0)
        for (name, data) in members where !name.hasSuffix("/") {
            #expect(FileManager.default.contents(atPath: root.appending("x/" + name)).map { [UInt8]($0) } == data, "\(name)")
        }
        let theirs = root.appending("theirs.tar")
        #expect(try ExternalTool.run("tar", ["--format=ustar", "-cf", theirs, "journal", "snapshots", "manifest.json"], in: root.appending("x")).status == 0)
        let read = try Self.read([UInt8](FileManager.default.contents(atPath: theirs)!), splits: { _ in 3_000 })
        for (name, data) in members where !name.hasSuffix("/") {
            #expect(read.first { $0.0 == name }?.1 == data, "\(name)")
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
