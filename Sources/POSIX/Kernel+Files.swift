#if canImport(Glibc)
import Glibc
#endif

/// Files: open, close, positioned reads and writes that complete, syncs, size, truncation, locks.
///
/// Calls on a descriptor take the `path` it was opened with, when the caller has it, only so that
/// a `SystemError` can name the file; the call itself uses the descriptor.
extension Kernel {
    /// Opens `path` (always with `O_CLOEXEC`) and returns the new descriptor.
    ///
    /// `permissions` apply only when `.create` makes the file (minus the umask).
    public func open(_ path: FilePath, _ access: FileDescriptor.AccessMode, options: FileDescriptor.OpenOptions = [],
                     permissions: FilePermissions = .file) throws(SystemError) -> FileDescriptor {
        let flags = access.flags | options.rawValue | O_CLOEXEC
        let fd = try invoke("open") { calls.open(path, flags, permissions.rawValue) }
            .orThrow { SystemError(code: $0, operation: "open", path: path) }
        return FileDescriptor(rawValue: fd)
    }

    /// Closes `fd`, which must not be used again whatever happens.
    ///
    /// EINTR is not retried: Linux has released the descriptor by then, and closing the number
    /// again could close a file another thread has just opened; it counts as closed. Other errors
    /// (EIO, ENOSPC from file systems that report deferred write errors at close) are thrown, but
    /// the descriptor is gone all the same; data that matters is made durable with `syncData`
    /// before closing, which reports those errors where they can be handled.
    public func close(_ fd: FileDescriptor, path: FilePath? = nil) throws(SystemError) {
        switch invoke("close", on: fd, retriesInterrupts: false, { calls.close(fd.rawValue) }) {
        case .success, .failure(.interrupted): return
        case .failure(let code): throw SystemError(code: code, operation: "close", path: path, descriptor: fd)
        }
    }

