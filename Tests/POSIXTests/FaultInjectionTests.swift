#if canImport(Glibc)
import Glibc
#endif
import POSIX
import Synchronization
import Testing

/// Faults injected through a kernel's own call table: short transfers, EINTR, ENOSPC, EIO,
/// EAGAIN, ECONNRESET, and an errno clobbered after the call.
@Suite struct FaultInjectionTests {
    let live = SyscallTable.live

    @Test func shortWritesAreCompleted() throws {
        let folder = try TestFolder("posix-short-write")
        defer { folder.remove() }
        let writes = CallCounter()
        var calls = live
        calls.pwrite = { [live] fd, buffer, offset in
            _ = writes.next()
            return live.pwrite(fd, UnsafeRawBufferPointer(rebasing: buffer[..<min(3, buffer.count)]), offset)
        }
        let kernel = Kernel(calls: calls)
        let path = folder.path.appending("f")
        let fd = try kernel.open(path, .readWrite, options: .create)
        defer { try? kernel.close(fd) }
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        try kernel.write(fd, bytes, at: 10, path: path)
        #expect(writes.value == 334)
        var back = [UInt8](repeating: 0, count: 1000)
        #expect(try Kernel.live.read(fd, into: &back, at: 10) == 1000)
        #expect(back == bytes)
    }

