#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes sure descriptors 0, 1 and 2 are open before the process opens any file, as daemons and
/// coreutils do.
///
/// A process started with one of them closed (`mobius-dhash append … >&-`) would otherwise get
/// that number for the next file it opens: the journal's `LOCK` or a segment would become
/// "standard output", and the printed seq would be written over the segment header; with
/// standard input closed, `append --stdin` would read `LOCK`. Each closed one is opened on
/// `/dev/null` instead: reading it gives end of input, writing to it discards.
package enum StandardDescriptors {
    /// Opens `/dev/null` on every closed one of 0, 1, 2 (0 for reading, 1 and 2 for writing).
    /// Returns false when that fails; the caller must then open nothing and exit.
    package static func ensureOpen() -> Bool {
        for descriptor: Int32 in 0...2 {
            guard fcntl(descriptor, F_GETFD) == -1 && errno == EBADF else { continue }
            // open(2) returns the lowest free number, which is this one: the lower ones are open.
            // No O_CLOEXEC: standard streams are meant to be inherited.
            let opened = open("/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY)
            guard opened == descriptor else {
                if opened >= 0 { close(opened) }
                return false
            }
        }
        return true
    }
}
