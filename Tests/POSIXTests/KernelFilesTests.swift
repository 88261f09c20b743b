#if canImport(Glibc)
import Glibc
#endif
import POSIX
import Testing

@Suite struct KernelFilesTests {
    let kernel = Kernel.live

    @Test func writeReadSizeSyncTruncateRoundTrip() throws {
        let folder = try TestFolder("posix-files")
        defer { folder.remove() }
        let path = folder.path.appending("data.bin")
        let fd = try kernel.open(path, .readWrite, options: [.create, .exclusive])
        defer { try? kernel.close(fd) }
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        try kernel.write(fd, bytes, at: 0, path: path)
        try kernel.write(fd, [1, 2, 3], at: 20_000, path: path)
        #expect(try kernel.size(fd, path: path) == 20_003)

        var back = [UInt8](repeating: 0, count: 10_000)
        #expect(try kernel.read(fd, into: &back, at: 0, path: path) == 10_000)
        #expect(back == bytes)
        // A read across the end stops there and leaves the rest of the buffer alone.
        var tail = [UInt8](repeating: 9, count: 10)
        #expect(try kernel.read(fd, into: &tail, at: 19_998, path: path) == 5)
        #expect(tail == [0, 0, 1, 2, 3, 9, 9, 9, 9, 9])

        try kernel.syncData(fd, path: path)
        try kernel.sync(fd, path: path)
        try kernel.truncate(fd, to: 100, path: path)
        #expect(try kernel.size(fd, path: path) == 100)
        #expect(try kernel.read(fd, into: &back, at: 100, path: path) == 0)
    }

    @Test func openOptions() throws {
        let folder = try TestFolder("posix-open")
        defer { folder.remove() }
        let path = folder.path.appending("f")
        let missing = #expect(throws: SystemError.self) { try kernel.open(path, .readOnly) }
        #expect(missing?.code == .noSuchFile)
        #expect(missing?.path == path)
        #expect(missing?.description.contains(path.string) == true)

        let created = try kernel.open(path, .writeOnly, options: [.create, .exclusive], permissions: 0o600)
        try kernel.write(created, Array("hello".utf8), at: 0)
        try kernel.close(created)
        let again = #expect(throws: SystemError.self) { try kernel.open(path, .writeOnly, options: [.create, .exclusive]) }
        #expect(again?.code == .fileExists)

        let truncated = try kernel.open(path, .readWrite, options: [.truncate])
        #expect(try kernel.size(truncated) == 0)
        try kernel.close(truncated)

        let notFolder = #expect(throws: SystemError.self) { try kernel.open(path, .readOnly, options: .directory) }
        #expect(notFolder?.code == .notDirectory)
    }

    @Test func everyDescriptorIsCloseOnExec() throws {
        let folder = try TestFolder("posix-cloexec")
        defer { folder.remove() }
        let file = try kernel.open(folder.path.appending("f"), .readWrite, options: .create)
        let socket = try kernel.makeSocket(.ipv4)
        let pipe = try kernel.makePipe()
        let epoll = try kernel.makeEpoll()
        let counter = try kernel.makeEventCounter()
        let inotify = try kernel.makeInotify()
        let all = [file, socket, pipe.reading, pipe.writing, epoll, counter, inotify]
        for fd in all { #expect(isCloseOnExec(fd), "\(fd)") }
        for fd in all { try kernel.close(fd) }
    }

    @Test func locksBelongToOpenFiles() throws {
        let folder = try TestFolder("posix-lock")
        defer { folder.remove() }
        let path = folder.path.appending("LOCK")
        let first = try kernel.open(path, .readWrite, options: .create)
        let second = try kernel.open(path, .readWrite)
        defer { try? kernel.close(first); try? kernel.close(second) }
        #expect(try kernel.lock(first, .exclusive, path: path))
        #expect(try kernel.lock(second, .exclusive, path: path) == false)
        #expect(try kernel.lock(second, .shared, path: path) == false)
        try kernel.unlock(first, path: path)
        #expect(try kernel.lock(second, .shared, path: path))
        #expect(try kernel.lock(first, .shared, path: path))
        #expect(try kernel.lock(first, .exclusive, path: path) == false)
    }

    @Test func folderOperations() throws {
        let folder = try TestFolder("posix-folders")
        defer { folder.remove() }
        let sub = folder.path.appending("quarantine")
        #expect(try kernel.makeDirectory(sub))
        #expect(try kernel.makeDirectory(sub) == false)
        for name in ["b.seg", "a.seg", "c.idx"] {
            try kernel.close(try kernel.open(sub.appending(name), .writeOnly, options: .create))
        }
        #expect(try kernel.list(sub) == ["a.seg", "b.seg", "c.idx"])
        try kernel.rename(sub.appending("c.idx"), to: folder.path.appending("moved.idx"))
        #expect(try kernel.list(folder.path) == ["moved.idx", "quarantine"])
        try kernel.syncDirectory(sub)
        try kernel.syncDirectory(folder.path)
        #expect(try kernel.remove(sub.appending("a.seg")))
        #expect(try kernel.remove(sub.appending("a.seg")) == false)
        #expect(try kernel.list(sub) == ["b.seg"])

        let missing = #expect(throws: SystemError.self) { try kernel.list(folder.path.appending("nope")) }
        #expect(missing?.code == .noSuchFile)
        let renameMissing = #expect(throws: SystemError.self) { try kernel.rename(sub.appending("zz"), to: sub.appending("yy")) }
        #expect(renameMissing?.destination == sub.appending("yy"))
        #expect(renameMissing?.description.contains("→") == true)
        let removeFolder = #expect(throws: SystemError.self) { try kernel.remove(sub) }
        #expect(removeFolder?.code == .isDirectory)
    }
}