    @Test func shortReadsAreCompleted() throws {
        let folder = try TestFolder("posix-short-read")
        defer { folder.remove() }
        let reads = CallCounter()
        var calls = live
        calls.pread = { [live] fd, buffer, offset in
            _ = reads.next()
            return live.pread(fd, UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(2, buffer.count)]), offset)
        }
        let kernel = Kernel(calls: calls)
        let fd = try kernel.open(folder.path.appending("f"), .readWrite, options: .create)
        defer { try? kernel.close(fd) }
        try kernel.write(fd, Array("0123456789".utf8), at: 0)
        var back = [UInt8](repeating: 0, count: 20)
        // 7 bytes from offset 3: 4 reads of ≤2 bytes, then one that meets the end.
        #expect(try kernel.read(fd, into: &back, at: 3) == 7)
        #expect(Array(back.prefix(7)) == Array("3456789".utf8))
        #expect(reads.value == 5)
    }

    @Test func zeroByteWritesAreReportedAsDiskFullNotLoopedOn() throws {
        let folder = try TestFolder("posix-zero-write")
        defer { folder.remove() }
        var calls = live
        calls.pwrite = { _, _, _ in .success(0) }
        let kernel = Kernel(calls: calls)
        let path = folder.path.appending("f")
        let fd = try kernel.open(path, .readWrite, options: .create)
        defer { try? kernel.close(fd) }
        let error = #expect(throws: SystemError.self) { try kernel.write(fd, [1, 2, 3], at: 0, path: path) }
        #expect(error?.code == .noSpace)
    }

    /// Every call that should be retried fails with EINTR every other time; a round trip through
    /// all of them still succeeds.
    @Test func interruptedCallsAreRetried() throws {
        let folder = try TestFolder("posix-eintr")
        defer { folder.remove() }
        let interrupted = CallCounter()
        let attempts = CallCounter()
        @Sendable func interruptEveryOther() -> Bool {
            if attempts.next() % 2 == 1 { _ = interrupted.next(); return true }
            return false
        }
        var calls = live
        calls.open = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.open($0, $1, $2) }
        calls.pwrite = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.pwrite($0, $1, $2) }
        calls.pread = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.pread($0, $1, $2) }
        calls.fdatasync = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.fdatasync($0) }
        calls.fsync = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.fsync($0) }
        calls.ftruncate = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.ftruncate($0, $1) }
        calls.fstat = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.fstat($0) }
        calls.flock = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.flock($0, $1) }
        calls.rename = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.rename($0, $1) }
        calls.mkdir = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.mkdir($0, $1) }
        calls.unlink = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.unlink($0) }
        calls.listDirectory = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.listDirectory($0) }
        calls.read = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.read($0, $1) }
        calls.write = { [live] in interruptEveryOther() ? .failure(.interrupted) : live.write($0, $1) }
        let kernel = Kernel(calls: calls)

        let sub = folder.path.appending("sub")
        #expect(try kernel.makeDirectory(sub))
        let path = sub.appending("f")
        let fd = try kernel.open(path, .readWrite, options: .create)
        #expect(try kernel.lock(fd, .exclusive, path: path))
        try kernel.write(fd, Array("interrupted".utf8), at: 0, path: path)
        try kernel.syncData(fd, path: path)
        try kernel.sync(fd, path: path)
        try kernel.truncate(fd, to: 5, path: path)
        #expect(try kernel.size(fd, path: path) == 5)
        var back = [UInt8](repeating: 0, count: 5)
        #expect(try kernel.read(fd, into: &back, at: 0, path: path) == 5)
        #expect(back == Array("inter".utf8))
        try kernel.unlock(fd, path: path)
        try kernel.close(fd)
        try kernel.rename(path, to: sub.appending("g"))
        #expect(try kernel.list(sub) == ["g"])
        #expect(try kernel.remove(sub.appending("g")))
        let pipe = try kernel.makePipe()
        #expect(try Array("x".utf8).withUnsafeBytes { try kernel.write(to: pipe.writing, $0) } == .bytes(1))
        var byte: UInt8 = 0
        #expect(try withUnsafeMutableBytes(of: &byte) { try kernel.read(from: pipe.reading, into: $0) } == .bytes(1))
        try kernel.close(pipe.reading)
        try kernel.close(pipe.writing)

        #expect(interrupted.value == 15) // one per operation above
        #expect(attempts.value == 2 * interrupted.value)
    }

    /// Linux releases the descriptor even when close is interrupted; retrying could close another
    /// thread's new file, so close is made once and EINTR counts as closed.
    @Test func closeIsNotRetriedAfterEINTR() throws {
        let closes = CallCounter()
        var calls = live
        calls.close = { [live] fd in
            // The first call closes and reports EINTR, as Linux does; a retry would succeed here
            // (standing for closing whatever file now has that number) and be counted.
            guard closes.next() == 1 else { return .success(()) }
            _ = live.close(fd)
            return .failure(.interrupted)
        }
        let kernel = Kernel(calls: calls)
        let pipe = try kernel.makePipe()
        try kernel.close(pipe.reading)
        #expect(closes.value == 1)
        try Kernel.live.close(pipe.writing)
    }

    /// A signal ends an epoll wait with no events instead of restarting the full timeout.
    @Test func interruptedEpollWaitReturnsNoEvents() throws {
        let waits = CallCounter()
        var calls = live
        calls.epollWait = { [live] epoll, events, timeout in
            waits.next() == 1 ? .failure(.interrupted) : live.epollWait(epoll, events, timeout)
        }
        let kernel = Kernel(calls: calls)
        let epoll = try kernel.makeEpoll()
        defer { try? kernel.close(epoll) }
        #expect(try kernel.waitForEvents(on: epoll, timeout: .milliseconds(50)).isEmpty)
        #expect(waits.value == 1)
    }

    @Test func interruptedConnectIsUnderWay() throws {
        var calls = live
        calls.connect = { _, _, _ in .failure(.interrupted) }
        let kernel = Kernel(calls: calls)
        let socket = try kernel.makeSocket(.ipv4)
        defer { try? kernel.close(socket) }
        #expect(try kernel.connect(socket, to: .loopbackIPv4(port: 9)) == false)
    }

    @Test func diskFullIsTypedWithPathOperationAndOffset() throws {
        let folder = try TestFolder("posix-enospc")
        defer { folder.remove() }
        let writes = CallCounter()
        var calls = live
        // Two short writes get through, then the disk is full.
        calls.pwrite = { [live] fd, buffer, offset in
            if writes.next() > 2 { return .failure(.noSpace) }
            return live.pwrite(fd, UnsafeRawBufferPointer(rebasing: buffer[..<min(100, buffer.count)]), offset)
        }
        let kernel = Kernel(calls: calls)
        let path = folder.path.appending("00000000000000000001.seg")
        let fd = try kernel.open(path, .readWrite, options: .create)
        defer { try? kernel.close(fd) }
        let error = try #require(throws: SystemError.self) { try kernel.write(fd, [UInt8](repeating: 7, count: 1000), at: 4096, path: path) }
        #expect(error.code == .noSpace)
        #expect(error.operation == "pwrite")
        #expect(error.path == path)
        #expect(error.descriptor == fd)
        #expect(error.offset == 4296)
        for fragment in ["pwrite failed", path.string, "at offset 4296", "ENOSPC", "disk is full"] {
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test func ioErrorOnSyncIsTyped() throws {
        let folder = try TestFolder("posix-eio")
        defer { folder.remove() }
        var calls = live
        calls.fdatasync = { _ in .failure(.ioError) }
        let kernel = Kernel(calls: calls)
        let path = folder.path.appending("f.seg")
        let fd = try kernel.open(path, .readWrite, options: .create)
        defer { try? kernel.close(fd) }
        let error = try #require(throws: SystemError.self) { try kernel.syncData(fd, path: path) }
        #expect(error.code == .ioError)
        #expect(error.operation == "fdatasync")
        for fragment in ["fdatasync failed", path.string, "EIO", "check the disk"] {
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    /// The injected open wraps the live one, then runs code that changes errno — as a release, a
    /// deinit or logging between a call and a later `errno` read can. The funnel must report the
    /// call's own reason (ENOENT). A funnel that read `errno` after the call table returned (the
    /// old `FileIO` pattern) would see EIO here: the closure checks that errno really is EIO when
    /// it hands control back.
    @Test func errnoIsCapturedInsideTheCallNotAfterIt() throws {
        let folder = try TestFolder("posix-errno")
        defer { folder.remove() }
        let errnoOnReturn = Atomic<Int32>(0)
        final class Clobber { deinit { errno = EIO } }
        var calls = live
        calls.open = { [live] path, flags, mode in
            let result = live.open(path, flags, mode)
            do { _ = Clobber() }
            var ignored = stat()
            _ = fstat(-1, &ignored) // fails: errno is EBADF now
            errno = EIO
            errnoOnReturn.store(errno, ordering: .relaxed)
            return result
        }
        let kernel = Kernel(calls: calls)
        let missing = folder.path.appending("missing")
        let error = try #require(throws: SystemError.self) { try kernel.open(missing, .readOnly) }
        #expect(errnoOnReturn.load(ordering: .relaxed) == EIO)
        #expect(error.code == .noSuchFile)
        #expect(error.description.contains("ENOENT"))
    }

    @Test func wouldBlockIsAValueNotAnError() throws {
        var calls = live
        calls.read = { _, _ in .failure(.wouldBlock) }
        calls.write = { _, _ in .failure(.wouldBlock) }
        calls.send = { _, _, _ in .failure(.wouldBlock) }
        calls.sendmsg = { _, _, _ in .failure(.wouldBlock) }
        calls.accept4 = { _, _, _, _ in .failure(.wouldBlock) }
        calls.flock = { _, _ in .failure(.wouldBlock) }
        let kernel = Kernel(calls: calls)
        let pipe = try kernel.makePipe()
        let socket = try kernel.makeSocket(.ipv4)
        defer { for fd in [pipe.reading, pipe.writing, socket] { try? kernel.close(fd) } }
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(try buffer.withUnsafeMutableBytes { try kernel.read(from: pipe.reading, into: $0) } == .wouldBlock)
        #expect(try buffer.withUnsafeBytes { try kernel.write(to: pipe.writing, $0) } == .wouldBlock)
        #expect(try buffer.withUnsafeBytes { try kernel.send($0, to: socket) } == .wouldBlock)
        #expect(try buffer.withUnsafeBytes { try kernel.send(gathering: [$0, $0], to: socket) } == .wouldBlock)
        #expect(try kernel.accept(socket) == .wouldBlock)
        #expect(try kernel.lock(pipe.reading, .exclusive) == false)
    }

    @Test func peerGoneIsThrownWithAdvice() throws {
        var calls = live
        calls.read = { _, _ in .failure(.connectionReset) }
        calls.send = { _, _, _ in .failure(.brokenPipe) }
        let kernel = Kernel(calls: calls)
        let socket = try kernel.makeSocket(.ipv4)
        defer { try? kernel.close(socket) }
        var buffer = [UInt8](repeating: 0, count: 8)
        let reset = try #require(throws: SystemError.self) { try buffer.withUnsafeMutableBytes { try kernel.read(from: socket, into: $0) } }
        #expect(reset.code == .connectionReset)
        #expect(reset.description.contains("read failed on \(socket)"))
        #expect(reset.description.contains("peer is gone"))
        let pipe = try #require(throws: SystemError.self) { try buffer.withUnsafeBytes { try kernel.send($0, to: socket) } }
        #expect(pipe.code == .brokenPipe)
        #expect(pipe.operation == "send")
    }

    @Test func acceptSkipsConnectionsAbortedBeforeTheyWereTaken() throws {
        let accepts = CallCounter()
        var calls = live
        calls.accept4 = { _, _, _, _ in accepts.next() < 3 ? .failure(.connectionAborted) : .failure(.wouldBlock) }
        let kernel = Kernel(calls: calls)
        let socket = try kernel.makeSocket(.ipv4)
        defer { try? kernel.close(socket) }
        #expect(try kernel.accept(socket) == .wouldBlock)
        #expect(accepts.value == 3)
    }

    @Test func tooManyOpenFilesIsThrownFromAccept() throws {
        var calls = live
        calls.accept4 = { _, _, _, _ in .failure(.tooManyOpenFiles) }
        let kernel = Kernel(calls: calls)
        let socket = try kernel.makeSocket(.ipv4)
        defer { try? kernel.close(socket) }
        let error = try #require(throws: SystemError.self) { try kernel.accept(socket) }
        #expect(error.code == .tooManyOpenFiles)
        #expect(error.description.contains("ulimit -n"))
    }

    /// Each kernel value carries its table: a faulty one does not affect `Kernel.live`.
    @Test func faultsStayWithTheirKernel() throws {
        let folder = try TestFolder("posix-isolation")
        defer { folder.remove() }
        var calls = live
        calls.mkdir = { _, _ in .failure(.readOnlyFileSystem) }
        let faulty = Kernel(calls: calls)
        let error = try #require(throws: SystemError.self) { try faulty.makeDirectory(folder.path.appending("a")) }
        #expect(error.code == .readOnlyFileSystem)
        #expect(try Kernel.live.makeDirectory(folder.path.appending("a")))
    }
}
