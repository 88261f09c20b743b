import Foundation
import Imaging
import Integrity
import Synchronization
@testable import MobiusCLI
import Testing
import TestSupport

@Suite struct HashCommandTests {
    /// A P5 image with a diagonal gradient, so its hash is not trivial.
    private func pgm(width: Int, height: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        var bytes = Array("P5\n\(width) \(height)\n255\n".utf8)
        for y in 0..<height {
            for x in 0..<width { bytes.append(UInt8((x * 7 + y * 3 + Int.random(in: 0...60, using: &generator)) & 0xFF)) }
        }
        return bytes
    }

    private func run(_ arguments: [String]) async -> (MobiusCLI.ExitStatus, [String], [String]) {
        var out: [String] = []
        var errors: [String] = []
        let io = CommandIO(out: { out.append($0) }, error: { errors.append($0) }, readLine: { nil })
        let status = await MobiusCommandLine.run(arguments, io: io)
        let lines = { (text: [String]) in text.joined().split(separator: "\n").map(String.init) }
        return (status, lines(out), lines(errors))
    }

    @Test func printsLikeSha256sumInArgumentOrderWhateverTheWorkers() async throws {
        let folder = try TemporaryDirectory("hash-command")
        defer { folder.remove() }
        var expected: [String] = []
        var paths: [String] = []
        for index in 0..<12 {
            // Image 11 is over 256 KiB, so it is read in more than one chunk.
            let bytes = index == 11 ? pgm(width: 1200, height: 400, seed: 11) : pgm(width: 20 + index * 13, height: 15 + index * 7, seed: UInt64(index))
            let path = folder.appending("image-\(index).pgm")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            paths.append(path)
            expected.append("\(try Fingerprinter.fingerprint(bytes).hash.hex)  \(path)")
        }
        for workers in ["1", "3"] {
            let (status, out, errors) = await run(["hash", "--workers", workers] + paths)
            #expect(status == MobiusCLI.ExitStatus.success)
            #expect(out == expected)
            #expect(errors.isEmpty)
        }
    }

    @Test func jsonLinesCarryEveryField() async throws {
        let folder = try TemporaryDirectory("hash-command")
        defer { folder.remove() }
        let path = folder.appending("quote\"d.pgm")
        let bytes = pgm(width: 40, height: 30, seed: 9)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let hash = try Fingerprinter.fingerprint(bytes, size: 16).hash
        let (status, out, _) = await run(["hash", "--json", "--size", "16", path])
        #expect(status == MobiusCLI.ExitStatus.success)
        let record = try JSONSerialization.jsonObject(with: Data(out[0].utf8)) as! [String: Any]
        #expect(record["file"] as? String == path)
        #expect(record["hash"] as? String == hash.hex)
        #expect(record["hash_base64"] as? String == hash.base64)
        #expect(record["bits"] as? Int == 256)
        #expect(record["width"] as? Int == 40 && record["height"] as? Int == 30)
        #expect(record["format"] as? String == "pnm")
    }

    @Test func unhashableFilesGetOneErrorLineAndExitTwo() async throws {
        let folder = try TemporaryDirectory("hash-command")
        defer { folder.remove() }
        let good = folder.appending("good.pgm"), bad = folder.appending("bad.pgm"), missing = folder.appending("missing.pgm")
        try Data(pgm(width: 10, height: 10, seed: 1)).write(to: URL(fileURLWithPath: good))
        try Data(Array("P5\n10 10\n255\n".utf8) + [1, 2, 3]).write(to: URL(fileURLWithPath: bad))
        let (status, out, errors) = await run(["hash", bad, good, missing, folder.path, "/dev/null"])
        #expect(status == MobiusCLI.ExitStatus.usageOrUnreadable)
        #expect(out.count == 1 && out[0].hasSuffix("  \(good)"))
        #expect(errors.count == 4)
        #expect(errors[0].contains(bad) && errors[0].contains("rows"))
        #expect(errors[1].contains(missing) && errors[1].contains("cannot open"))
        #expect(errors[2] == "mobius-dhash hash: \(folder.path): is a directory, not an image; name the image files inside it instead")
        #expect(errors[3].hasPrefix("mobius-dhash hash: /dev/null: the input is empty"))
    }

