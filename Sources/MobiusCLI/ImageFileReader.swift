#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Imaging

/// Fingerprints one file (or standard input, named `-`) by reading it in 256 KiB chunks, so
/// memory stays bounded whatever the file's size; reading stops once the image is complete.
package enum ImageFileReader {
    /// Bytes read per `read(2)` call.
    package static let chunkByteCount = 256 << 10

    /// Why a file could not be hashed: one line naming the file.
    package struct Failure: Error, CustomStringConvertible {
        /// `<file>: <reason>`.
        package var description: String
    }

    /// The fingerprint of the image at `path` (`-` for standard input).
    package static func fingerprint(path: String, size: Int, limits: DecodingLimits = DecodingLimits()) -> Result<Fingerprint, Failure> {
        let isStandardInput = path == "-"
        // Escaped so that a name holding a line break still gives one error line.
        let name = isStandardInput ? "(standard input)" : EscapedFileName(path).text
        let descriptor = isStandardInput ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(Failure(description: "\(name): cannot open: \(String(cString: strerror(errno)))"))
        }
        defer { if !isStandardInput { close(descriptor) } }
        var stream = FingerprintStream(size: size, limits: limits)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkByteCount, alignment: 16)
        defer { buffer.deallocate() }
        do {
            while true {
                let count = read(descriptor, buffer.baseAddress, buffer.count)
                if count < 0 {
                    if errno == EINTR { continue }
                    if errno == EISDIR {
                        return .failure(Failure(description: "\(name): is a directory, not an image; name the image files inside it instead"))
                    }
                    return .failure(Failure(description: "\(name): cannot read: \(String(cString: strerror(errno)))"))
                }
                if count == 0 { break }
                try stream.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                // Bytes after the image are ignored; stop so endless input (a pipe, a device
                // file) after a complete image cannot keep the command reading forever.
                if stream.isComplete { break }
            }
            return .success(try stream.finish())
        } catch {
            var described = error
            described.source = name
            return .failure(Failure(description: described.description))
        }
    }
}
