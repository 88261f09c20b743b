/// The one syscall funnel: every file, socket, epoll, inotify, process and clock call of the
/// service goes through a value of this type.
///
/// Each operation makes its call through the value's `SyscallTable` and applies the same rules:
///
/// - **EINTR** is retried where retrying is correct — for every call except `close` (Linux
///   releases the descriptor even when interrupted, so a retry could close a descriptor another
///   thread has just been given), `connect` (the connection goes on in the background; a retry
///   would fail with EALREADY), and `epoll_wait` (a retry would restart the full timeout; the
///   wait returns no events instead, and the loop comes round again).
/// - **EBADF and EFAULT** are programmer errors and stop the process with a precondition naming
///   the operation and descriptor. A closed, never-opened or wrong descriptor, or a buffer outside
///   our memory, is a bug in our code, never an operating condition: carrying on could write into
///   whatever file now owns that number. (See `handling(of:retriesInterrupts:)`.)
/// - **Everything else** is thrown as a `SystemError` naming the operation, path or descriptor
///   and offset — except the answers that are values here: "would block" on a non-blocking
///   descriptor (`ReadOutcome`, `WriteOutcome`, `AcceptOutcome`), a lock held elsewhere
///   (`lock` returns false), a folder that exists (`makeDirectory` returns false), a file that
///   does not (`remove` returns false).
/// - Every descriptor is created close-on-exec, so a child process never inherits journal files
///   or client sockets.
///
/// Production uses `Kernel.live`. Tests make a `Kernel(calls:)` from a table with some calls
/// replaced; the value carries its table, so two kernels in one process never interfere.
public struct Kernel: Sendable {
    /// The raw calls underneath (the fault-injection seam; not public).
    package var calls: SyscallTable

    /// A funnel over `calls`: tests pass a table with faults injected.
    package init(calls: SyscallTable) { self.calls = calls }

    /// The funnel over the real system calls.
    public static let live = Kernel(calls: .live)

    /// What the funnel does with a failed call's errno.
    package enum FailureHandling: Sendable, Hashable {
        /// Make the same call again (EINTR, where retrying is correct).
        case retry
        /// Stop the process: the failure can only come from a bug (EBADF, EFAULT).
        case trap
        /// Give the errno to the operation, which throws it or turns it into a value.
        case report
    }

    /// How the funnel handles `code`, for a call that may (`retriesInterrupts`) or may not be retried after EINTR.
    ///
    /// EBADF and EFAULT trap for every call, `close` included: the only ways to get them are
    /// closing twice, using a descriptor after close, using a number that was never ours, or a
    /// bad pointer, and each is a bug that could make us touch another file's data.
    package static func handling(of code: Errno, retriesInterrupts: Bool = true) -> FailureHandling {
        switch code {
        case .badDescriptor, .badAddress: return .trap
        case .interrupted: return retriesInterrupts ? .retry : .report
        default: return .report
        }
    }

    /// Makes `call` until it does not need retrying; traps on programmer errors; returns the
    /// value or the errno to report.
    @inline(__always)
    func invoke<Value>(_ operation: StaticString, on descriptor: FileDescriptor? = nil, retriesInterrupts: Bool = true,
                       _ call: () -> Result<Value, Errno>) -> Result<Value, Errno> {
        while true {
            let result = call()
            guard case .failure(let code) = result else { return result }
            switch Kernel.handling(of: code, retriesInterrupts: retriesInterrupts) {
            case .retry: continue
            case .trap: Kernel.stopForProgrammerError(operation, code, descriptor)
            case .report: return result
            }
        }
    }

    @inline(never)
    private static func stopForProgrammerError(_ operation: StaticString, _ code: Errno, _ descriptor: FileDescriptor?) -> Never {
        let target = descriptor.map { " on \($0)" } ?? ""
        preconditionFailure("\(operation)\(target) failed with \(code.symbol) (\(code)): a closed, never-opened or wrong descriptor, or a buffer outside the process, is a bug in this program")
    }
}

extension Result where Failure == Errno {
    /// The value, or a `SystemError` built from the errno by `error`.
    @inline(__always)
    func orThrow(_ error: (Errno) -> SystemError) throws(SystemError) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let code): throw error(code)
        }
    }
}
