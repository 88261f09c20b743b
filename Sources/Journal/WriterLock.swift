#if canImport(Glibc)
import Glibc
#endif
import POSIX

/// The single-writer lock: `flock(LOCK_EX | LOCK_NB)` on `<journal>/LOCK`, whose content
/// records the holder (format under FOLDER in JournalFormat.swift; parsed by `LockHolder`).
public enum WriterLock {
    /// Takes the lock and records the holder: our pid and, for a server, its admin API
    /// `adminURL`. Returns the descriptor that holds it (closing it releases the lock).
    ///
    /// Throws `.invalidArgument` (before touching anything) when `adminURL` is not an http(s)
    /// URL of printable ASCII, `.locked` naming the holder's pid (and admin API) when another
    /// writer has the lock.
    static func acquire(directory: String, io: FileIO, adminURL: String? = nil) throws(JournalError) -> Int32 {
        let path = directory + "/" + JournalFormat.lockFile
        if let adminURL, !LockHolder.isValidURL(adminURL.utf8) {
            throw JournalError(.invalidArgument, "the admin URL to record in LOCK must be http:// or https:// followed by printable ASCII without spaces, at most \(LockHolder.maxURLBytes) bytes", path: path)
        }
        let fd = try io.open(path, O_RDWR | O_CREAT, mode: 0o644)
        do throws(JournalError) {
            // Readers probe the lock with a momentary shared lock (`isHeld`); retrying for up
            // to 250 ms keeps such a probe from being mistaken for another writer, even when a
            // loaded machine deschedules the prober while it holds the probe.
            var acquired = try io.lock(fd, LOCK_EX | LOCK_NB, path: path)
            for _ in 0..<500 where !acquired {
                usleep(500)
                acquired = try io.lock(fd, LOCK_EX | LOCK_NB, path: path)
            }
            guard acquired else {
                let holder = readHolder(fd, path: path, io: io)
                let pid = holder.pid.map(String.init) ?? "unknown"
                let through = holder.url.map { "send writes through its admin API at \($0)" } ?? "send writes through it"
                throw JournalError(.locked, "another writer holds the journal (pid \(pid)); stop it, or \(through)", path: path)
            }
            try io.truncate(fd, to: 0, path: path)
            try io.write(fd, LockHolder.content(pid: getpid(), url: adminURL), at: 0, path: path)
            return fd
        } catch {
            io.close(fd)
            throw error
        }
    }

    /// Rewrites the holder record of the lock held through `fd` to name `adminURL` too: a
    /// server learns its address (an ephemeral port) only after the journal is open. The new
    /// record is written over the old one and the file cut to its length; it only ever grows
    /// here, so a reader never sees a mix of the two.
    static func record(adminURL: String, heldThrough fd: Int32, directory: String, io: FileIO) throws(JournalError) {
        let path = directory + "/" + JournalFormat.lockFile
        guard LockHolder.isValidURL(adminURL.utf8) else {
            throw JournalError(.invalidArgument, "the admin URL to record in LOCK must be http:// or https:// followed by printable ASCII without spaces, at most \(LockHolder.maxURLBytes) bytes", path: path)
        }
        let content = LockHolder.content(pid: getpid(), url: adminURL)
        try io.write(fd, content, at: 0, path: path)
        try io.truncate(fd, to: content.count, path: path)
    }

    /// Who holds the lock of the journal in `directory`, or last held it: the pid and admin
    /// URL LOCK records (each nil unless well-formed) and whether the lock is held right now.
    /// Nil when there is no LOCK file or it cannot be opened.
    ///
    /// Never fails on what the file holds: at most 4 KiB is read, and junk reads as missing
    /// fields. Informational only (see `LockHolder`).
    public static func holder(directory: String, kernel: Kernel = .live) -> LockHolder? {
        let io = kernel.io
        let path = directory + "/" + JournalFormat.lockFile
        // O_NONBLOCK: a FIFO planted as LOCK must not hang the open.
        guard let fd = try? io.open(path, O_RDONLY | O_NONBLOCK) else { return nil }
        defer { io.close(fd) }
        let recorded = readHolder(fd, path: path, io: io)
        return LockHolder(pid: recorded.pid, url: recorded.url, isHeld: (try? isHeld(fd, path: path, io: io)) ?? false)
    }

    /// Whether some writer (in any process, this one included) holds the lock right now.
    static func isHeld(directory: String, io: FileIO) throws(JournalError) -> Bool {
        let path = directory + "/" + JournalFormat.lockFile
        let fd: Int32
        do {
            fd = try io.open(path, O_RDONLY)
        } catch where error.errno == ENOENT {
            return false
        }
        defer { io.close(fd) }
        return try isHeld(fd, path: path, io: io)
    }

    /// Probes the lock through `fd` with a momentary shared lock.
    private static func isHeld(_ fd: Int32, path: String, io: FileIO) throws(JournalError) -> Bool {
        guard try io.lock(fd, LOCK_SH | LOCK_NB, path: path) else { return true }
        _ = try io.lock(fd, LOCK_UN, path: path)
        return false
    }

    /// The pid and URL recorded in LOCK open as `fd`; nothing when it cannot be read (a
    /// folder or a pipe planted as LOCK).
    private static func readHolder(_ fd: Int32, path: String, io: FileIO) -> (pid: Int32?, url: String?) {
        var content = [UInt8](repeating: 0, count: LockHolder.maxContentBytes + 1)
        guard let count = try? io.read(fd, into: &content, at: 0, path: path) else { return (nil, nil) }
        let isComplete = count <= LockHolder.maxContentBytes
        return LockHolder.parse(content[..<min(count, LockHolder.maxContentBytes)], isComplete: isComplete)
    }
}
