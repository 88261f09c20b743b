#if canImport(Glibc)
import Glibc
#endif
import POSIX
import Synchronization
import TestSupport

/// A count shared with the `@Sendable` closures of an injected call table.
final class CallCounter: Sendable {
    private let count = Atomic<Int>(0)

    /// Adds one; returns the new total (1 for the first call).
    func next() -> Int { count.add(1, ordering: .relaxed).newValue }

    /// Calls counted so far.
    var value: Int { count.load(ordering: .relaxed) }
}

/// A temporary folder as a `FilePath`.
struct TestFolder {
    let directory: TemporaryDirectory
    let path: FilePath

    init(_ label: String) throws {
        directory = try TemporaryDirectory(label)
        path = FilePath(validating: directory.path)!
    }

    func remove() { directory.remove() }
}

/// Whether `fd` has the close-on-exec flag.
func isCloseOnExec(_ fd: FileDescriptor) -> Bool {
    let flags = fcntl(fd.rawValue, F_GETFD)
    return flags >= 0 && flags & FD_CLOEXEC != 0
}
