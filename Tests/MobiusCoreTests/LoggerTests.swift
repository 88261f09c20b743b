import Foundation
@testable import MobiusCore
import Synchronization
import Testing
import TestSupport

/// The logger: redacted JSON Lines in daily, size-rotated, gzipped files, and to the journal.
@Suite struct LoggerTests {
    static let day: UInt64 = 1_795_000_000_000_000  // 2026-11-18T11:06:40Z

    final class Clock: Sendable {
        let now = Atomic<UInt64>(LoggerTests.day)
        var read: @Sendable () -> UInt64 { { self.now.load(ordering: .relaxed) } }
    }

    func logger(_ root: TemporaryDirectory, clock: Clock, fileByteLimit: Int = 1 << 20, journal: (@Sendable (LogRecord) -> Void)? = nil) throws -> Logger {
        var configuration = Logger.Configuration(version: "1.2.3")
        configuration.environment = "staging"
        configuration.logDirectory = root.appending("logs")
        configuration.fileByteLimit = fileByteLimit
        configuration.retentionDays = 2
        configuration.writesStandardError = false
        configuration.clock = clock.read
        return try Logger(configuration: configuration, recordInJournal: journal)
    }

    func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func recordsAreRedactedJSONLinesWithTheServiceFields() throws {
        let root = try TemporaryDirectory("logs")
        defer { root.remove() }
        let journaled = Mutex<[LogRecord]>([])
        let logger = try logger(root, clock: Clock(), journal: { record in journaled.withLock { $0.append(record) } })
        logger.log(.info, "upload from dan@example.com at 10.0.0.7", category: "http.access", requestId: "r-1",
                   metadata: [("hash", .string("4012888888881881")), ("headers", .object([("Authorization", .string("Bearer abcdefgh"))])), ("level", .string("x"))])
        logger.log(.debug, "dropped below the minimum level")
        logger.log(.error, "disk trouble")
        let all = try lines(root.appending("logs/application-2026-11-18.log"))
        #expect(all.count == 2)
        let first = all[0]
        #expect(first["message"] as? String == "upload from [redacted:email] at [redacted:ip]")
        #expect(first["service"] as? String == "mobius-dhash" && first["version"] as? String == "1.2.3" && first["environment"] as? String == "staging")
        #expect(first["timestamp"] as? String == "2026-11-18T11:06:40.000000Z" && first["level"] as? String == "info")
        #expect(first["requestId"] as? String == "r-1" && first["category"] as? String == "http.access")
        #expect(first["hash"] as? String == "4012888888881881")
        #expect((first["headers"] as? [String: Any])?["Authorization"] as? String == "[redacted:secret]")
        #expect(first["meta.level"] as? String == "x", "a metadata key cannot replace a record field")
        #expect(try lines(root.appending("logs/error-2026-11-18.log")).map { $0["message"] as? String } == ["disk trouble"])
        let journal = journaled.withLock { $0 }
        #expect(journal.map(\.message) == ["upload from [redacted:email] at [redacted:ip]", "disk trouble"], "the journal gets the redacted records")
    }

    @Test func filesRotateBySizeAndAtMidnightAreGzippedAndExpire() throws {
        let root = try TemporaryDirectory("logs")
        defer { root.remove() }
        let clock = Clock()
        let logger = try logger(root, clock: clock, fileByteLimit: 2_000)
        for index in 0..<40 { logger.log(.info, "record \(index) " + String(repeating: "x", count: 100)) }
        let folder = root.appending("logs")
        var names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names.contains("application-2026-11-18.1.log.gz") && names.contains("application-2026-11-18.log"), "\(names)")
        // Rotated files read back with zcat, in order, nothing lost.
        let zcat = Process()
        zcat.executableURL = URL(fileURLWithPath: "/bin/sh")
        zcat.arguments = ["-c", "zcat \(folder)/application-2026-11-18.*.log.gz | wc -l"]
        let pipe = Pipe()
        zcat.standardOutput = pipe
        try zcat.run()
        zcat.waitUntilExit()
        let rotatedLines = Int(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))!
        #expect(rotatedLines + (try lines(folder + "/application-2026-11-18.log")).count == 40)
        // Past midnight: the day's file is rotated; three days on, the first day expires.
        clock.now.store(LoggerTests.day + 86_400_000_000, ordering: .relaxed)
        logger.log(.info, "next day")
        names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(names.contains("application-2026-11-19.log") && !names.contains("application-2026-11-18.log"))
        clock.now.store(LoggerTests.day + 4 * 86_400_000_000, ordering: .relaxed)
        logger.log(.info, "later")
        clock.now.store(LoggerTests.day + 5 * 86_400_000_000, ordering: .relaxed)
        logger.log(.info, "later still")
        names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!names.contains { $0.contains("2026-11-18") }, "\(names)")
    }
}
