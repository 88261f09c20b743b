import Dispatch
import Synchronization

/// The bounded hand-off between a follower's reader thread and the task consuming its events.
///
/// The thread `send`s events; while `eventLimit` events or `byteLimit` bytes are buffered it
/// waits (on a semaphore, never in the cooperative pool), so a slow consumer holds the reader
/// back and memory stays bounded. The consumer's `next` takes a buffered event or suspends
/// until one is sent, the reader finishes, or the task is cancelled. `cancel` (task
/// cancellation, or the iterator going away) ends the sequence at once, releases the
/// buffered events, unblocks the thread and wakes it from its wait for the folder to change.
final class FollowerChannel: Sendable {
    private struct State {
        /// Buffered events; those before `head` were handed out.
        var buffer: [JournalEvent] = []
        var head = 0
        var bufferedBytes = 0
        /// A consumer suspended until something happens.
        var consumer: UnsafeContinuation<Result<JournalEvent?, JournalError>, Never>?
        /// How the reader ended: set once the thread has no more events.
        var ending: Result<Void, JournalError>?
        /// The consumer was given the ending; later calls return nil.
        var isEnded = false
        var isCancelled = false
        /// The reader thread waits on `space`; whoever clears this signals it once.
        var isProducerWaiting = false
        /// Ends the reader thread's wait for the folder to change; called under the lock, so
        /// the thread can clear it before closing what it writes to.
        var waker: (@Sendable () -> Void)?

        var count: Int { buffer.count - head }
    }

    private let state = Mutex(State())
    private let space = DispatchSemaphore(value: 0)
    private let eventLimit: Int
    private let byteLimit: Int
    private let observer: FollowerObserver

    /// A channel buffering at most `eventLimit` events and (beyond the first event) `byteLimit` bytes.
    init(eventLimit: Int, byteLimit: Int, observer: FollowerObserver) {
        precondition(eventLimit >= 1 && byteLimit >= 1, "a follower buffers at least one event")
        self.eventLimit = eventLimit
        self.byteLimit = byteLimit
        self.observer = observer
    }

    /// Bytes an event is counted for.
    private static func size(of event: JournalEvent) -> Int {
        event.data.count + event.type.utf8.count + (event.requestId?.utf8.count ?? 0) + 64
    }

    // MARK: reader thread

    /// Whether the consumer has gone (cancelled, or its iterator dropped).
    var isCancelled: Bool { state.withLock { $0.isCancelled } }

    /// Hands `event` to a waiting consumer or buffers it, first waiting while the buffer is
    /// full. Returns false, dropping the event, once the consumer is gone.
    func send(_ event: JournalEvent) -> Bool {
        enum Step { case handed(UnsafeContinuation<Result<JournalEvent?, JournalError>, Never>), queued, full, gone }
        let size = FollowerChannel.size(of: event)
        while true {
            let step = state.withLock { s -> Step in
                if s.isCancelled { return .gone }
                if let consumer = s.consumer {
                    s.consumer = nil
                    observer.waitingConsumers.subtract(1, ordering: .relaxed)
                    return .handed(consumer)
                }
                guard s.count == 0 || (s.count < eventLimit && s.bufferedBytes + size <= byteLimit) else {
                    s.isProducerWaiting = true
                    return .full
                }
                s.buffer.append(event)
                s.bufferedBytes += size
                observer.mostEventsBuffered.max(s.count, ordering: .relaxed)
                observer.mostBytesBuffered.max(s.bufferedBytes, ordering: .relaxed)
                return .queued
            }
            switch step {
            case .handed(let consumer):
                consumer.resume(returning: .success(event))
                return true
            case .queued:
                return true
            case .gone:
                return false
            case .full:
                observer.producerWaits.add(1, ordering: .relaxed)
                space.wait()
            }
        }
    }

    /// The reader is done: after the buffered events the consumer gets the end of the
    /// sequence, or `ending`'s error.
    func finish(_ ending: Result<Void, JournalError>) {
        let consumer = state.withLock { s -> UnsafeContinuation<Result<JournalEvent?, JournalError>, Never>? in
            s.ending = ending
            guard let consumer = s.consumer else { return nil }
            s.consumer = nil
            s.isEnded = true
            observer.waitingConsumers.subtract(1, ordering: .relaxed)
            return consumer
        }
        consumer?.resume(returning: ending.map { nil })
    }

    /// Registers how to end the reader thread's waits; false when the consumer is gone already.
    func setWaker(_ waker: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { s in
            guard !s.isCancelled else { return false }
            s.waker = waker
            return true
        }
    }

    /// Forgets the waker; once this returns, it is never called again.
    func clearWaker() {
        state.withLock { $0.waker = nil }
    }

    // MARK: consumer

    /// The next event; nil at the end of the sequence or once the task is cancelled.
    func next(isolation actor: isolated (any Actor)? = #isolation) async -> Result<JournalEvent?, JournalError> {
        await withTaskCancellationHandler {
            await withUnsafeContinuation(isolation: actor) { (continuation: UnsafeContinuation<Result<JournalEvent?, JournalError>, Never>) in
                var wakesProducer = false
                let ready = state.withLock { s -> Result<JournalEvent?, JournalError>? in
                    if s.isCancelled || s.isEnded { return .success(nil) }
                    if s.count > 0 {
                        let event = s.buffer[s.head]
                        s.head += 1
                        s.bufferedBytes -= FollowerChannel.size(of: event)
                        if s.head == s.buffer.count {
                            s.buffer.removeAll(keepingCapacity: true)
                            s.head = 0
                        } else if s.head >= eventLimit {
                            s.buffer.removeFirst(s.head)
                            s.head = 0
                        }
                        wakesProducer = s.isProducerWaiting
                        s.isProducerWaiting = false
                        return .success(event)
                    }
                    if let ending = s.ending {
                        s.isEnded = true
                        return ending.map { nil }
                    }
                    s.consumer = continuation
                    observer.consumerWaits.add(1, ordering: .relaxed)
                    observer.waitingConsumers.add(1, ordering: .relaxed)
                    return nil
                }
                if wakesProducer { space.signal() }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Ends the sequence now: a suspended consumer gets nil, buffered events are dropped, the
    /// reader thread stops waiting (for room or for the folder) and exits.
    func cancel() {
        let (consumer, wakesProducer) = state.withLock { s -> (UnsafeContinuation<Result<JournalEvent?, JournalError>, Never>?, Bool) in
            guard !s.isCancelled else { return (nil, false) }
            s.isCancelled = true
            s.waker?()
            s.buffer = []
            s.head = 0
            s.bufferedBytes = 0
            let consumer = s.consumer
            s.consumer = nil
            if consumer != nil { observer.waitingConsumers.subtract(1, ordering: .relaxed) }
            defer { s.isProducerWaiting = false }
            return (consumer, s.isProducerWaiting)
        }
        if wakesProducer { space.signal() }
        consumer?.resume(returning: .success(nil))
    }
}
