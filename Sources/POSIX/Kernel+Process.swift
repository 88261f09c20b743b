#if canImport(Glibc)
import Glibc
#endif

/// Processes and clocks.
extension Kernel {
    /// Which clock `now(_:)` reads.
    public enum ClockSource: Sendable, Hashable {
        /// `CLOCK_REALTIME`: wall-clock time since 1970-01-01 UTC; it jumps when the clock is set.
        case realtime
        /// `CLOCK_MONOTONIC`: time since an arbitrary start (boot); never goes back — for durations and timeouts.
        case monotonic
    }

    /// This process's id (`getpid`).
    public var processID: Int32 { calls.getpid() }

    /// Sends `signal` to process `pid`; returns false if no such process exists (ESRCH).
    ///
    /// EPERM (the process exists but belongs to someone else) is thrown.
    @discardableResult
    public func send(signal: Int32, toProcess pid: Int32) throws(SystemError) -> Bool {
        switch invoke("kill", { calls.kill(pid, signal) }) {
        case .success: return true
        case .failure(.noSuchProcess): return false
        case .failure(let code): throw SystemError(code: code, operation: "kill \(pid)")
        }
    }

    /// Whether a process with id `pid` exists (`kill(pid, 0)`), including one of another user.
    ///
    /// Used to tell a live lock holder from a stale pid; ids are reused, so "exists" is a hint.
    public func processExists(_ pid: Int32) throws(SystemError) -> Bool {
        switch invoke("kill", { calls.kill(pid, 0) }) {
        case .success, .failure(.notPermitted): return true
        case .failure(.noSuchProcess): return false
        case .failure(let code): throw SystemError(code: code, operation: "kill \(pid), 0")
        }
    }

    /// How many descriptors this process may have open (the soft `RLIMIT_NOFILE`, what
    /// `ulimit -n` sets); nil when unlimited or unknown.
    public var openFileLimit: Int? {
        guard case .success(let limits) = calls.getrlimit(Int32(RLIMIT_NOFILE.rawValue)), limits.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limits.rlim_cur)
    }

    /// The time on `clock`: since the epoch for `.realtime`, since an arbitrary start for `.monotonic`.
    ///
    /// `clock_gettime` fails only for an unknown clock or a bad pointer, neither possible here,
    /// so a failure is a precondition.
    public func now(_ clock: ClockSource) -> Duration {
        let id = clock == .realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC
        switch calls.clockGettime(id) {
        case .success(let time):
            return .seconds(Int64(time.tv_sec)) + .nanoseconds(Int64(time.tv_nsec))
        case .failure(let code):
            preconditionFailure("clock_gettime(\(clock)) failed with \(code.symbol): impossible for a known clock")
        }
    }
}
