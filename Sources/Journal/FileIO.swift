#if canImport(Glibc)
import Glibc
#endif
import POSIX

/// The journal's view of the system layer: the `POSIX` funnel (`Kernel`) with descriptors as
/// `Int32`, paths as the strings the journal builds, and every failure as a `JournalError`
/// naming the operation, file and offset.
///
/// EINTR retries, completed short transfers, errno captured inside the call and EBADF/EFAULT as
/// programmer errors all come from `Kernel`; tests inject faults by giving the configuration a
/// `Kernel` over a modified `SyscallTable`.
package struct FileIO: Sendable {
    /// The funnel underneath.
    package let kernel: Kernel

    /// The journal's calls through `kernel`.
    package init(kernel: Kernel) { self.kernel = kernel }

    /// `error` as the journal reports it: one line, with the file and offset beside it.
    package static func failure(_ error: SystemError, path: String, offset: Int? = nil) -> JournalError {
        JournalError(.io, "\(error.operation) failed: \(error.code) (\(error.code.symbol), errno \(error.code.rawValue)). \(error.advice)",
                     path: path, offset: offset ?? error.offset, errno: error.code.rawValue)
    }

    /// Runs `body` on the checked form of `path`, turning its `SystemError` into a `JournalError`.
    @inline(__always)
    private func on<T>(_ path: String, offset: Int? = nil, _ body: (FilePath) throws(SystemError) -> T) throws(JournalError) -> T {
        guard let checked = FilePath(validating: path) else {
            throw JournalError(.io, "the path is empty or holds a NUL byte; pass a real folder", path: path)
        }
        do {
            return try body(checked)
        } catch {
            throw FileIO.failure(error, path: path, offset: offset)
        }
    }

    /// Opens `path` with `O_…` `flags` (close-on-exec always); returns the descriptor.
    package func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(JournalError) -> Int32 {
        let access: FileDescriptor.AccessMode = switch flags & O_ACCMODE {
        case O_WRONLY: .writeOnly
        case O_RDWR: .readWrite
        default: .readOnly
        }
        let options = FileDescriptor.OpenOptions(rawValue: flags & ~O_ACCMODE & ~O_CLOEXEC)
        return try on(path) { (path) throws(SystemError) in
            try kernel.open(path, access, options: options, permissions: FilePermissions(rawValue: UInt32(mode))).rawValue
        }
    }

    /// Closes `fd`; errors are ignored because nothing durable depends on close (a sync did it).
    package func close(_ fd: Int32) { try? kernel.close(FileDescriptor(rawValue: fd)) }

    /// Writes all of `bytes` at `offset`, continuing after short writes.
    package func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws(JournalError) {
        try on(path, offset: offset) { (checked) throws(SystemError) in try kernel.write(FileDescriptor(rawValue: fd), bytes, at: offset, path: checked) }
    }

    /// Writes all of `bytes` at `offset`.
    package func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws(JournalError) {
        try on(path, offset: offset) { (checked) throws(SystemError) in try kernel.write(FileDescriptor(rawValue: fd), bytes, at: offset, path: checked) }
    }

    /// Reads up to `buffer.count` bytes at `offset`, stopping early only at end of file.
    package func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String) throws(JournalError) -> Int {
        try on(path, offset: offset) { (checked) throws(SystemError) in try kernel.read(FileDescriptor(rawValue: fd), into: buffer, at: offset, path: checked) }
    }

    /// Reads into all of `bytes` at `offset` (stopping at end of file); returns the count read.
    package func read(_ fd: Int32, into bytes: inout [UInt8], at offset: Int, path: String) throws(JournalError) -> Int {
        let outcome: Result<Int, JournalError> = bytes.withUnsafeMutableBytes { raw in
            Result { () throws(JournalError) in try read(fd, into: raw, at: offset, path: path) }
        }
        return try outcome.get()
    }

    /// `fdatasync`: file data (and the size, if it changed) reach stable storage.
    package func syncData(_ fd: Int32, path: String) throws(JournalError) {
        try on(path) { (checked) throws(SystemError) in try kernel.syncData(FileDescriptor(rawValue: fd), path: checked) }
    }

    /// `fsync` of a file or folder.
    package func sync(_ fd: Int32, path: String) throws(JournalError) {
        try on(path) { (checked) throws(SystemError) in try kernel.sync(FileDescriptor(rawValue: fd), path: checked) }
    }

    /// Fsyncs folder `path`, so names created, renamed or removed in it are durable.
    package func syncDirectory(_ path: String) throws(JournalError) {
        try on(path) { (checked) throws(SystemError) in try kernel.syncDirectory(checked) }
    }

    /// Sets the file's length.
    package func truncate(_ fd: Int32, to length: Int, path: String) throws(JournalError) {
        try on(path, offset: length) { (checked) throws(SystemError) in try kernel.truncate(FileDescriptor(rawValue: fd), to: length, path: checked) }
    }

    /// `flock(fd, operation)` with `LOCK_SH`, `LOCK_EX` (never waiting) or `LOCK_UN`; false when
    /// the lock is held elsewhere.
    package func lock(_ fd: Int32, _ operation: Int32, path: String) throws(JournalError) -> Bool {
        let descriptor = FileDescriptor(rawValue: fd)
        return try on(path) { (checked) throws(SystemError) -> Bool in
            if operation & LOCK_UN != 0 {
                try kernel.unlock(descriptor, path: checked)
                return true
            }
            return try kernel.lock(descriptor, operation & LOCK_EX != 0 ? .exclusive : .shared, waits: operation & LOCK_NB == 0, path: checked)
        }
    }

    /// Renames `from` to `to`.
    package func rename(_ from: String, to: String) throws(JournalError) {
        guard let destination = FilePath(validating: to) else { throw JournalError(.io, "the rename target is empty or holds a NUL byte", path: to) }
        try on(from) { (source) throws(SystemError) in try kernel.rename(source, to: destination) }
    }

    /// Removes file `path`; returns false if it did not exist.
    package func remove(_ path: String) throws(JournalError) -> Bool {
        try on(path) { (checked) throws(SystemError) in try kernel.remove(checked) }
    }

    /// Creates folder `path` unless it exists; returns whether it was created.
    package func makeDirectory(_ path: String) throws(JournalError) -> Bool {
        try on(path) { (checked) throws(SystemError) in try kernel.makeDirectory(checked) }
    }

    /// Removes the empty folder `path`.
    package func removeDirectory(_ path: String) throws(JournalError) {
        try on(path) { (checked) throws(SystemError) in try kernel.removeDirectory(checked) }
    }

    /// The size of open file `fd`.
    package func size(_ fd: Int32, path: String) throws(JournalError) -> Int {
        try on(path) { (checked) throws(SystemError) in try kernel.size(FileDescriptor(rawValue: fd), path: checked) }
    }

    /// The names in folder `path`.
    package func list(_ path: String) throws(JournalError) -> [String] {
        try on(path) { (checked) throws(SystemError) in try kernel.list(checked) }
    }

    /// Reads what a non-blocking pipe or inotify descriptor has ready; 0 when nothing is ready
    /// or at end of stream.
    package func readAvailable(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(JournalError) -> Int {
        try on(path) { (_) throws(SystemError) -> Int in
            switch try kernel.read(from: FileDescriptor(rawValue: fd), into: buffer) {
            case .bytes(let count): return count
            case .endOfStream, .wouldBlock: return 0
            }
        }
    }

    /// Writes one byte to a non-blocking wake-up pipe; a full one already holds a wake-up, and
    /// other errors are ignored: the waiter's poll timeout still ends its wait.
    package func writeWakeByte(_ fd: Int32) {
        var byte: UInt8 = 1
        _ = withUnsafeBytes(of: &byte) { raw in try? kernel.write(to: FileDescriptor(rawValue: fd), raw) }
    }

    /// A non-blocking, close-on-exec wake-up pipe.
    package func makePipe() throws(JournalError) -> (read: Int32, write: Int32) {
        do {
            let (reading, writing) = try kernel.makePipe(isNonBlocking: true)
            return (reading.rawValue, writing.rawValue)
        } catch {
            throw FileIO.failure(error, path: "(wake-up pipe)")
        }
    }

    /// A non-blocking inotify instance.
    package func makeInotify(path: String) throws(JournalError) -> Int32 {
        try on(path) { (_) throws(SystemError) in try kernel.makeInotify().rawValue }
    }

    /// Watches folder `path` for the events in `mask` on inotify instance `fd`.
    package func addWatch(_ fd: Int32, path: String, mask: UInt32) throws(JournalError) {
        try on(path) { (checked) throws(SystemError) in
            _ = try kernel.addWatch(to: FileDescriptor(rawValue: fd), for: checked, events: InotifyEvent.Mask(rawValue: mask))
        }
    }

    /// Waits until one of `descriptors` is readable or `timeoutMilliseconds` pass; an
    /// interrupted wait counts as a timeout (the caller looks again either way).
    package func poll(_ descriptors: inout [pollfd], timeoutMilliseconds: Int32, path: String) throws(JournalError) -> Int {
        do {
            return try kernel.poll(&descriptors, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            throw FileIO.failure(error, path: path)
        }
    }
}

extension Kernel {
    /// The journal's calls through this funnel.
    package var io: FileIO { FileIO(kernel: self) }
}
