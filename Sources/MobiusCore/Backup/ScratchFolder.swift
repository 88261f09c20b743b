import POSIX

/// A private temporary folder (`<parent>/.mobius-dhash-backup-<pid>-<n>`, mode 0700) and its
/// removal with what an extraction put in it.
struct ScratchFolder {
    /// The folder.
    let path: String
    private let kernel: Kernel

    /// Creates a new folder in `parent`.
    init(in parent: String, kernel: Kernel) throws(BackupError) {
        self.kernel = kernel
        for attempt in 0..<1000 {
            let candidate = parent + "/.mobius-dhash-backup-\(kernel.processID)-\(attempt)"
            do {
                if try kernel.makeDirectory(ArchiveFile.filePath(candidate), permissions: 0o700) {
                    path = candidate
                    return
                }
            } catch {
                throw BackupError(.io, "cannot create a temporary folder in \(parent): \(error); set TMPDIR to a writable folder")
            }
        }
        throw BackupError(.io, "cannot create a temporary folder in \(parent): 1000 names taken; remove the .mobius-dhash-backup-* folders there")
    }

    /// Removes the folder and what it holds (`journal/`, `snapshots/` and their files).
    func remove() {
        ScratchFolder.removeTree(path, kernel: kernel)
    }

    /// Removes `path`, its files and the files of its folders (the depth an extraction makes).
    static func removeTree(_ path: String, kernel: Kernel) {
        guard let root = FilePath(validating: path) else { return }
        for name in (try? kernel.list(root)) ?? [] {
            let child = path + "/" + name
            guard let childPath = FilePath(validating: child) else { continue }
            if let names = try? kernel.list(childPath) {
                for inner in names {
                    if let file = FilePath(validating: child + "/" + inner) { _ = try? kernel.remove(file) }
                }
                try? kernel.removeDirectory(childPath)
            } else {
                _ = try? kernel.remove(childPath)
            }
        }
        try? kernel.removeDirectory(root)
    }
}
