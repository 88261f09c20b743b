#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// Readiness: epoll instances, and eventfd counters that wake an epoll loop from another thread.
extension Kernel {
    /// Creates an epoll instance (close-on-exec).
    public func makeEpoll() throws(SystemError) -> FileDescriptor {
        let fd = try invoke("epoll_create1") { calls.epollCreate1(Int32(EPOLL_CLOEXEC)) }
            .orThrow { SystemError(code: $0, operation: "epoll_create1") }
        return FileDescriptor(rawValue: fd)
    }

    /// Starts watching `fd` in `epoll` for `events`; waits report `data` for it.
    public func register(_ fd: FileDescriptor, with epoll: FileDescriptor, for events: EpollEvents, data: UInt64) throws(SystemError) {
        try control(epoll, EPOLL_CTL_ADD, fd, events, data)
    }

    /// Changes what `epoll` watches `fd` for (and re-arms a one-shot registration).
    public func modify(_ fd: FileDescriptor, in epoll: FileDescriptor, for events: EpollEvents, data: UInt64) throws(SystemError) {
        try control(epoll, EPOLL_CTL_MOD, fd, events, data)
    }

    /// Stops watching `fd` in `epoll` (closing `fd` does too, once no duplicate of it remains open).
    public func deregister(_ fd: FileDescriptor, from epoll: FileDescriptor) throws(SystemError) {
        try invoke("epoll_ctl", on: fd) { calls.epollCtl(epoll.rawValue, EPOLL_CTL_DEL, fd.rawValue, nil) }
            .orThrow { SystemError(code: $0, operation: "epoll_ctl(EPOLL_CTL_DEL)", descriptor: fd) }
    }

    /// Waits until a watched descriptor is ready or `timeout` passes (nil: no limit; zero: just
    /// look), and returns up to `maxEvents` reports; empty when the time ran out.
    ///
    /// A signal (EINTR) ends the wait early with no events instead of restarting it, so a
    /// caller's deadline is never stretched; the loop checks its timers and waits again.
    /// The timeout is rounded up to whole milliseconds.
    public func waitForEvents(on epoll: FileDescriptor, maxEvents: Int = 64, timeout: Duration?) throws(SystemError) -> [EpollEvent] {
        precondition(maxEvents > 0, "epoll_wait needs room for at least one event")
        let milliseconds = Kernel.milliseconds(roundingUp: timeout)
        var raw = [epoll_event](repeating: epoll_event(), count: maxEvents)
        let result = raw.withUnsafeMutableBufferPointer { buffer in
            invoke("epoll_wait", on: epoll, retriesInterrupts: false) { calls.epollWait(epoll.rawValue, buffer, milliseconds) }
        }
        switch result {
        case .success(let count):
            precondition(count <= maxEvents, "epoll_wait reported \(count) events into \(maxEvents)")
            return raw.prefix(count).map { EpollEvent(events: EpollEvents(rawValue: $0.events), data: $0.data.u64) }
        case .failure(.interrupted): return []
        case .failure(let code): throw SystemError(code: code, operation: "epoll_wait", descriptor: epoll)
        }
    }

    /// Creates an eventfd counter (close-on-exec, non-blocking): `signal` it from any thread to
    /// make it readable in an epoll loop, `drain` it there.
    public func makeEventCounter() throws(SystemError) -> FileDescriptor {
        let fd = try invoke("eventfd") { calls.eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK)) }
            .orThrow { SystemError(code: $0, operation: "eventfd") }
        return FileDescriptor(rawValue: fd)
    }

    /// Adds 1 to the counter, making it readable.
    ///
    /// A counter at its maximum (EAGAIN) is already readable, so that is not an error.
    public func signal(_ counter: FileDescriptor) throws(SystemError) {
        var one: UInt64 = 1
        let result = withUnsafeBytes(of: &one) { raw in invoke("write", on: counter) { calls.write(counter.rawValue, raw) } }
        switch result {
        case .success, .failure(.wouldBlock): return
        case .failure(let code): throw SystemError(code: code, operation: "write (eventfd)", descriptor: counter)
        }
    }

    /// Reads and resets the counter: how many signals arrived since the last drain (0 if none).
    public func drain(_ counter: FileDescriptor) throws(SystemError) -> UInt64 {
        var value: UInt64 = 0
        let result = withUnsafeMutableBytes(of: &value) { raw in invoke("read", on: counter) { calls.read(counter.rawValue, raw) } }
        switch result {
        case .success: return value
        case .failure(.wouldBlock): return 0
        case .failure(let code): throw SystemError(code: code, operation: "read (eventfd)", descriptor: counter)
        }
    }

    /// `timeout` in milliseconds for epoll, rounded up so a wait never ends early; −1 for no limit.
    package static func milliseconds(roundingUp timeout: Duration?) -> Int32 {
        guard let timeout else { return -1 }
        if timeout <= .zero { return 0 }
        let (seconds, attoseconds) = timeout.components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let (fromSeconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int32.max }
        let total = fromSeconds + (attoseconds + perMillisecond - 1) / perMillisecond
        return Int32(clamping: total)
    }
}

extension Kernel {
    private func control(_ epoll: FileDescriptor, _ operation: Int32, _ fd: FileDescriptor, _ events: EpollEvents, _ data: UInt64) throws(SystemError) {
        var event = epoll_event()
        event.events = events.rawValue
        event.data.u64 = data
        let name = operation == EPOLL_CTL_ADD ? "epoll_ctl(EPOLL_CTL_ADD)" : "epoll_ctl(EPOLL_CTL_MOD)"
        try withUnsafeMutablePointer(to: &event) { pointer in
            invoke("epoll_ctl", on: fd) { calls.epollCtl(epoll.rawValue, operation, fd.rawValue, pointer) }
        }
        .orThrow { SystemError(code: $0, operation: name, descriptor: fd) }
    }
}

extension Kernel {
    /// Waits until one of `descriptors` has an event it asks for, or `timeoutMilliseconds` pass
    /// (−1: no limit); returns how many have events (their `revents` are set).
    ///
    /// EINTR is not retried, for the reason `waitForEvents` gives: the wait returns 0 and the
    /// caller's loop comes round again. For a handful of descriptors that a thread waits on
    /// alone (a follower's inotify and wake-up pipe), where epoll's setup is not worth it.
    public func poll(_ descriptors: inout [pollfd], timeoutMilliseconds: Int32) throws(SystemError) -> Int {
        let result = descriptors.withUnsafeMutableBufferPointer { buffer in
            invoke("poll", retriesInterrupts: false) { calls.poll(buffer, timeoutMilliseconds) }
        }
        switch result {
        case .success(let count): return count
        case .failure(.interrupted): return 0
        case .failure(let code): throw SystemError(code: code, operation: "poll")
        }
    }
}
