#if canImport(Glibc)
import Glibc
#endif

/// Why a system call failed: the kernel's `errno` code, as a value.
///
/// A struct rather than an enum because the kernel's set is open: any code can arrive, and an
/// unknown one must still travel in a `SystemError` and print. The codes this project acts on
/// have names (`Errno.noSpace`, `Errno.connectionReset`, … in `Errno+Names.swift`), so callers
/// compare `error.code == .noSpace` instead of spelling C macros.
///
/// A value is captured by the live call table in the statement right after the raw call (see
/// `SyscallTable+Live.swift`); nothing else in the package reads the thread's `errno`.
public struct Errno: RawRepresentable, Error, Hashable, Sendable, CustomStringConvertible {
    /// The numeric code, as in `<errno.h>`.
    public let rawValue: Int32

    /// Wraps `rawValue`; any number is accepted, known or not.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Wraps `code`; any number is accepted, known or not.
    public init(_ code: Int32) { self.rawValue = code }

    /// The calling thread's `errno` at this instant.
    ///
    /// Internal on purpose: only the live call table may read it, immediately after the raw call
    /// it belongs to. Anything run in between (a release, a deinit, an allocation) may change it.
    @inline(__always)
    static var current: Errno { Errno(rawValue: Glibc.errno) }

    /// The C library's text for this code (`strerror`), e.g. "No space left on device".
    ///
    /// glibc returns its static table entry for known codes and formats unknown ones in a
    /// thread-local buffer, so this is safe to call from any thread.
    public var description: String {
        guard let text = strerror(rawValue) else { return "errno \(rawValue)" }
        return String(cString: text)
    }
}