    /// Writes all of `bytes` at `offset`, continuing after short writes.
    ///
    /// A write that transfers nothing is reported as ENOSPC: on a regular file that only happens
    /// when the file system can take no more, and looping on it would never end. On failure part
    /// of `bytes` may have been written; the error's offset says where writing stopped.
    public func write(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: FilePath? = nil) throws(SystemError) {
        var done = 0
        while done < bytes.count {
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[done...])
            let position = offset + done
            switch invoke("pwrite", on: fd, { calls.pwrite(fd.rawValue, chunk, position) }) {
            case .success(let count) where count > 0:
                precondition(count <= chunk.count, "pwrite reported \(count) bytes written of \(chunk.count)")
                done += count
            case .success:
                throw SystemError(code: .noSpace, operation: "pwrite", path: path, descriptor: fd, offset: position)
            case .failure(let code):
                throw SystemError(code: code, operation: "pwrite", path: path, descriptor: fd, offset: position)
            }
        }
    }

    /// Writes all of `bytes` at `offset`, continuing after short writes.
    public func write(_ fd: FileDescriptor, _ bytes: [UInt8], at offset: Int, path: FilePath? = nil) throws(SystemError) {
        let outcome: Result<Void, SystemError> = bytes.withUnsafeBytes { raw in
            Result { () throws(SystemError) in try write(fd, raw, at: offset, path: path) }
        }
        try outcome.get()
    }

    /// Reads up to `buffer.count` bytes at `offset`, continuing after short reads and stopping
    /// early only at end of file; returns the number of bytes read.
    public func read(_ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: FilePath? = nil) throws(SystemError) -> Int {
        var done = 0
        while done < buffer.count {
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
            let position = offset + done
            let count = try invoke("pread", on: fd) { calls.pread(fd.rawValue, chunk, position) }
                .orThrow { SystemError(code: $0, operation: "pread", path: path, descriptor: fd, offset: position) }
            if count == 0 { break }
            precondition(count <= chunk.count, "pread reported \(count) bytes read into \(chunk.count)")
            done += count
        }
        return done
    }

    /// Reads into all of `bytes` at `offset` (stopping at end of file); returns the count read,
    /// which leaves the rest of `bytes` untouched when smaller.
    public func read(_ fd: FileDescriptor, into bytes: inout [UInt8], at offset: Int, path: FilePath? = nil) throws(SystemError) -> Int {
        let outcome: Result<Int, SystemError> = bytes.withUnsafeMutableBytes { raw in
            Result { () throws(SystemError) in try read(fd, into: raw, at: offset, path: path) }
        }
        return try outcome.get()
    }

    /// `fdatasync`: the file's data, and its size if it changed, reach stable storage.
    ///
    /// A failure means data may be lost and the kernel may have dropped the dirty pages: never
    /// retry and then claim success; stop writing and report (the journal's rule).
    public func syncData(_ fd: FileDescriptor, path: FilePath? = nil) throws(SystemError) {
        try invoke("fdatasync", on: fd) { calls.fdatasync(fd.rawValue) }
            .orThrow { SystemError(code: $0, operation: "fdatasync", path: path, descriptor: fd) }
    }

    /// `fsync`: data and all metadata reach stable storage (for folders, the names in them).
    public func sync(_ fd: FileDescriptor, path: FilePath? = nil) throws(SystemError) {
        try invoke("fsync", on: fd) { calls.fsync(fd.rawValue) }
            .orThrow { SystemError(code: $0, operation: "fsync", path: path, descriptor: fd) }
    }

    /// Sets the file's length to `length` bytes, cutting or extending with zeros.
    public func truncate(_ fd: FileDescriptor, to length: Int, path: FilePath? = nil) throws(SystemError) {
        try invoke("ftruncate", on: fd) { calls.ftruncate(fd.rawValue, length) }
            .orThrow { SystemError(code: $0, operation: "ftruncate", path: path, descriptor: fd, offset: length) }
    }

    /// The size of the open file in bytes (`fstat`).
    public func size(_ fd: FileDescriptor, path: FilePath? = nil) throws(SystemError) -> Int {
        let info = try invoke("fstat", on: fd) { calls.fstat(fd.rawValue) }
            .orThrow { SystemError(code: $0, operation: "fstat", path: path, descriptor: fd) }
        return Int(info.st_size)
    }

    /// What `fstat` says of the open file: its size and whether it is a regular file or a
    /// folder (anything else — a pipe, a device, a socket — is `.other`).
    public func status(_ fd: FileDescriptor, path: FilePath? = nil) throws(SystemError) -> FileStatus {
        let info = try invoke("fstat", on: fd) { calls.fstat(fd.rawValue) }
            .orThrow { SystemError(code: $0, operation: "fstat", path: path, descriptor: fd) }
        let kind: FileStatus.Kind = switch info.st_mode & S_IFMT {
        case S_IFREG: .regularFile
        case S_IFDIR: .directory
        default: .other
        }
        return FileStatus(size: Int(info.st_size), kind: kind)
    }

    /// The kind of `flock` lock.
    public enum LockKind: Sendable, Hashable {
        /// `LOCK_SH`: many holders may share it; it excludes exclusive locks.
        case shared
        /// `LOCK_EX`: one holder only.
        case exclusive
    }

    /// Takes a `flock` lock on the open file; returns false if another open file holds a
    /// conflicting lock and `waits` is false.
    ///
    /// Locks belong to the open file (not the process), so a second `open` of the same path in
    /// this process conflicts too. With `waits`, blocks until the lock is free.
    @discardableResult
    public func lock(_ fd: FileDescriptor, _ kind: LockKind, waits: Bool = false, path: FilePath? = nil) throws(SystemError) -> Bool {
        let operation = (kind == .shared ? LOCK_SH : LOCK_EX) | (waits ? 0 : LOCK_NB)
        switch invoke("flock", on: fd, { calls.flock(fd.rawValue, operation) }) {
        case .success: return true
        case .failure(.wouldBlock): return false
        case .failure(let code): throw SystemError(code: code, operation: "flock", path: path, descriptor: fd)
        }
    }

    /// Releases this open file's `flock` lock (closing the last descriptor of it does too).
    public func unlock(_ fd: FileDescriptor, path: FilePath? = nil) throws(SystemError) {
        try invoke("flock", on: fd) { calls.flock(fd.rawValue, LOCK_UN) }
            .orThrow { SystemError(code: $0, operation: "flock", path: path, descriptor: fd) }
    }
}
