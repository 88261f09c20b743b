#if canImport(Glibc)
import Glibc
#endif

/// The system calls the journal makes, as replaceable closures.
///
/// Every file operation of the writer, reader, verifier and recovery goes through one value of
/// this type, and through the `FileIO` funnel that retries `EINTR` and turns failures into
/// `JournalError`s naming the operation and path. Tests substitute single closures to inject
/// ENOSPC, EIO or short writes; production uses `.live`. Closures return what the C call returns
/// and leave the reason in `errno`, exactly like the calls they stand for.
public struct SystemCalls: Sendable {
    /// `open(path, flags, mode)`.
    public var open: @Sendable (_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32
    /// `close(fd)`.
    public var close: @Sendable (_ fd: Int32) -> Int32
    /// `pwrite(fd, buffer, offset)`; may write fewer bytes than given.
    public var pwrite: @Sendable (_ fd: Int32, _ buffer: UnsafeRawBufferPointer, _ offset: Int) -> Int
    /// `pread(fd, buffer, offset)`; may read fewer bytes than asked.
    public var pread: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, _ offset: Int) -> Int
    /// `fdatasync(fd)`.
    public var fdatasync: @Sendable (_ fd: Int32) -> Int32
    /// `fsync(fd)` (used for folders, where metadata is the point).
    public var fsync: @Sendable (_ fd: Int32) -> Int32
    /// `ftruncate(fd, length)`.
    public var ftruncate: @Sendable (_ fd: Int32, _ length: Int) -> Int32
    /// `flock(fd, operation)`.
    public var flock: @Sendable (_ fd: Int32, _ operation: Int32) -> Int32
    /// `rename(from, to)`.
    public var rename: @Sendable (_ from: String, _ to: String) -> Int32
    /// `mkdir(path, mode)`.
    public var mkdir: @Sendable (_ path: String, _ mode: mode_t) -> Int32
    /// `unlink(path)`.
    public var unlink: @Sendable (_ path: String) -> Int32
    /// File size of an open file (`fstat`), or −1.
    public var fileSize: @Sendable (_ fd: Int32) -> Int
    /// Names in a folder (without `.` and `..`), or nil with `errno` set.
    public var listDirectory: @Sendable (_ path: String) -> [String]?
    /// `rmdir(path)`: removes an empty folder (a prefix copy's staging folder after a failure).
    public var rmdir: @Sendable (_ path: String) -> Int32
    /// `read(fd, buffer)` on a pipe or an inotify descriptor, which `pread` cannot read.
    public var read: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int
    /// `write(fd, buffer)` on a pipe (a follower's wake-up byte).
    public var write: @Sendable (_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int
    /// A connected pair of descriptors, both non-blocking and close-on-exec, used as a wake-up
    /// pipe; nil with `errno` set. (`socketpair`: `pipe2` is not exported by the Glibc module,
    /// and `pipe` then `fcntl` would leave a moment in which a child spawned by another thread
    /// inherits them.)
    public var pipe: @Sendable () -> (read: Int32, write: Int32)?
    /// `inotify_init1(IN_NONBLOCK | IN_CLOEXEC)`.
    public var inotifyInit: @Sendable () -> Int32
    /// `inotify_add_watch(fd, path, mask)`.
    public var inotifyAddWatch: @Sendable (_ fd: Int32, _ path: String, _ mask: UInt32) -> Int32
    /// `poll(descriptors, count, timeout)`: waits until one of `descriptors` is readable or
    /// `timeoutMilliseconds` pass (−1: no timeout); returns how many are ready.
    public var poll: @Sendable (_ descriptors: UnsafeMutableBufferPointer<pollfd>, _ timeoutMilliseconds: Int32) -> Int32

    /// The real system calls.
    public static let live = SystemCalls(
        open: { path, flags, mode in Glibc.open(path, flags | O_CLOEXEC, mode) },
        close: { fd in Glibc.close(fd) },
        pwrite: { fd, buffer, offset in Glibc.pwrite(fd, buffer.baseAddress, buffer.count, off_t(offset)) },
        pread: { fd, buffer, offset in Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset)) },
        fdatasync: { fd in Glibc.fdatasync(fd) },
        fsync: { fd in Glibc.fsync(fd) },
        ftruncate: { fd, length in Glibc.ftruncate(fd, off_t(length)) },
        flock: { fd, operation in lockFile(fd, operation) },
        rename: { from, to in Glibc.rename(from, to) },
        mkdir: { path, mode in Glibc.mkdir(path, mode) },
        unlink: { path in Glibc.unlink(path) },
        fileSize: { fd in
            var info = stat()
            return fstat(fd, &info) == 0 ? Int(info.st_size) : -1
        },
        listDirectory: { path in
            guard let directory = opendir(path) else { return nil }
            defer { closedir(directory) }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            return names
        },
        rmdir: { path in Glibc.rmdir(path) },
        read: { fd, buffer in Glibc.read(fd, buffer.baseAddress, buffer.count) },
        write: { fd, buffer in Glibc.write(fd, buffer.baseAddress, buffer.count) },
        pipe: {
            var ends: [Int32] = [-1, -1]
            let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
            guard socketpair(AF_UNIX, type, 0, &ends) == 0 else { return nil }
            return (ends[0], ends[1])
        },
        inotifyInit: { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) },
        inotifyAddWatch: { fd, path, mask in inotify_add_watch(fd, path, mask) },
        poll: { descriptors, timeout in Glibc.poll(descriptors.baseAddress, nfds_t(descriptors.count), timeout) }
    )

    /// The funnel over these calls.
    package var io: FileIO { FileIO(calls: self) }
}

