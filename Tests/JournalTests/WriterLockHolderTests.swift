import Foundation
@testable import Journal
import POSIX
import Testing

/// The LOCK file's holder record: what writers write, and what readers make of anything else.
@Suite struct WriterLockHolderTests {
    /// Junk and near-misses, with the pid and URL a reader should see in them.
    static let contents: [(label: String, bytes: [UInt8], pid: Int32?, url: String?)] = [
        ("empty", [], nil, nil),
        ("the format", Array("pid 123\n".utf8), 123, nil),
        ("with a url", Array("pid 123\nurl http://127.0.0.1:5001\n".utf8), 123, "http://127.0.0.1:5001"),
        ("https, url first", Array("url https://admin.example:8443/api\npid 9\n".utf8), 9, "https://admin.example:8443/api"),
        ("the older bare pid", Array("12345\n".utf8), 12345, nil),
        ("no final newline", Array("pid 77".utf8), 77, nil),
        ("crlf", Array("pid 5\r\nurl http://h\r\n".utf8), 5, "http://h"),
        ("pid not a number", Array("pid abc\n".utf8), nil, nil),
        ("negative pid", Array("pid -5\n".utf8), nil, nil),
        ("pid zero", Array("pid 0\n".utf8), nil, nil),
        ("pid beyond Int32", Array("pid 99999999999\npid 2147483648\n".utf8), nil, nil),
        ("pid with spaces", Array("pid  5 \n".utf8), nil, nil),
        ("first valid pid wins", Array("pid x\npid 1\npid 2\n".utf8), 1, nil),
        ("not http", Array("pid 4\nurl ftp://host/\nurl file:///etc/passwd\nurl javascript:alert(1)\n".utf8), 4, nil),
        ("scheme only", Array("url http://\n".utf8), nil, nil),
        ("space in url", Array("url http://a b\n".utf8), nil, nil),
        ("upper-case scheme", Array("url HTTP://a\n".utf8), nil, nil),
        ("control byte in url", Array("url http://a\u{1B}[2J\n".utf8), nil, nil),
        ("url too long", Array(("url http://" + String(repeating: "a", count: 3000) + "\n").utf8), nil, nil),
        ("unknown keys", Array("host here\nversion 3\npid 8\n".utf8), 8, nil),
        ("only newlines", Array("\n\n\n\n".utf8), nil, nil),
        ("binary junk", [0xFF, 0x00, 0xFE, 0x0A, 0x70, 0x69, 0x64, 0x20, 0x80, 0x0A, 0xC3, 0x28], nil, nil),
        ("NUL inside the pid", Array("pid 1\u{0}2\n".utf8), nil, nil),
        ("huge, fields at the start", Array("pid 6\nurl http://x\n".utf8) + [UInt8](repeating: 0x41, count: 100_000), 6, "http://x"),
        ("huge, fields past 4 KiB", [UInt8](repeating: 0x0A, count: 5000) + Array("pid 6\n".utf8), nil, nil),
        ("a line cut at 4 KiB", [UInt8](repeating: 0x0A, count: 4090) + Array("pid 123456\n".utf8), nil, nil),
    ]

    @Test(arguments: contents.indices)
    func anyContentReadsAsFieldsOrNothingAndNeverCrashes(index: Int) throws {
        let (label, bytes, pid, url) = WriterLockHolderTests.contents[index]
        let journal = try TestJournal()
        defer { journal.root.remove() }
        try FileManager.default.createDirectory(atPath: journal.directory, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: journal.directory + "/LOCK", contents: Data(bytes)))
        let holder = try #require(WriterLock.holder(directory: journal.directory), "\(label)")
        #expect(holder == LockHolder(pid: pid, url: url, isHeld: false), "\(label)")
    }

    @Test func noLockFileIsNoHolderAndAFolderOrPipeAsLockIsNotTrusted() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        #expect(WriterLock.holder(directory: journal.directory) == nil)
        try FileManager.default.createDirectory(atPath: journal.directory + "/LOCK", withIntermediateDirectories: true)
        #expect(WriterLock.holder(directory: journal.directory).map { $0.pid == nil && $0.url == nil } ?? true)
        try FileManager.default.removeItem(atPath: journal.directory + "/LOCK")
        #expect(mkfifo(journal.directory + "/LOCK", 0o644) == 0)
        // A FIFO must not hang the open or the read.
        #expect(WriterLock.holder(directory: journal.directory).map { $0.pid == nil && $0.url == nil } ?? true)
    }

    @Test func aWriterRecordsItsPidAndAdminURLAndTheProbeSeesTheLock() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        #expect(try String(contentsOfFile: journal.directory + "/LOCK", encoding: .utf8) == "pid \(getpid())\n")
        #expect(WriterLock.holder(directory: journal.directory) == LockHolder(pid: getpid(), url: nil, isHeld: true))
        try writer.close()
        #expect(WriterLock.holder(directory: journal.directory) == LockHolder(pid: getpid(), url: nil, isHeld: false))

        let fd = try WriterLock.acquire(directory: journal.directory, io: Kernel.live.io, adminURL: "http://127.0.0.1:5001")
        defer { close(fd) }
        #expect(try String(contentsOfFile: journal.directory + "/LOCK", encoding: .utf8) == "pid \(getpid())\nurl http://127.0.0.1:5001\n")
        #expect(WriterLock.holder(directory: journal.directory) == LockHolder(pid: getpid(), url: "http://127.0.0.1:5001", isHeld: true))
        #expect {
            _ = try JournalWriter.open(journal.configuration())
        } throws: { error in
            guard let error = error as? JournalError else { return false }
            return error.code == .locked && error.message.contains("pid \(getpid())") && error.message.contains("admin API at http://127.0.0.1:5001")
        }
    }

    @Test(arguments: ["ftp://x", "http://", "http://a b", "http://a\nurl http://evil", ""])
    func aMalformedAdminURLIsRefusedBeforeTheLockIsTouched(url: String) throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        try FileManager.default.createDirectory(atPath: journal.directory, withIntermediateDirectories: true)
        #expect {
            _ = try WriterLock.acquire(directory: journal.directory, io: Kernel.live.io, adminURL: url)
        } throws: { ($0 as? JournalError)?.code == .invalidArgument }
        #expect(!FileManager.default.fileExists(atPath: journal.directory + "/LOCK"))
    }
}
