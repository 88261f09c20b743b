import POSIX

/// The event loop's record of one client socket: its HTTP state machine and the bytes waiting
/// to be written. Touched only on the loop thread.
final class ServerConnection {
    /// Where the connection is in its life.
    enum Phase {
        /// Serving requests.
        case open
        /// Sending the last bytes (an error response or a final response), discarding what comes in.
        case closing
        /// Writing is shut down; reading and discarding until the peer closes or the deadline passes.
        case lingering(until: Duration)
    }

    /// The epoll token (never 0 or 1: those are the listener and the wake-up counter).
    let id: UInt64
    /// The socket.
    let socket: FileDescriptor
    /// Whether it counts against the connection cap (refused connections do not).
    let isCounted: Bool
    /// The HTTP state.
    var machine: HTTPConnection
    /// Where it is in its life.
    var phase = Phase.open
    /// The response being produced for the delivered request, if any.
    var channel: ResponseChannel?
    /// The handler task producing it.
    var task: Task<Void, Never>?
    /// What epoll is watching for now.
    var interest: EpollEvents = []
    /// When bytes last left for the client (or the connection was accepted).
    var lastWriteProgress: Duration
    /// Bytes read and thrown away while closing; past a bound the connection is closed at once.
    var discardedBytes = 0
    private var outbound: [UInt8] = []
    private var outboundStart = 0

    /// A connection on `socket` with HTTP state `machine`.
    init(id: UInt64, socket: FileDescriptor, machine: HTTPConnection, isCounted: Bool, now: Duration) {
        self.id = id
        self.socket = socket
        self.machine = machine
        self.isCounted = isCounted
        lastWriteProgress = now
    }

    /// How many queued bytes have not been sent.
    var pendingByteCount: Int { outbound.count - outboundStart }

    /// Queues `bytes` after those already queued.
    func enqueue(_ bytes: [UInt8], now: Duration) {
        if pendingByteCount == 0 {
            outbound = bytes
            outboundStart = 0
            lastWriteProgress = now
        } else {
            outbound.append(contentsOf: bytes)
        }
    }

    /// Sends queued bytes until done or the socket is full; throws when the peer has gone.
    func flush(with kernel: Kernel, now: Duration) throws(SystemError) {
        while pendingByteCount > 0 {
            let start = outboundStart
            let result = outbound.withUnsafeBytes { bytes in
                Result { () throws(SystemError) in try kernel.send(UnsafeRawBufferPointer(rebasing: bytes[start...]), to: socket) }
            }
            guard case .bytes(let count) = try result.get() else { break }
            outboundStart += count
            lastWriteProgress = now
        }
        if pendingByteCount == 0 {
            outbound = []
            outboundStart = 0
        } else if outboundStart > 1 << 20, outboundStart * 2 > outbound.count {
            outbound.removeSubrange(0..<outboundStart)
            outboundStart = 0
        }
    }

    /// What epoll should watch for.
    var wantedInterest: EpollEvents {
        var events: EpollEvents = []
        switch phase {
        case .open: if machine.wantsToRead { events.formUnion([.readable, .peerClosedWriting]) }
        case .closing, .lingering: events.formUnion([.readable, .peerClosedWriting])
        }
        if pendingByteCount > 0 { events.insert(.writable) }
        return events
    }

    /// The earliest time something must be checked: a read timeout, the write progress limit, the linger end.
    func nextDeadline(writeProgress: Duration) -> Duration? {
        var deadlines: [Duration] = []
        if case .open = phase, let deadline = machine.deadline { deadlines.append(deadline) }
        if case .lingering(let until) = phase { deadlines.append(until) }
        if pendingByteCount > 0 { deadlines.append(lastWriteProgress + writeProgress) }
        return deadlines.min()
    }
}