// `flock` names both a struct and a function in Glibc; this picks the function.
private let lockFile: @Sendable (Int32, Int32) -> Int32 = { fd, operation in
    let result: Int32 = flock(fd, operation)
    return result
}

/// The funnel: retries `EINTR`, completes short reads and writes, and maps failures to
/// `JournalError` with the operation and path.
package struct FileIO: Sendable {
    /// The calls underneath.
    package let calls: SystemCalls

    /// Turns the current `errno` into an error naming `operation` and `path`.
    package static func failure(_ operation: String, path: String, offset: Int? = nil, errno code: Int32 = Glibc.errno) -> JournalError {
        let reason = String(cString: strerror(code))
        let advice: String
        switch code {
        case ENOSPC, EDQUOT: advice = "the disk is full: free space, then reopen the journal"
        case EIO: advice = "the device reported an I/O error: check the disk (dmesg) before trusting this journal"
        case EACCES, EPERM, EROFS: advice = "check the folder's permissions and mount"
        case ENOENT: advice = "check that the path exists"
        default: advice = "see the system error above"
        }
        return JournalError(.io, "\(operation) failed: \(reason) (errno \(code)); \(advice)", path: path, offset: offset, errno: code)
    }

    /// Runs `call` until it does not fail with `EINTR`.
    @inline(__always)
    private func retryingInterrupts<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    /// Opens `path`; returns the descriptor.
    package func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(JournalError) -> Int32 {
        let fd = retryingInterrupts { calls.open(path, flags, mode) }
        guard fd >= 0 else { throw FileIO.failure("open", path: path) }
        return fd
    }

    /// Closes `fd`; errors are ignored because nothing durable depends on close (fsync did it).
    package func close(_ fd: Int32) { _ = calls.close(fd) }

    /// Writes all of `bytes` at `offset`, continuing after short writes.
    package func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws(JournalError) {
        var done = 0
        while done < bytes.count {
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[done...])
            let written = retryingInterrupts { calls.pwrite(fd, chunk, offset + done) }
            if written < 0 { throw FileIO.failure("write", path: path, offset: offset + done) }
            if written == 0 { throw FileIO.failure("write", path: path, offset: offset + done, errno: ENOSPC) }
            done += written
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`, stopping early only at end of file.
    /// Returns the number of bytes read.
    package func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String) throws(JournalError) -> Int {
        var done = 0
        while done < buffer.count {
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
            let count = retryingInterrupts { calls.pread(fd, chunk, offset + done) }
            if count < 0 { throw FileIO.failure("read", path: path, offset: offset + done) }
            if count == 0 { break }
            done += count
        }
        return done
    }

    /// Reads into all of `bytes` at `offset` (stopping at end of file); returns the count read.
    package func read(_ fd: Int32, into bytes: inout [UInt8], at offset: Int, path: String) throws(JournalError) -> Int {
        var outcome: Result<Int, JournalError> = .success(0)
        bytes.withUnsafeMutableBytes { raw in
            do throws(JournalError) { outcome = .success(try read(fd, into: raw, at: offset, path: path)) } catch { outcome = .failure(error) }
        }
        return try outcome.get()
    }

    /// Writes all of `bytes` at `offset`.
    package func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws(JournalError) {
        var failure: JournalError? = nil
        bytes.withUnsafeBytes { raw in
            do throws(JournalError) { try write(fd, raw, at: offset, path: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// `fdatasync`: file data (and the size, if it changed) reach stable storage.
    package func syncData(_ fd: Int32, path: String) throws(JournalError) {
        guard retryingInterrupts({ calls.fdatasync(fd) }) == 0 else { throw FileIO.failure("fdatasync", path: path) }
    }

    /// `fsync` of a file or folder.
    package func sync(_ fd: Int32, path: String) throws(JournalError) {
        guard retryingInterrupts({ calls.fsync(fd) }) == 0 else { throw FileIO.failure("fsync", path: path) }
    }

    /// Opens folder `path`, fsyncs it (so created, renamed or removed names are durable), closes it.
    package func syncDirectory(_ path: String) throws(JournalError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try sync(fd, path: path)
    }

    /// Sets the file's length.
    package func truncate(_ fd: Int32, to length: Int, path: String) throws(JournalError) {
        guard retryingInterrupts({ calls.ftruncate(fd, length) }) == 0 else { throw FileIO.failure("ftruncate", path: path, offset: length) }
    }

    /// `flock`; returns false instead of throwing when the lock is held elsewhere (`EWOULDBLOCK`).
    package func lock(_ fd: Int32, _ operation: Int32, path: String) throws(JournalError) -> Bool {
        if retryingInterrupts({ calls.flock(fd, operation) }) == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw FileIO.failure("flock", path: path)
    }

    /// Renames `from` to `to`.
    package func rename(_ from: String, to: String) throws(JournalError) {
        guard retryingInterrupts({ calls.rename(from, to) }) == 0 else { throw FileIO.failure("rename to \(to)", path: from) }
    }

    /// Removes file `path`; returns false if it did not exist.
    package func remove(_ path: String) throws(JournalError) -> Bool {
        if retryingInterrupts({ calls.unlink(path) }) == 0 { return true }
        if errno == ENOENT { return false }
        throw FileIO.failure("unlink", path: path)
    }

    /// Creates folder `path` unless it exists; returns whether it was created.
    package func makeDirectory(_ path: String) throws(JournalError) -> Bool {
        if retryingInterrupts({ calls.mkdir(path, 0o755) }) == 0 { return true }
        if errno == EEXIST { return false }
        throw FileIO.failure("mkdir", path: path)
    }

    /// The size of open file `fd`.
    package func size(_ fd: Int32, path: String) throws(JournalError) -> Int {
        let size = calls.fileSize(fd)
        guard size >= 0 else { throw FileIO.failure("fstat", path: path) }
        return size
    }

    /// The names in folder `path`.
    package func list(_ path: String) throws(JournalError) -> [String] {
        guard let names = calls.listDirectory(path) else { throw FileIO.failure("list folder", path: path) }
        return names
    }

    /// Removes the empty folder `path`.
    package func removeDirectory(_ path: String) throws(JournalError) {
        guard retryingInterrupts({ calls.rmdir(path) }) == 0 else { throw FileIO.failure("rmdir", path: path) }
    }

    /// Reads what a pipe or inotify descriptor has ready, up to `buffer.count` bytes; 0 when
    /// nothing is ready (`EAGAIN`) or at end of file.
    package func readAvailable(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(JournalError) -> Int {
        let count = retryingInterrupts { calls.read(fd, buffer) }
        if count >= 0 { return count }
        if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
        throw FileIO.failure("read", path: path)
    }

    /// Writes one byte to a non-blocking wake-up pipe; a full one already holds a wake-up, so
    /// `EAGAIN` counts as done. Other errors are ignored: the reader's poll timeout still ends
    /// its wait.
    package func writeWakeByte(_ fd: Int32) {
        var byte: UInt8 = 1
        _ = withUnsafeBytes(of: &byte) { raw in retryingInterrupts { calls.write(fd, raw) } }
    }

    /// A non-blocking, close-on-exec wake-up pipe (see `SystemCalls.pipe`).
    package func makePipe() throws(JournalError) -> (read: Int32, write: Int32) {
        guard let ends = calls.pipe() else { throw FileIO.failure("pipe", path: "(wake-up pipe)") }
        return ends
    }

    /// A non-blocking inotify instance.
    package func makeInotify(path: String) throws(JournalError) -> Int32 {
        let fd = retryingInterrupts { calls.inotifyInit() }
        guard fd >= 0 else { throw FileIO.failure("inotify_init1", path: path) }
        return fd
    }

    /// Watches folder `path` for the events in `mask` on inotify instance `fd`.
    package func addWatch(_ fd: Int32, path: String, mask: UInt32) throws(JournalError) {
        guard retryingInterrupts({ calls.inotifyAddWatch(fd, path, mask) }) >= 0 else { throw FileIO.failure("inotify_add_watch", path: path) }
    }

    /// Waits until one of `descriptors` is readable or `timeoutMilliseconds` pass; an
    /// interrupted wait counts as a timeout (the caller looks again either way).
    package func poll(_ descriptors: inout [pollfd], timeoutMilliseconds: Int32, path: String) throws(JournalError) -> Int {
        let ready = descriptors.withUnsafeMutableBufferPointer { calls.poll($0, timeoutMilliseconds) }
        if ready >= 0 { return Int(ready) }
        if errno == EINTR { return 0 }
        throw FileIO.failure("poll", path: path)
    }
}
