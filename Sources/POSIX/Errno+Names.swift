#if canImport(Glibc)
import Glibc
#endif

/// Names for the codes the funnel and its callers act on.
extension Errno {
    /// `EPERM`: the operation is not permitted to this process.
    public static let notPermitted = Errno(EPERM)
    /// `ENOENT`: nothing exists at the path (or a folder on the way is missing).
    public static let noSuchFile = Errno(ENOENT)
    /// `ESRCH`: no process has that id.
    public static let noSuchProcess = Errno(ESRCH)
    /// `EINTR`: a signal arrived before the call did anything; the funnel retries where correct.
    public static let interrupted = Errno(EINTR)
    /// `EIO`: the device reported a low-level I/O error.
    public static let ioError = Errno(EIO)
    /// `EBADF`: not an open descriptor (or not open for this use) — a bug, see `Kernel.handling(of:retriesInterrupts:)`.
    public static let badDescriptor = Errno(EBADF)
    /// `EAGAIN` (= `EWOULDBLOCK` on Linux): a non-blocking call would have had to wait.
    public static let wouldBlock = Errno(EAGAIN)
    /// `ENOMEM`: the kernel could not allocate memory.
    public static let noMemory = Errno(ENOMEM)
    /// `EACCES`: permission denied by the mode or owner of the path or a folder above it.
    public static let permissionDenied = Errno(EACCES)
    /// `EFAULT`: a pointer argument was outside the process's memory — a bug.
    public static let badAddress = Errno(EFAULT)
    /// `EEXIST`: something already exists at the path.
    public static let fileExists = Errno(EEXIST)
    /// `EXDEV`: a rename across file systems.
    public static let crossDevice = Errno(EXDEV)
    /// `ENOTDIR`: a component of the path is not a folder.
    public static let notDirectory = Errno(ENOTDIR)
    /// `EISDIR`: the path is a folder where a file was expected.
    public static let isDirectory = Errno(EISDIR)
    /// `EINVAL`: an argument was not accepted.
    public static let invalidArgument = Errno(EINVAL)
    /// `ENFILE`: the whole system has too many open files.
    public static let tooManyOpenFilesInSystem = Errno(ENFILE)
    /// `EMFILE`: this process has reached its limit of open descriptors.
    public static let tooManyOpenFiles = Errno(EMFILE)
    /// `EFBIG`: the file would exceed the largest size allowed.
    public static let fileTooLarge = Errno(EFBIG)
    /// `ENOSPC`: no space left on the device.
    public static let noSpace = Errno(ENOSPC)
    /// `EROFS`: the file system is mounted read-only.
    public static let readOnlyFileSystem = Errno(EROFS)
    /// `EPIPE`: writing to a pipe or socket whose reader has gone.
    public static let brokenPipe = Errno(EPIPE)
    /// `ENAMETOOLONG`: the path or a component of it is too long.
    public static let nameTooLong = Errno(ENAMETOOLONG)
    /// `ENOTEMPTY`: the folder is not empty.
    public static let notEmpty = Errno(ENOTEMPTY)
    /// `ELOOP`: too many symbolic links on the way.
    public static let tooManySymbolicLinks = Errno(ELOOP)
    /// `ENOSYS`: the kernel does not implement the call.
    public static let notImplemented = Errno(ENOSYS)
    /// `EOPNOTSUPP`: the file system or socket does not support the operation.
    public static let notSupported = Errno(EOPNOTSUPP)
    /// `EADDRINUSE`: the address (port) is already bound by another socket.
    public static let addressInUse = Errno(EADDRINUSE)
    /// `EADDRNOTAVAIL`: the address is not one of this machine's.
    public static let addressNotAvailable = Errno(EADDRNOTAVAIL)
    /// `ENETUNREACH`: no route to the network.
    public static let networkUnreachable = Errno(ENETUNREACH)
    /// `ECONNABORTED`: a connection was aborted before it could be accepted.
    public static let connectionAborted = Errno(ECONNABORTED)
    /// `ECONNRESET`: the peer reset the connection.
    public static let connectionReset = Errno(ECONNRESET)
    /// `ENOTCONN`: the socket is not connected.
    public static let notConnected = Errno(ENOTCONN)
    /// `ETIMEDOUT`: the peer did not answer in time.
    public static let timedOut = Errno(ETIMEDOUT)
    /// `ECONNREFUSED`: nothing listens at the address.
    public static let connectionRefused = Errno(ECONNREFUSED)
    /// `EHOSTUNREACH`: no route to the host.
    public static let hostUnreachable = Errno(EHOSTUNREACH)
    /// `EALREADY`: a non-blocking connect is already under way.
    public static let alreadyInProgress = Errno(EALREADY)
    /// `EINPROGRESS`: a non-blocking connect has started and will finish later.
    public static let inProgress = Errno(EINPROGRESS)
    /// `EDQUOT`: this user's disk quota is used up.
    public static let diskQuotaExceeded = Errno(EDQUOT)

    /// The C symbol for this code ("ENOSPC"), or nil for a code without a name here.
    public var name: String? {
        Errno.symbols[rawValue]
    }

    /// The symbol when known, else the number: "ENOSPC", "errno 200".
    public var symbol: String { name ?? "errno \(rawValue)" }

    // EAGAIN and EWOULDBLOCK are the same number on Linux; EAGAIN is the one printed.
    private static let symbols: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", EBADF: "EBADF",
        EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT", EEXIST: "EEXIST",
        EXDEV: "EXDEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", ENFILE: "ENFILE",
        EMFILE: "EMFILE", EFBIG: "EFBIG", ENOSPC: "ENOSPC", EROFS: "EROFS", EPIPE: "EPIPE",
        ENAMETOOLONG: "ENAMETOOLONG", ENOTEMPTY: "ENOTEMPTY", ELOOP: "ELOOP", ENOSYS: "ENOSYS",
        EOPNOTSUPP: "EOPNOTSUPP", EADDRINUSE: "EADDRINUSE", EADDRNOTAVAIL: "EADDRNOTAVAIL",
        ENETUNREACH: "ENETUNREACH", ECONNABORTED: "ECONNABORTED", ECONNRESET: "ECONNRESET",
        ENOTCONN: "ENOTCONN", ETIMEDOUT: "ETIMEDOUT", ECONNREFUSED: "ECONNREFUSED",
        EHOSTUNREACH: "EHOSTUNREACH", EALREADY: "EALREADY", EINPROGRESS: "EINPROGRESS",
        EDQUOT: "EDQUOT",
    ]
}
