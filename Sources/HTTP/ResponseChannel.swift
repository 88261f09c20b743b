import Synchronization

/// Carries one response's parts from the task producing it to the event loop, with backpressure.
///
/// The producer (a handler's task on the worker pool) calls `send`; the loop calls `takeParts`
/// when woken, then `reportUnsent` after each socket write. A producer writing faster than the
/// client reads waits in `waitForRoom` once more than `highWater` bytes are queued or unsent,
/// and resumes when they fall to `lowWater`, so one slow client holds at most about `highWater`
/// bytes of a streamed body. When the connection goes, `close` fails the producer's next call.
///
/// A body may have several writers at once (`GET /api/events?follow=1` writes events and
/// heartbeats from two tasks), so every waiting writer is kept and woken: with one slot, the
/// second writer to wait replaced the first, whose task then never resumed.
final class ResponseChannel: Sendable {
    private struct State: Sendable {
        var parts: [HTTPConnection.ResponsePart] = []
        var queuedBytes = 0
        var unsentBytes = 0
        var isScheduled = false
        var isClosed = false
        var waiters: [CheckedContinuation<Void, any Error>] = []
    }

    /// The connection the response belongs to.
    let connectionID: UInt64
    private let state = Mutex(State())
    private let schedule: @Sendable (ResponseChannel) -> Void
    private let highWater: Int
    private let lowWater: Int

    /// A channel for connection `connectionID`; `schedule` tells the loop it has parts to take.
    init(connectionID: UInt64, highWater: Int = 256 * 1024, lowWater: Int = 64 * 1024, schedule: @escaping @Sendable (ResponseChannel) -> Void) {
        self.connectionID = connectionID
        self.highWater = highWater
        self.lowWater = lowWater
        self.schedule = schedule
    }

    /// Queues `part` for the loop; throws once the connection is gone.
    func send(_ part: HTTPConnection.ResponsePart) throws(ResponseBodyWriter.ConnectionClosed) {
        try send(contentsOf: CollectionOfOne(part))
    }

    /// Queues `parts` together, so the loop takes them in one go (a whole response: one `send`
    /// to the socket, not one per part when the loop wakes between them); throws once the
    /// connection is gone.
    func send(contentsOf parts: some Collection<HTTPConnection.ResponsePart>) throws(ResponseBodyWriter.ConnectionClosed) {
        let needsScheduling = try state.withLock { state throws(ResponseBodyWriter.ConnectionClosed) -> Bool in
            if state.isClosed { throw ResponseBodyWriter.ConnectionClosed() }
            for part in parts {
                state.parts.append(part)
                if case .body(let bytes) = part { state.queuedBytes += bytes.count }
            }
            defer { state.isScheduled = true }
            return !state.isScheduled
        }
        if needsScheduling { schedule(self) }
    }

    /// Returns when fewer than `highWater` bytes wait to be sent; throws once the connection is gone.
    func waitForRoom() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, any Error>? = state.withLock { state in
                if state.isClosed { return .failure(ResponseBodyWriter.ConnectionClosed()) }
                if state.queuedBytes + state.unsentBytes <= highWater { return .success(()) }
                state.waiters.append(continuation)
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// The parts sent since the last call (loop only).
    func takeParts() -> [HTTPConnection.ResponsePart] {
        state.withLock { state in
            defer {
                state.parts = []
                state.unsentBytes += state.queuedBytes
                state.queuedBytes = 0
                state.isScheduled = false
            }
            return state.parts
        }
    }

    /// How many bytes the loop still holds unsent (loop only); wakes a waiting producer when few enough.
    func reportUnsent(_ bytes: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.unsentBytes = bytes
            guard state.queuedBytes + bytes <= lowWater else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The connection is gone (loop only): the producer's next call throws.
    func close() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.isClosed = true
            state.parts = []
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(throwing: ResponseBodyWriter.ConnectionClosed()) }
    }

    /// How many writers wait for room (tests).
    var waitingWriterCount: Int {
        state.withLock { $0.waiters.count }
    }
}
