#if canImport(Glibc)
import Glibc
#endif

/// Names in folders: rename, create and remove, list, and make changes to a folder durable.
extension Kernel {
    /// Renames `source` to `destination`, replacing whatever `destination` named (atomically).
    ///
    /// The new name is durable only after `syncDirectory` of the folder (both folders, if they differ).
    public func rename(_ source: FilePath, to destination: FilePath) throws(SystemError) {
        try invoke("rename") { calls.rename(source, destination) }
            .orThrow { SystemError(code: $0, operation: "rename", path: source, destination: destination) }
    }

    /// Creates folder `path` unless something exists there; returns whether it was created.
    ///
    /// False also when `path` is an existing file: opening it as a folder then fails with ENOTDIR.
    @discardableResult
    public func makeDirectory(_ path: FilePath, permissions: FilePermissions = .directory) throws(SystemError) -> Bool {
        switch invoke("mkdir", { calls.mkdir(path, permissions.rawValue) }) {
        case .success: return true
        case .failure(.fileExists): return false
        case .failure(let code): throw SystemError(code: code, operation: "mkdir", path: path)
        }
    }

    /// Removes the file (not folder) at `path`; returns whether it existed.
    @discardableResult
    public func remove(_ path: FilePath) throws(SystemError) -> Bool {
        switch invoke("unlink", { calls.unlink(path) }) {
        case .success: return true
        case .failure(.noSuchFile): return false
        case .failure(let code): throw SystemError(code: code, operation: "unlink", path: path)
        }
    }

    /// Removes the empty folder at `path`.
    public func removeDirectory(_ path: FilePath) throws(SystemError) {
        try invoke("rmdir") { calls.rmdir(path) }.orThrow { SystemError(code: $0, operation: "rmdir", path: path) }
    }

    /// The names in folder `path`, without `.` and `..`, sorted by their UTF-8 bytes.
    ///
    /// A name that is not valid UTF-8 comes back with U+FFFD in place of the bad bytes and so
    /// cannot be opened by it; the service creates only ASCII names.
    public func list(_ path: FilePath) throws(SystemError) -> [String] {
        let names = try invoke("opendir") { calls.listDirectory(path) }
            .orThrow { SystemError(code: $0, operation: "opendir", path: path) }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Makes the names created, renamed or removed in folder `path` durable: opens it, fsyncs it, closes it.
    public func syncDirectory(_ path: FilePath) throws(SystemError) {
        let fd = try open(path, .readOnly, options: .directory)
        let synced = Result { () throws(SystemError) in try sync(fd, path: path) }
        let closed = Result { () throws(SystemError) in try close(fd, path: path) }
        // The sync's failure is the one that matters; a close failure after it adds nothing.
        try synced.get()
        try closed.get()
    }
}
