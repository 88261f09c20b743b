#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// Every raw system call the package makes, as replaceable closures: the fault-injection seam.
///
/// `package`, never `public`: production code gets `SyscallTable.live` through `Kernel.live` and
/// cannot swap calls; tests in this package build a `Kernel(calls:)` from a table with single
/// closures replaced, to inject ENOSPC, EIO, EINTR, EAGAIN, ECONNRESET or short transfers.
///
/// The contract differs from C on purpose: a closure returns its value or the `Errno` it failed
/// with, never −1 with the reason left in the thread's `errno`. The live closures read `errno`
/// in the statement after the raw call, so nothing that runs later — the funnel's own code, a
/// release, a deinit, an injected wrapper — can replace the reason before it is seen. A replacement
/// returns `.failure(code)` directly; it never needs to touch `errno`.
///
/// Closures do one attempt: no retries, no loops over short transfers, no precondition checks.
/// Those belong to `Kernel`, so that injected faults pass through exactly the logic production runs.
package struct SyscallTable: Sendable {
    // MARK: Files

    /// `open(path, flags, mode)`; the funnel has already added `O_CLOEXEC` to `flags`.
    package var open: @Sendable (_ path: FilePath, _ flags: Int32, _ mode: UInt32) -> Result<Int32, Errno>
    /// `close(fd)`.
    package var close: @Sendable (_ fd: Int32) -> Result<Void, Errno>
    /// `pread(fd, buffer, offset)`: the byte count, possibly fewer than asked; 0 at end of file.
    package var pread: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, _ offset: Int) -> Result<Int, Errno>
    /// `pwrite(fd, buffer, offset)`: the byte count, possibly fewer than given.
    package var pwrite: @Sendable (_ fd: Int32, _ buffer: UnsafeRawBufferPointer, _ offset: Int) -> Result<Int, Errno>
    /// `fdatasync(fd)`.
    package var fdatasync: @Sendable (_ fd: Int32) -> Result<Void, Errno>
    /// `fsync(fd)`.
    package var fsync: @Sendable (_ fd: Int32) -> Result<Void, Errno>
    /// `ftruncate(fd, length)`.
    package var ftruncate: @Sendable (_ fd: Int32, _ length: Int) -> Result<Void, Errno>
    /// `fstat(fd)`.
    package var fstat: @Sendable (_ fd: Int32) -> Result<stat, Errno>
    /// `flock(fd, operation)`.
    package var flock: @Sendable (_ fd: Int32, _ operation: Int32) -> Result<Void, Errno>
    /// `rename(from, to)`.
    package var rename: @Sendable (_ from: FilePath, _ to: FilePath) -> Result<Void, Errno>
    /// `mkdir(path, mode)`.
    package var mkdir: @Sendable (_ path: FilePath, _ mode: UInt32) -> Result<Void, Errno>
    /// `unlink(path)`.
    package var unlink: @Sendable (_ path: FilePath) -> Result<Void, Errno>
    /// `rmdir(path)`.
    package var rmdir: @Sendable (_ path: FilePath) -> Result<Void, Errno>
    /// The names in a folder, without `.` and `..` (`opendir`/`readdir`/`closedir`).
    package var listDirectory: @Sendable (_ path: FilePath) -> Result<[String], Errno>

    // MARK: Streams (sockets, pipes, eventfd, inotify)

    /// `read(fd, buffer)`: the byte count, 0 at end of stream.
    package var read: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno>
    /// `write(fd, buffer)`: the byte count, possibly fewer than given.
    package var write: @Sendable (_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Result<Int, Errno>
    /// `writev(fd, iov, count)`.
    package var writev: @Sendable (_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>) -> Result<Int, Errno>
    /// `send(fd, buffer, flags)`.
    package var send: @Sendable (_ fd: Int32, _ buffer: UnsafeRawBufferPointer, _ flags: Int32) -> Result<Int, Errno>
    /// `sendmsg(fd, {iov, count}, flags)`: `writev` for sockets, with flags.
    package var sendmsg: @Sendable (_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>, _ flags: Int32) -> Result<Int, Errno>
    /// `pipe2(fds, flags)`: the read end, then the write end.
    package var pipe2: @Sendable (_ flags: Int32) -> Result<(Int32, Int32), Errno>

    // MARK: Sockets

    /// `socket(domain, type, protocol)`.
    package var socket: @Sendable (_ domain: Int32, _ type: Int32, _ protocol: Int32) -> Result<Int32, Errno>
    /// `setsockopt(fd, level, name, value, length)`.
    package var setsockopt: @Sendable (_ fd: Int32, _ level: Int32, _ name: Int32, _ value: UnsafeRawBufferPointer) -> Result<Void, Errno>
    /// `bind(fd, address, length)`.
    package var bind: @Sendable (_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Result<Void, Errno>
    /// `connect(fd, address, length)`.
    package var connect: @Sendable (_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Result<Void, Errno>
    /// `listen(fd, backlog)`.
    package var listen: @Sendable (_ fd: Int32, _ backlog: Int32) -> Result<Void, Errno>
    /// `accept4(fd, address, length, flags)`.
    package var accept4: @Sendable (_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: UnsafeMutablePointer<socklen_t>?, _ flags: Int32) -> Result<Int32, Errno>
    /// `getsockname(fd, address, length)`.
    package var getsockname: @Sendable (_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>) -> Result<Void, Errno>
    /// `shutdown(fd, how)`.
    package var shutdown: @Sendable (_ fd: Int32, _ how: Int32) -> Result<Void, Errno>

    // MARK: Readiness

    /// `epoll_create1(flags)`.
    package var epollCreate1: @Sendable (_ flags: Int32) -> Result<Int32, Errno>
    /// `epoll_ctl(epfd, op, fd, event)`.
    package var epollCtl: @Sendable (_ epoll: Int32, _ operation: Int32, _ fd: Int32, _ event: UnsafeMutablePointer<epoll_event>?) -> Result<Void, Errno>
    /// `epoll_wait(epfd, events, maxevents, timeout)`: the number of events filled in.
    package var epollWait: @Sendable (_ epoll: Int32, _ events: UnsafeMutableBufferPointer<epoll_event>, _ timeoutMilliseconds: Int32) -> Result<Int, Errno>
    /// `poll(fds, nfds, timeout)`: how many descriptors have events.
    package var poll: @Sendable (_ descriptors: UnsafeMutableBufferPointer<pollfd>, _ timeoutMilliseconds: Int32) -> Result<Int, Errno>
    /// `eventfd(initval, flags)`.
    package var eventfd: @Sendable (_ initialValue: UInt32, _ flags: Int32) -> Result<Int32, Errno>
    /// `inotify_init1(flags)`.
    package var inotifyInit1: @Sendable (_ flags: Int32) -> Result<Int32, Errno>
    /// `inotify_add_watch(fd, path, mask)`.
    package var inotifyAddWatch: @Sendable (_ fd: Int32, _ path: FilePath, _ mask: UInt32) -> Result<Int32, Errno>
    /// `inotify_rm_watch(fd, wd)`.
    package var inotifyRemoveWatch: @Sendable (_ fd: Int32, _ watch: Int32) -> Result<Void, Errno>

    // MARK: Processes and clocks

    /// `getpid()`, which cannot fail.
    package var getpid: @Sendable () -> Int32
    /// `kill(pid, signal)`.
    package var kill: @Sendable (_ pid: Int32, _ signal: Int32) -> Result<Void, Errno>
    /// `clock_gettime(clock)`.
    package var clockGettime: @Sendable (_ clock: clockid_t) -> Result<timespec, Errno>
    /// `getrlimit(resource)`: the soft and hard limits.
    package var getrlimit: @Sendable (_ resource: Int32) -> Result<rlimit, Errno>
}
