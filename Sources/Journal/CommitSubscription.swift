/// One subscriber's view of the commit feed: an `AsyncSequence` of committed frames in seq
/// order, from `startSeq` on, ending when the writer closes or stops (or the consuming task is
/// cancelled).
///
/// The buffer holds at most `bufferedEventLimit` events (or one frame, if that is bigger). When
/// a frame would pass it, everything
/// buffered is dropped and the next item is `.lagged(missedFrom:)`: the subscriber catches up
/// from the journal, which holds every committed frame, while commits never wait for it.
/// Dropping the subscription unsubscribes it.
public final class CommitSubscription: AsyncSequence, Sendable {
    public typealias Element = CommitFeedItem

    /// The first seq this subscription delivers (or reports as missed).
    public let startSeq: UInt64
    /// Most events buffered before the subscription counts as lagging.
    public let bufferedEventLimit: Int

    private struct State {
        var buffer: [CommittedFrame] = []
        var head = 0
        var bufferedEvents = 0
        /// Set while frames are being dropped: the first seq the consumer missed.
        var missedFrom: UInt64?
        var waiter: CheckedContinuation<CommitFeedItem?, Never>?
        var isFinished: Bool
    }

    private let state: PlainLock<State>

    init(startSeq: UInt64, bufferedEventLimit: Int, isFinished: Bool) {
        self.startSeq = startSeq
        self.bufferedEventLimit = bufferedEventLimit
        state = PlainLock(State(isFinished: isFinished))
    }

    /// Called by the feed, under its lock, with the next frames in order.
    func deliver(_ frames: [CommittedFrame]) -> [Resumption] {
        state.withLock { s -> [Resumption] in
            guard !s.isFinished else { return [] }
            for frame in frames {
                if s.missedFrom != nil { continue }
                // One frame always fits in an empty buffer (frames are bounded by the format).
                if s.bufferedEvents > 0 && s.bufferedEvents + frame.events.count > bufferedEventLimit {
                    s.missedFrom = s.head < s.buffer.count ? s.buffer[s.head].firstSeq : frame.firstSeq
                    s.buffer.removeAll(keepingCapacity: false)
                    s.head = 0
                    s.bufferedEvents = 0
                    continue
                }
                s.buffer.append(frame)
                s.bufferedEvents += frame.events.count
            }
            guard let waiter = s.waiter, let item = Self.take(&s) else { return [] }
            s.waiter = nil
            return [Resumption(continuation: waiter, item: item)]
        }
    }

    /// Called by the feed when no more frames will come.
    func finish() -> [Resumption] {
        state.withLock { s -> [Resumption] in
            s.isFinished = true
            guard let waiter = s.waiter else { return [] }
            s.waiter = nil
            return [Resumption(continuation: waiter, item: Self.take(&s))]
        }
    }

    /// The next item: a buffered frame, the lag marker, or nil when finished and drained.
    private static func take(_ s: inout State) -> CommitFeedItem? {
        if let missed = s.missedFrom, s.head == s.buffer.count {
            s.missedFrom = nil
            return .lagged(missedFrom: missed)
        }
        guard s.head < s.buffer.count else { return nil }
        let frame = s.buffer[s.head]
        s.head += 1
        s.bufferedEvents -= frame.events.count
        if s.head == s.buffer.count {
            s.buffer.removeAll(keepingCapacity: true)
            s.head = 0
        }
        return .frame(frame)
    }

    /// The next item, waiting for one if none is buffered; nil once the writer closed (after
    /// everything buffered) or the calling task is cancelled.
    public func next() async -> CommitFeedItem? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CommitFeedItem?, Never>) in
                let ready = state.withLock { s -> (CommitFeedItem?, Bool) in
                    if let item = Self.take(&s) { return (item, true) }
                    if s.isFinished || Task.isCancelled { return (nil, true) }
                    precondition(s.waiter == nil, "one consumer at a time reads a subscription")
                    s.waiter = continuation
                    return (nil, false)
                }
                if ready.1 { continuation.resume(returning: ready.0) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<CommitFeedItem?, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Iterates the subscription.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: CommitSubscription
        /// The next item (see `CommitSubscription.next()`).
        public mutating func next() async -> CommitFeedItem? { await subscription.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: self) }
}
