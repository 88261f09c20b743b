#if canImport(Glibc)
import Glibc
#endif
import POSIX
import Testing

@Suite struct KernelInotifyTests {
    let kernel = Kernel.live

    /// Events after waiting (up to 5 s) for the inotify descriptor to become readable.
    func events(from inotify: FileDescriptor) throws -> [InotifyEvent] {
        let epoll = try kernel.makeEpoll()
        defer { try? kernel.close(epoll) }
        try kernel.register(inotify, with: epoll, for: .readable, data: 1)
        _ = try kernel.waitForEvents(on: epoll, timeout: .seconds(5))
        return try kernel.readEvents(from: inotify)
    }

    @Test func reportsAWriteToAWatchedFile() throws {
        let folder = try TestFolder("posix-inotify")
        defer { folder.remove() }
        let path = folder.path.appending("00000000000000000001.seg")
        let writer = try kernel.open(path, .readWrite, options: .create)
        defer { try? kernel.close(writer) }
        let inotify = try kernel.makeInotify()
        defer { try? kernel.close(inotify) }
        let watch = try kernel.addWatch(to: inotify, for: path, events: [.modified, .closedAfterWriting])
        #expect(try kernel.readEvents(from: inotify).isEmpty)

        try kernel.write(writer, Array("frame".utf8), at: 0, path: path)
        let reported = try events(from: inotify)
        #expect(!reported.isEmpty)
        #expect(reported.allSatisfy { $0.watch == watch && $0.name == nil })
        #expect(reported.contains { $0.mask.contains(.modified) })

        try kernel.removeWatch(watch, from: inotify)
        #expect(try events(from: inotify).contains { $0.mask.contains(.ignored) })
    }

    @Test func reportsNamesCreatedAndRenamedInAWatchedFolder() throws {
        let folder = try TestFolder("posix-inotify-dir")
        defer { folder.remove() }
        let inotify = try kernel.makeInotify()
        defer { try? kernel.close(inotify) }
        let watch = try kernel.addWatch(to: inotify, for: folder.path, events: [.created, .movedFrom, .movedTo])
        try kernel.close(try kernel.open(folder.path.appending("a.tmp"), .writeOnly, options: .create))
        try kernel.rename(folder.path.appending("a.tmp"), to: folder.path.appending("a.idx"))

        var seen: [InotifyEvent] = []
        while seen.count < 3 {
            let batch = try events(from: inotify)
            if batch.isEmpty { break }
            seen += batch
        }
        #expect(seen.map(\.name) == ["a.tmp", "a.tmp", "a.idx"])
        #expect(seen.map(\.mask) == [.created, .movedFrom, .movedTo])
        #expect(seen.allSatisfy { $0.watch == watch })
        #expect(seen[1].cookie != 0 && seen[1].cookie == seen[2].cookie)
    }

    @Test func watchingAMissingPathIsTyped() throws {
        let inotify = try kernel.makeInotify()
        defer { try? kernel.close(inotify) }
        let error = try #require(throws: SystemError.self) { try kernel.addWatch(to: inotify, for: "/nonexistent/mobius", events: .modified) }
        #expect(error.code == .noSuchFile)
        #expect(error.description.contains("inotify_add_watch failed for /nonexistent/mobius"))
    }
}
