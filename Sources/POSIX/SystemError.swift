/// A system call that failed: what was attempted, where, and why.
///
/// Thrown by every `Kernel` operation for an operating condition — a full disk, a missing file,
/// a peer that left. Programmer errors (EBADF, EFAULT) are never thrown; they stop the process
/// (see `Kernel.handling(of:retriesInterrupts:)`). The conditions a caller handles as values —
/// EWOULDBLOCK on a non-blocking descriptor, EWOULDBLOCK from `flock`, EEXIST from `mkdir`,
/// ENOENT from `unlink` — are not thrown either.
///
/// `description` is one line a person can act on, e.g.
/// `pwrite failed for /data/journal/00000000000000000001.seg (descriptor 7) at offset 4096: No
/// space left on device (ENOSPC, errno 28). The disk is full (or this user's quota is used up):
/// free space, then retry.`
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the call failed.
    public var code: Errno
    /// The call, as its C name ("pwrite", "open", "accept4").
    public var operation: String
    /// The path involved, if known (for calls on a descriptor, the path it was opened with when the caller passed it).
    public var path: FilePath?
    /// For `rename`, where the file was to go.
    public var destination: FilePath?
    /// The socket address involved (`bind`, `connect`).
    public var address: SocketAddress?
    /// The descriptor involved, if the call took one.
    public var descriptor: FileDescriptor?
    /// The byte offset in the file, for positioned reads, writes and truncation.
    public var offset: Int?

    /// Describes a failure of `operation` with `code`.
    public init(code: Errno, operation: String, path: FilePath? = nil, destination: FilePath? = nil,
                address: SocketAddress? = nil, descriptor: FileDescriptor? = nil, offset: Int? = nil) {
        self.code = code
        self.operation = operation
        self.path = path
        self.destination = destination
        self.address = address
        self.descriptor = descriptor
        self.offset = offset
    }

    /// One line: what failed, where, the system's reason, and what to do about it.
    public var description: String {
        var text = "\(operation) failed"
        if let path {
            text += " for \(path)"
            if let destination { text += " → \(destination)" }
        } else if let address {
            text += " for \(address)"
        }
        if let descriptor { text += path == nil && address == nil ? " on \(descriptor)" : " (\(descriptor))" }
        if let offset { text += " at offset \(offset)" }
        text += ": \(code) (\(code.symbol)"
        if code.name != nil { text += ", errno \(code.rawValue)" }
        text += "). \(advice)"
        return text
    }
}
