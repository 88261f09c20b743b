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
        opened(path) { (fd, filePath, size) throws(SystemError) in
            var bytes = [UInt8](repeating: 0, count: size)
            let count = try kernel.read(fd, into: &bytes, at: 0, path: filePath)
            if count < bytes.count { bytes.removeSubrange(count...) }
            return .success(bytes)
        }
    }

    /// The file read once in chunks (`ImageScan`): its SHA-256, size and fingerprint, holding
    /// one chunk at a time. A file that grows past the limit while it is read is refused too.
    func scan(_ path: String, limits: DecodingLimits) -> Result<ScannedImage, ImageReadError> {
        opened(path) { (fd, filePath, _) throws(SystemError) in
            var scan = ImageScan(limits: limits)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ImageScan.chunkByteCount, alignment: 64)
            defer { buffer.deallocate() }
            var offset = 0
            while true {
                let count = try kernel.read(fd, into: buffer, at: offset, path: filePath)
                if count == 0 { break }
                offset += count
                guard offset <= maxBytes else { return .failure(tooLarge(path, size: nil)) }
                scan.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
            return .success(scan.finish())
        }
    }

    /// Opens `path`, checks it is a regular file within the limit, and hands `read` the
    /// descriptor and the size `fstat` gave; every failure becomes a one-line reason.
    private func opened<T>(_ path: String, _ read: (FileDescriptor, FilePath, Int) throws(SystemError) -> Result<T, ImageReadError>)
        -> Result<T, ImageReadError> {
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
        defer { try? kernel.close(fd) }
        do {
            let status = try kernel.status(fd, path: filePath)
            switch status.kind {
            case .regularFile: break
            case .directory: return .failure(ImageReadError(kind: .unreadable, reason: "\(path): is a folder, not an image file"))
            case .other: return .failure(ImageReadError(kind: .unreadable, reason: "\(path): is not a regular file (a pipe, device or socket)"))
            }
            guard status.size <= maxBytes else { return .failure(tooLarge(path, size: status.size)) }
            return try read(fd, filePath, status.size)
        } catch {
            return .failure(ImageReadError(kind: .unreadable, reason: "\(path): cannot read: \(error.code)"))
        }
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
