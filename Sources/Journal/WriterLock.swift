#if canImport(Glibc)
import Glibc
#endif

/// The single-writer lock: `flock(LOCK_EX | LOCK_NB)` on `<journal>/LOCK`, holding our pid.
enum WriterLock {
    /// Takes the lock and records our pid; returns the descriptor that holds it (closing it
    /// releases the lock). Throws `.locked` naming the holder's pid when another writer has it.
    static func acquire(directory: String, io: FileIO) throws(JournalError) -> Int32 {
        let path = directory + "/" + JournalFormat.lockFile
        let fd = try io.open(path, O_RDWR | O_CREAT, mode: 0o644)
        do throws(JournalError) {
            // Readers probe the lock with a momentary shared lock (`isHeld`); retrying for a
            // few milliseconds keeps such a probe from being mistaken for another writer.
            var acquired = try io.lock(fd, LOCK_EX | LOCK_NB, path: path)
            for _ in 0..<20 where !acquired {
                usleep(500)
                acquired = try io.lock(fd, LOCK_EX | LOCK_NB, path: path)
            }
            guard acquired else {
                var content = [UInt8](repeating: 0, count: 256)
                let count = (try? io.read(fd, into: &content, at: 0, path: path)) ?? 0
                let holder = String(decoding: content[..<count], as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "unknown"
                throw JournalError(.locked, "another writer holds the journal (pid \(holder)); stop it, or send writes through it", path: path)
            }
            try io.truncate(fd, to: 0, path: path)
            try io.write(fd, Array("\(getpid())\n".utf8), at: 0, path: path)
            return fd
        } catch {
            io.close(fd)
            throw error
        }
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
        guard try io.lock(fd, LOCK_SH | LOCK_NB, path: path) else { return true }
        _ = try io.lock(fd, LOCK_UN, path: path)
        return false
    }
}