    /// Like `sha256sum`: a name with a backslash, LF or CR is escaped and its line led by `\`, so
    /// every file keeps one output line (and one error line); spaces need no escaping.
    @Test func namesWithLineBreaksKeepOneLineEach() async throws {
        let folder = try TemporaryDirectory("hash-command")
        defer { folder.remove() }
        let bytes = pgm(width: 12, height: 9, seed: 5)
        let hex = try Fingerprinter.fingerprint(bytes).hash.hex
        let names = ["a b.pgm", "new\nline.pgm", "back\\slash.pgm", "carriage\rreturn.pgm"]
        for name in names { try Data(bytes).write(to: URL(fileURLWithPath: folder.appending(name))) }
        let (status, out, _) = await run(["hash"] + names.map(folder.appending))
        #expect(status == MobiusCLI.ExitStatus.success)
        #expect(out == [
            "\(hex)  \(folder.path)/a b.pgm",
            "\\\(hex)  \(folder.path)/new\\nline.pgm",
            "\\\(hex)  \(folder.path)/back\\\\slash.pgm",
            "\\\(hex)  \(folder.path)/carriage\\rreturn.pgm",
        ])
        let (failed, _, errors) = await run(["hash", folder.appending("missing\nfile.pgm")])
        #expect(failed == MobiusCLI.ExitStatus.usageOrUnreadable)
        #expect(errors == ["mobius-dhash hash: \(folder.path)/missing\\nfile.pgm: cannot open: No such file or directory"])
        // Other control characters cannot reach the terminal raw either.
        let (_, _, escaped) = await run(["hash", folder.appending("tab\tand\u{1B}[2J.pgm")])
        #expect(escaped == ["mobius-dhash hash: \(folder.path)/tab\\tand\\u001b[2J.pgm: cannot open: No such file or directory"])
    }

    /// Reading stops once the image is complete: a pipe still open after a whole image (endless
    /// input, as from a device file) gives its hash instead of blocking until end of input.
    @Test func readingStopsAtTheEndOfTheImage() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let bytes = pgm(width: 16, height: 8, seed: 4) + Array("trailing".utf8)
        #expect(bytes.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) } == bytes.count)
        let path = "/dev/fd/\(ends[0])"
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Fingerprint, ImageFileReader.Failure>?>(nil)
        Thread.detachNewThread {
            let result = ImageFileReader.fingerprint(path: path, size: 8)
            outcome.withLock { $0 = result }
            finished.signal()
        }
        // Not a timing assertion: a reader that waits for end of input never returns while the
        // write end is open, so the wait would time out whatever the machine's speed.
        let returned = finished.wait(timeout: .now() + 30) == .success
        close(ends[1])
        if !returned { finished.wait() }
        #expect(returned)
        #expect(try outcome.withLock { try $0?.get() } == Fingerprinter.fingerprint(Array(bytes.dropLast(8))))
    }

    /// Output that cannot be written (here: a full device) ends the real binary with status 2 and
    /// one line saying so, instead of a trap and a crash report.
    @Test func unwritableOutputExitsTwoWithOneLine() async throws {
        let folder = try TemporaryDirectory("hash-command")
        defer { folder.remove() }
        let path = folder.appending("image.pgm")
        try Data(pgm(width: 12, height: 9, seed: 6)).write(to: URL(fileURLWithPath: path))
        try BuiltBinary.require()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        process.arguments = ["hash", path]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 2)
        #expect(message == "mobius-dhash: cannot write to standard output: No space left on device; free space or choose another destination\n")
    }

    @Test func maxPixelsIsConfigurable() async throws {
        let folder = try TemporaryDirectory("hash-command")
        defer { folder.remove() }
        let path = folder.appending("ten.pgm")
        try Data(pgm(width: 10, height: 10, seed: 3)).write(to: URL(fileURLWithPath: path))
        let (refused, _, errors) = await run(["hash", "--max-pixels", "99", path])
        #expect(refused == MobiusCLI.ExitStatus.usageOrUnreadable)
        #expect(errors.first?.contains("above the limit of 99 pixels") == true)
        #expect(await run(["hash", "--max-pixels", "100", path]).0 == MobiusCLI.ExitStatus.success)
    }

    /// A 16000 × 10000 16-bit RGBA PNG inflates to 1.28 GB, above the default 1 GiB: with the pixel
    /// limit raised to cover it, the header is accepted and the (header-only) file is reported
    /// as truncated, not as too much data.
    @Test func maxPixelsRaisesTheDecompressedSizeLimit() async throws {
        let folder = try TemporaryDirectory("hash-command")
        defer { folder.remove() }
        let path = folder.appending("big-rgba16.png")
        let ihdr = Array("IHDR".utf8) + [0, 0, 0x3E, 0x80, 0, 0, 0x27, 0x10, 16, 6, 0, 0, 0]
        let crc = CRC32.checksum(ihdr)
        let file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + ihdr
            + [UInt8(crc >> 24), UInt8(truncatingIfNeeded: crc >> 16), UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc)]
        try Data(file).write(to: URL(fileURLWithPath: path))
        let (status, _, errors) = await run(["hash", "--max-pixels", "160000000", path])
        #expect(status == MobiusCLI.ExitStatus.usageOrUnreadable)
        #expect(errors.count == 1 && errors[0].contains("ends before"))
        #expect(!errors[0].contains("limit"))
    }

    @Test func usageMistakes() async {
        #expect(await run(["hash"]).0 == MobiusCLI.ExitStatus.usageOrUnreadable)
        #expect(await run(["hash", "--size", "1", "x"]).0 == MobiusCLI.ExitStatus.usageOrUnreadable)
        #expect(await run(["hash", "--workers", "0", "x"]).0 == MobiusCLI.ExitStatus.usageOrUnreadable)
        #expect(await run(["hash", "-", "-"]).0 == MobiusCLI.ExitStatus.usageOrUnreadable)
    }

    @Test func parallelMapDeliversInOrder() async {
        var seen: [Int] = []
        ParallelMap.run(count: 200, workers: 4, work: { index in index * 2 }) { index, result in
            #expect(result == index * 2)
            seen.append(index)
        }
        #expect(seen == Array(0..<200))
    }
}
