import Imaging
import POSIX

/// Why an image file could not be read: what `extraction.failed` records as its `kind`.
public enum ImageReadFailure: String, Sendable, Error {
    /// No file at that path.
    case missing
    /// It exists but cannot be read (permissions, I/O error), or is not a regular file.
    case unreadable
    /// Larger than the configured maximum.
    case tooLarge = "too-large"
    /// Read, but not a PNG/PNM image this decoder accepts.
    case undecodable
}

/// An image file that could not be read: the kind, and one line naming the path.
package struct ImageReadError: Error {
    package var kind: ImageReadFailure
    package var reason: String
}

/// Reads one image file whole, through the syscall funnel, refusing what is not a regular file
/// (a folder, a pipe that could block forever, a device) and what is larger than the limit.
package struct ImageFileLoader {
    let kernel: Kernel
    let maxBytes: Int

    /// A loader reading through `kernel`, refusing files over `maxBytes`.
    package init(kernel: Kernel = .live, maxBytes: Int) {
        self.kernel = kernel
        self.maxBytes = maxBytes
    }

    /// The file's bytes, or the failure and a one-line reason naming the path.
    package func load(_ path: String) -> Result<[UInt8], ImageReadError> {
        open(path).flatMap { file in
            defer { close(file) }
            var bytes = [UInt8](repeating: 0, count: file.size)
            do throws(SystemError) {
                let count = try kernel.read(file.descriptor, into: &bytes, at: 0, path: file.filePath)
                if count < bytes.count { bytes.removeSubrange(count...) }
                return .success(bytes)
            } catch {
                return .failure(cannotRead(path, error))
            }
        }
    }

    /// The file read once in chunks (`ImageFileScanner`, with this one file): its SHA-256, size
    /// and fingerprint, holding one chunk at a time.
    func scan(_ path: String, limits: DecodingLimits) -> Result<ScannedImage, ImageReadError> {
        var isClaimed = false
        let scanner = ImageFileScanner(loader: self, limits: limits) {
            defer { isClaimed = true }
            return isClaimed ? nil : (0, path)
        }
        return scanner.next()!.scan
    }

    /// Opens `path` and checks it is a regular file within the limit; every failure becomes a
    /// one-line reason. Whoever gets the file closes it (`close`).
    func open(_ path: String) -> Result<OpenImageFile, ImageReadError> {
        guard let filePath = FilePath(validating: path) else {
            return .failure(ImageReadError(kind: .missing, reason: "\(path): not a valid path (empty, or holds a NUL byte)"))
        }
        let fd: FileDescriptor
        do {
            // Non-blocking, so opening a FIFO does not wait for a writer; the kind check refuses it.
            fd = try kernel.open(filePath, .readOnly, options: [.nonBlocking])
        } catch {
            let kind: ImageReadFailure = error.code == .noSuchFile || error.code == .notDirectory ? .missing : .unreadable
            return .failure(ImageReadError(kind: kind, reason: "\(path): cannot open: \(error.code)"))
        }
        let status: FileStatus
        do {
            status = try kernel.status(fd, path: filePath)
        } catch {
            try? kernel.close(fd)
            return .failure(cannotRead(path, error))
        }
        let refusal: ImageReadError? = switch status.kind {
        case .regularFile: status.size <= maxBytes ? nil : tooLarge(path, size: status.size)
        case .directory: ImageReadError(kind: .unreadable, reason: "\(path): is a folder, not an image file")
        case .other: ImageReadError(kind: .unreadable, reason: "\(path): is not a regular file (a pipe, device or socket)")
        }
        if let refusal {
            try? kernel.close(fd)
            return .failure(refusal)
        }
        return .success(OpenImageFile(path: path, filePath: filePath, descriptor: fd, size: status.size))
    }

    /// Reads the bytes of `file` from `offset` into `buffer`: how many (0 at the end), or why
    /// not — an I/O error, or the file grew past the limit while it was read.
    func read(_ file: OpenImageFile, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Result<Int, ImageReadError> {
        do {
            let count = try kernel.read(file.descriptor, into: buffer, at: offset, path: file.filePath)
            return offset + count <= maxBytes ? .success(count) : .failure(tooLarge(file.path, size: nil))
        } catch {
            return .failure(cannotRead(file.path, error))
        }
    }

    /// Closes `file`; a read-only descriptor loses nothing if closing fails.
    func close(_ file: OpenImageFile) {
        try? kernel.close(file.descriptor)
    }

    private func cannotRead(_ path: String, _ error: SystemError) -> ImageReadError {
        ImageReadError(kind: .unreadable, reason: "\(path): cannot read: \(error.code)")
    }

    /// The refusal of a file of `size` bytes, or (nil) of one that grew past the limit while read.
    private func tooLarge(_ path: String, size: Int?) -> ImageReadError {
        let reason = if let size {
            "\(path): is \(size) bytes, more than the \(maxBytes)-byte limit for one image"
        } else {
            "\(path): grew past the \(maxBytes)-byte limit for one image while it was read"
        }
        return ImageReadError(kind: .tooLarge, reason: reason)
    }
}

/// An image file `ImageFileLoader.open` opened and checked.
struct OpenImageFile {
    /// The path as given, for messages.
    let path: String
    let filePath: FilePath
    let descriptor: FileDescriptor
    /// Its size when opened, bytes.
    let size: Int
}
