import Foundation
import POSIX
import Synchronization

/// The server's one epoll readiness loop: accepts, reads, writes, runs timers, and hands
/// complete requests to handler tasks on the worker pool.
///
/// Level-triggered epoll; interest per socket follows what its connection wants (`readable`
/// only while it reads, `writable` only while bytes wait), so a busy handler or a full socket
/// costs no wake-ups. Handler tasks reach the loop only through their `ResponseChannel`, which
/// queues the channel in `inbox` and signals the eventfd.
final class ServerLoop: @unchecked Sendable {
    // @unchecked Sendable: the `var`s below are touched only on the loop thread (after `run`
    // starts, nothing else reads them); the state other threads touch is behind `shared`
    // (a Mutex) or atomic, and the `let`s are Sendable.

    private struct Shared: Sendable {
        var scheduled: [ResponseChannel] = []
        var shutdownGrace: Duration?
        var isStopped = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private static let listenerToken: UInt64 = 0
    private static let wakeToken: UInt64 = 1
    /// Bytes read per connection per readiness report, so one client cannot starve the rest.
    private static let readsPerEvent = 4
    /// Bytes discarded from a closing connection before giving up on it.
    private static let discardLimit = 1 << 20

    let kernel: Kernel
    let configuration: HTTPServerConfiguration
    let handler: HTTPServer.Handler
    let listener: FileDescriptor
    let epoll: FileDescriptor
    let wakeCounter: FileDescriptor
    let openConnections = Atomic<Int>(0)
    private let shared = Mutex(Shared())

    private var connections: [UInt64: ServerConnection] = [:]
    private var nextID: UInt64 = 2
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var nextTimerCheck: Duration = .zero
    private var isListening = true
    private var acceptResumesAt: Duration?
    private var shutdownDeadline: Duration?
    private var cachedDate: (second: Int64, text: String) = (-1, "")

    init(kernel: Kernel, configuration: HTTPServerConfiguration, handler: @escaping HTTPServer.Handler,
         listener: FileDescriptor, epoll: FileDescriptor, wakeCounter: FileDescriptor) {
        self.kernel = kernel
        self.configuration = configuration
        self.handler = handler
        self.listener = listener
        self.epoll = epoll
        self.wakeCounter = wakeCounter
    }

    // MARK: Other threads

    /// Asks the loop to stop accepting and finish within `grace` (any thread).
    func requestShutdown(grace: Duration) {
        shared.withLock { if $0.shutdownGrace == nil { $0.shutdownGrace = grace } }
        try? kernel.signal(wakeCounter)
    }

