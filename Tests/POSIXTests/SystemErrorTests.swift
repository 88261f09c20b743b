#if canImport(Glibc)
import Glibc
#endif
import POSIX
import Testing

@Suite struct SystemErrorTests {
    @Test func descriptionNamesWhatWhereWhyAndWhatToDo() {
        let error = SystemError(code: .noSpace, operation: "pwrite", path: "/data/journal/1.seg",
                                descriptor: FileDescriptor(rawValue: 7), offset: 4096)
        #expect(error.description == "pwrite failed for /data/journal/1.seg (descriptor 7) at offset 4096: No space left on device (ENOSPC, errno \(ENOSPC)). The disk is full (or this user's quota is used up): free space, then retry.")
    }

    @Test func descriptionWithDescriptorOnly() {
        let error = SystemError(code: .connectionReset, operation: "read", descriptor: FileDescriptor(rawValue: 12))
        #expect(error.description.hasPrefix("read failed on descriptor 12: Connection reset by peer (ECONNRESET"))
        #expect(error.description.contains("peer is gone"))
    }

    @Test func descriptionOfRenameAndBind() {
        let rename = SystemError(code: .crossDevice, operation: "rename", path: "/a/x", destination: "/b/x")
        #expect(rename.description.hasPrefix("rename failed for /a/x → /b/x: "))
        let bind = SystemError(code: .addressInUse, operation: "bind", address: .loopbackIPv4(port: 5001), descriptor: FileDescriptor(rawValue: 3))
        #expect(bind.description.hasPrefix("bind failed for 127.0.0.1:5001 (descriptor 3): Address already in use (EADDRINUSE"))
        #expect(bind.description.contains("port is already taken"))
    }

    @Test func unknownErrnoGetsGenericAdvice() {
        let error = SystemError(code: Errno(4242), operation: "ioctl")
        #expect(error.description.contains("(errno 4242)"))
        #expect(error.advice == "See the system's reason above.")
    }

    @Test(arguments: [
        (Errno.noSpace, "disk is full"), (.diskQuotaExceeded, "quota"), (.ioError, "check the disk"),
        (.permissionDenied, "Permission denied"), (.notPermitted, "Permission denied"), (.readOnlyFileSystem, "read-only"),
        (.noSuchFile, "Nothing exists at that path"), (.tooManyOpenFiles, "ulimit -n"), (.tooManyOpenFilesInSystem, "fs.file-max"),
        (.connectionReset, "peer is gone"), (.brokenPipe, "peer is gone"), (.addressInUse, "port is already taken"),
        (.fileExists, "already exists"), (.notDirectory, "not a folder"), (.connectionRefused, "Nothing listens"),
    ])
    func advicePerErrno(code: Errno, fragment: String) {
        let error = SystemError(code: code, operation: "op", path: "/x")
        #expect(error.advice.contains(fragment))
        #expect(error.description.hasSuffix(error.advice))
        #expect(error.description.contains(code.symbol))
    }
}
