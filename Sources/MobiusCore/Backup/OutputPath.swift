import POSIX

/// Where `create` writes: the archive and its sidecar, each first under a hidden temporary name
/// in the same folder (`.<name>.incomplete-<pid>`, safe to delete should a crash leave one),
/// then renamed into place and the folder fsynced.
///
/// A relative path stays relative to the working folder the command was started in: nothing
/// here changes folder, and the temporary files sit beside the final ones (never in a
/// temporary folder that might be cleaned away, or on another file system).
struct OutputPath {
    /// The archive's path as given.
    let archive: String
    /// Its folder (`.` for a bare name).
    let folder: String
    /// Its base name, which the sidecar names.
    let baseName: String
    /// The temporary archive.
    let temporaryArchive: String
    /// The temporary sidecar.
    let temporarySidecar: String
    private let kernel: Kernel

    /// Checks `archive`: a usable file name whose folder exists, not taken (nor its sidecar's).
    /// Throws `.invalidRequest` saying what to do.
    init(_ archive: String, kernel: Kernel) throws(BackupError) {
        self.archive = archive
        self.kernel = kernel
        guard !archive.isEmpty, !archive.utf8.contains(0) else { throw BackupError(.invalidRequest, "--out needs a file name (not empty, no NUL byte)") }
        let slash = archive.lastIndex(of: "/")
        folder = slash.map { $0 == archive.startIndex ? "/" : String(archive[..<$0]) } ?? "."
        baseName = slash.map { String(archive[archive.index(after: $0)...]) } ?? archive
        guard !baseName.isEmpty, baseName != ".", baseName != ".." else {
            throw BackupError(.invalidRequest, "--out \(archive) names a folder; name the archive file, e.g. \(archive.hasSuffix("/") ? archive : archive + "/")backup.tar.gz")
        }
        guard !baseName.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\\" }) else {
            throw BackupError(.invalidRequest, "the archive's name holds a line break or backslash, which the sha256sum sidecar cannot name plainly; choose another name")
        }
        let pid = kernel.processID
        temporaryArchive = folder + "/." + baseName + ".incomplete-\(pid)"
        temporarySidecar = folder + "/." + baseName + BackupFormat.sidecarExtension + ".incomplete-\(pid)"
        let names: [String]
        do {
            names = try kernel.list(ArchiveFile.filePath(folder))
        } catch where error.code == .noSuchFile || error.code == .notDirectory {
            throw BackupError(.invalidRequest, "there is no folder \(folder) to write \(baseName) into; create it first")
        } catch {
            throw BackupError(.invalidRequest, "cannot write into \(folder): \(error)")
        }
        for taken in [baseName, baseName + BackupFormat.sidecarExtension] where names.contains(taken) {
            throw BackupError(.invalidRequest, "\(folder == "." ? taken : folder + "/" + taken) exists; a backup never overwrites a file: choose another --out, or remove it")
        }
    }

    /// Writes and fsyncs the temporary sidecar.
    func writeTemporarySidecar(_ bytes: [UInt8]) throws(BackupError) {
        let path = ArchiveFile.filePath(temporarySidecar)
        do throws(SystemError) {
            let fd = try kernel.open(path, .writeOnly, options: [.create, .exclusive])
            do {
                try kernel.write(fd, bytes, at: 0, path: path)
                try kernel.sync(fd, path: path)
            } catch {
                try? kernel.close(fd)
                throw error
            }
            try kernel.close(fd, path: path)
        } catch {
            _ = try? kernel.remove(path)
            throw BackupError.writing(archive + BackupFormat.sidecarExtension, error)
        }
    }

    /// Renames the archive, then the sidecar, into place and fsyncs the folder. Taken names are
    /// checked again just before (`rename` would replace them).
    func commit() throws(BackupError) {
        do {
            let names = try kernel.list(ArchiveFile.filePath(folder))
            for taken in [baseName, baseName + BackupFormat.sidecarExtension] where names.contains(taken) {
                throw BackupError(.invalidRequest, "\(folder + "/" + taken) appeared while the backup was written; choose another --out")
            }
            try kernel.rename(ArchiveFile.filePath(temporaryArchive), to: ArchiveFile.filePath(archive))
            do {
                try kernel.rename(ArchiveFile.filePath(temporarySidecar), to: ArchiveFile.filePath(archive + BackupFormat.sidecarExtension))
            } catch {
                _ = try? kernel.rename(ArchiveFile.filePath(archive), to: ArchiveFile.filePath(temporaryArchive))
                throw error
            }
            try kernel.syncDirectory(ArchiveFile.filePath(folder))
        } catch let error as BackupError {
            throw error
        } catch let error as SystemError {
            throw BackupError.writing(archive, error)
        } catch {
            throw BackupError(.io, "cannot write \(archive): \(error)")
        }
    }

    /// Removes the temporary sidecar (after a failure).
    func discardSidecar() {
        _ = try? kernel.remove(ArchiveFile.filePath(temporarySidecar))
    }
}