    /// Returns when the loop has ended (any task).
    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isStopped = shared.withLock { shared in
                if !shared.isStopped { shared.stopWaiters.append(continuation) }
                return shared.isStopped
            }
            if isStopped { continuation.resume() }
        }
    }

    /// Queues `channel` for the loop to take its parts (any thread).
    private func schedule(_ channel: ResponseChannel) {
        let wasEmpty = shared.withLock { shared in
            defer { shared.scheduled.append(channel) }
            return shared.scheduled.isEmpty
        }
        if wasEmpty { try? kernel.signal(wakeCounter) }
    }

    // MARK: The loop

    /// Runs until shut down and every connection is gone; then closes the loop's descriptors.
    func run() {
        while true {
            let moment = currentMoment()
            let timeout = max(.zero, nextTimerCheck - moment.now)
            let events: [EpollEvent]
            do {
                events = try kernel.waitForEvents(on: epoll, maxEvents: 256, timeout: min(timeout, .seconds(1)))
            } catch {
                preconditionFailure("the HTTP event loop cannot wait: \(error)")
            }
            let now = currentMoment()
            for event in events {
                switch event.data {
                case ServerLoop.listenerToken: acceptConnections(at: now)
                case ServerLoop.wakeToken: _ = try? kernel.drain(wakeCounter)
                default: service(event.data, event.events, at: now)
                }
            }
            takeScheduled(at: now)
            if now.now >= nextTimerCheck { checkTimers(at: now) }
            if shutdownDeadline != nil, connections.isEmpty { break }
        }
        finish()
    }

    private func finish() {
        if isListening { try? kernel.close(listener) }
        try? kernel.close(epoll)
        try? kernel.close(wakeCounter)
        let waiters = shared.withLock { shared in
            shared.isStopped = true
            defer { shared.stopWaiters = [] }
            return shared.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func currentMoment() -> HTTPConnection.Moment {
        let second = Int64(kernel.now(.realtime).components.seconds)
        if second != cachedDate.second { cachedDate = (second, HTTPDate.format(secondsSince1970: second)) }
        return HTTPConnection.Moment(now: kernel.now(.monotonic), date: cachedDate.text)
    }

    // MARK: Accepting

    private func acceptConnections(at moment: HTTPConnection.Moment) {
        for _ in 0..<64 {
            guard isListening else { return }
            let outcome: AcceptOutcome
            do {
                outcome = try kernel.accept(listener)
            } catch {
                // Out of descriptors (EMFILE/ENFILE) or memory: stop accepting for a moment instead of spinning.
                try? kernel.modify(listener, in: epoll, for: [], data: ServerLoop.listenerToken)
                acceptResumesAt = moment.now + .milliseconds(100)
                nextTimerCheck = min(nextTimerCheck, moment.now + .milliseconds(100))
                return
            }
            guard case .accepted(let socket, let peer) = outcome else { return }
            try? kernel.setOption(.noDelay, to: 1, on: socket)
            let isOverCap = openConnections.load(ordering: .relaxed) >= configuration.maxConnections
            let connection = ServerConnection(
                id: nextID, socket: socket,
                machine: HTTPConnection(limits: configuration.limits, timeouts: configuration.timeouts, peer: peer,
                                        refusalFormat: configuration.refusalFormat, now: moment.now),
                isCounted: !isOverCap, now: moment.now)
            nextID += 1
            if isOverCap {
                // Refused connections linger too (so the client reads the 503, not a reset), but only so many.
                guard connections.count < configuration.maxConnections + 64 else {
                    try? kernel.close(socket)
                    continue
                }
                let refusal = HTTPParseError(.serviceUnavailable, "the server has \(configuration.maxConnections) connections open; try again later")
                connection.enqueue(ResponseSerializer.refusal(refusal, date: moment.date, format: configuration.refusalFormat), now: moment.now)
                connection.phase = .closing
            } else {
                openConnections.add(1, ordering: .relaxed)
            }
            connections[connection.id] = connection
            do {
                try kernel.register(socket, with: epoll, for: [], data: connection.id)
            } catch {
                close(connection)
                continue
            }
            flush(connection, at: moment)
        }
    }

    // MARK: Connections

    private func service(_ id: UInt64, _ events: EpollEvents, at moment: HTTPConnection.Moment) {
        guard let connection = connections[id] else { return }
        if connection.interest.contains(.readable), !events.isDisjoint(with: [.readable, .peerClosedWriting, .hangUp, .error]) {
            read(connection, at: moment)
        } else if !events.isDisjoint(with: [.hangUp, .error]) {
            close(connection)
            return
        }
        if connections[id] != nil, events.contains(.writable) { flush(connection, at: moment) }
    }

    private func read(_ connection: ServerConnection, at moment: HTTPConnection.Moment) {
        for _ in 0..<ServerLoop.readsPerEvent {
            guard connections[connection.id] != nil, connection.wantedInterest.contains(.readable) else { return }
            let outcome: ReadOutcome
            do {
                outcome = try readBuffer.withUnsafeMutableBytes { buffer in
                    Result { () throws(SystemError) in try kernel.read(from: connection.socket, into: buffer) }
                }.get()
            } catch {
                close(connection)
                return
            }
            switch outcome {
            case .wouldBlock:
                return
            case .endOfStream:
                guard case .open = connection.phase else { return close(connection) }
                apply(connection.machine.receivedEndOfStream(at: moment), to: connection, at: moment)
                return
            case .bytes(let count):
                guard case .open = connection.phase else {
                    connection.discardedBytes += count
                    if connection.discardedBytes > ServerLoop.discardLimit { close(connection) }
                    continue
                }
                let actions = readBuffer.withUnsafeBytes { buffer in
                    connection.machine.received(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), at: moment)
                }
                apply(actions, to: connection, at: moment)
            }
            // A short read drained the socket: another read would only say EAGAIN (one syscall per
            // request in the health benchmark). Epoll is level-triggered, so bytes that arrive
            // meanwhile, or the peer's FIN, are reported on the next wait.
            if case .bytes(let count) = outcome, count < readBuffer.count { return }
        }
    }

    /// Performs `actions`; then sends what is queued, unless `flushes` is false (the caller
    /// flushes once after several batches, so a response's head and body leave in one `send`).
    private func apply(_ actions: [HTTPConnection.Action], to connection: ServerConnection, at moment: HTTPConnection.Moment,
                       flushes: Bool = true) {
        for action in actions {
            switch action {
            case .write(let bytes): connection.enqueue(bytes, now: moment.now)
            case .deliver(let request): startHandler(for: request, on: connection)
            case .closeAfterWriting: connection.phase = .closing
            case .close: return close(connection)
            }
        }
        if flushes { flush(connection, at: moment) }
    }

    private func flush(_ connection: ServerConnection, at moment: HTTPConnection.Moment) {
        do {
            try connection.flush(with: kernel, now: moment.now)
        } catch {
            return close(connection)
        }
        connection.channel?.reportUnsent(connection.pendingByteCount)
        if connection.pendingByteCount == 0, case .closing = connection.phase {
            try? kernel.shutdown(connection.socket, .writing)
            connection.phase = .lingering(until: moment.now + configuration.timeouts.linger)
        }
        updateInterest(of: connection)
        if let deadline = connection.nextDeadline(writeProgress: configuration.timeouts.writeProgress) {
            nextTimerCheck = min(nextTimerCheck, deadline)
        }
    }

    private func updateInterest(of connection: ServerConnection) {
        let wanted = connection.wantedInterest
        guard wanted != connection.interest else { return }
        do {
            try kernel.modify(connection.socket, in: epoll, for: wanted, data: connection.id)
            connection.interest = wanted
        } catch {
            close(connection)
        }
    }

    private func close(_ connection: ServerConnection) {
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        connection.channel?.close()
        connection.task?.cancel()
        connection.channel = nil
        connection.task = nil
        try? kernel.close(connection.socket)
        if connection.isCounted { openConnections.subtract(1, ordering: .relaxed) }
    }

    // MARK: Handlers

    private func startHandler(for request: HTTPRequest, on connection: ServerConnection) {
        let channel = ResponseChannel(connectionID: connection.id) { [self] channel in schedule(channel) }
        connection.channel = channel
        let handler = handler
        let isHead = request.method == .head
        connection.task = Task(executorPreference: configuration.workers) {
            let response = await handler(request)
            await ResponseProducer.produce(response, isHead: isHead, on: channel)
        }
    }

    private func takeScheduled(at moment: HTTPConnection.Moment) {
        let (channels, grace) = shared.withLock { shared in
            defer { shared.scheduled = [] }
            return (shared.scheduled, shared.shutdownGrace)
        }
        if let grace, shutdownDeadline == nil { beginShutdown(grace: grace, at: moment) }
        for channel in channels {
            guard let connection = connections[channel.connectionID], connection.channel === channel else { continue }
            for part in channel.takeParts() {
                guard connections[connection.id] != nil else { break }
                switch part {
                case .end, .abort:
                    connection.channel = nil
                    connection.task = nil
                case .head, .body:
                    break
                }
                apply(connection.machine.respond(part, at: moment), to: connection, at: moment, flushes: false)
            }
            // One send for all the parts taken (head, body, end): two sends cost two TCP segments
            // and two wake-ups of the client; measured by tools/bench-http, README "HTTP benchmark".
            if connections[connection.id] != nil { flush(connection, at: moment) }
        }
    }

    // MARK: Time and shutdown

    private func checkTimers(at moment: HTTPConnection.Moment) {
        let now = moment.now
        if let resumesAt = acceptResumesAt, now >= resumesAt, isListening {
            acceptResumesAt = nil
            try? kernel.modify(listener, in: epoll, for: .readable, data: ServerLoop.listenerToken)
        }
        if let shutdownDeadline, now >= shutdownDeadline {
            for connection in Array(connections.values) { close(connection) }
        }
        var next = now + .seconds(1)
        if let resumesAt = acceptResumesAt { next = min(next, resumesAt) }
        if let shutdownDeadline { next = min(next, shutdownDeadline) }
        for connection in Array(connections.values) {
            if case .lingering(let until) = connection.phase, now >= until {
                close(connection)
                continue
            }
            if connection.pendingByteCount > 0, now >= connection.lastWriteProgress + configuration.timeouts.writeProgress {
                close(connection)
                continue
            }
            if case .open = connection.phase, let deadline = connection.machine.deadline, now >= deadline {
                apply(connection.machine.timerFired(at: moment), to: connection, at: moment)
            }
            if connections[connection.id] != nil, let deadline = connection.nextDeadline(writeProgress: configuration.timeouts.writeProgress) {
                next = min(next, deadline)
            }
        }
        nextTimerCheck = next
    }

    private func beginShutdown(grace: Duration, at moment: HTTPConnection.Moment) {
        shutdownDeadline = moment.now + grace
        nextTimerCheck = min(nextTimerCheck, moment.now + grace)
        if isListening {
            isListening = false
            try? kernel.close(listener)
        }
        for connection in Array(connections.values) {
            guard case .open = connection.phase else { continue }
            apply(connection.machine.beginShutdown(at: moment), to: connection, at: moment)
        }
    }
}
