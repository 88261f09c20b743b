extension SystemError {
    /// What a person can do about this failure, by errno: the last sentence of `description`.
    public var advice: String {
        switch code {
        case .noSpace, .diskQuotaExceeded:
            return "The disk is full (or this user's quota is used up): free space, then retry."
        case .ioError:
            return "The device reported an I/O error: check the disk and the kernel log (dmesg) before trusting what was written there."
        case .permissionDenied, .notPermitted:
            return "Permission denied: check the owner and mode of the path and of the folders above it, and the user this runs as."
        case .readOnlyFileSystem:
            return "The file system is mounted read-only: remount it read-write or use a folder on another one."
        case .noSuchFile:
            return "Nothing exists at that path: check the spelling and that its folder exists."
        case .fileExists:
            return "Something already exists at that path: remove it or choose another name."
        case .notDirectory:
            return "A component of the path is a file, not a folder: check the path."
        case .isDirectory:
            return "The path is a folder where a file was expected: check the path."
        case .notEmpty:
            return "The folder is not empty: remove what it holds first."
        case .crossDevice:
            return "Both paths must be on the same file system: keep them in one folder tree on one disk."
        case .nameTooLong:
            return "The path is too long: use a shorter folder or name."
        case .tooManySymbolicLinks:
            return "Too many symbolic links on the way (perhaps a loop): check the links along the path."
        case .fileTooLarge:
            return "The file reached the largest size this file system allows: use smaller segments or another file system."
        case .tooManyOpenFiles:
            return "This process has too many open files: raise its limit (ulimit -n, LimitNOFILE) or close idle connections."
        case .tooManyOpenFilesInSystem:
            return "The whole system has too many open files: raise fs.file-max or find the process that leaks them."
        case .noMemory:
            return "The kernel is out of memory: free memory or lower the load, then retry."
        case .connectionReset, .brokenPipe:
            return "The peer is gone (it closed or reset the connection): drop this connection; the client may reconnect."
        case .connectionAborted:
            return "The connection was aborted before it was accepted: nothing to do, the next one will be accepted."
        case .notConnected:
            return "The socket is not connected (the peer may already have gone): drop the connection."
        case .addressInUse:
            return "The port is already taken: stop the process that holds it (ss -ltnp shows it) or choose another port."
        case .addressNotAvailable:
            return "That address is not one of this machine's: bind to 127.0.0.1, 0.0.0.0 or an address the machine has."
        case .connectionRefused:
            return "Nothing listens at that address: check that the server runs and the host and port are right."
        case .timedOut:
            return "The peer did not answer in time: check the network and that the peer is up."
        case .networkUnreachable, .hostUnreachable:
            return "There is no route to that host: check the address and the network."
        case .noSuchProcess:
            return "No process has that id any more: it has exited."
        case .wouldBlock:
            return "The resource is busy for now: retry later."
        case .notImplemented, .notSupported:
            return "The kernel or file system does not support this operation here: use another file system or kernel."
        case .invalidArgument:
            return "The kernel refused an argument: this is likely a bug in this program; report this message."
        case .interrupted:
            return "A signal interrupted the call: retry it."
        default:
            return "See the system's reason above."
        }
    }
}
