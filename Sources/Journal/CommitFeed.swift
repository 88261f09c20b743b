import Integrity
import Synchronization

/// A frame the writer committed, as the commit feed delivers it: durable (per the durability
/// mode), with exactly the events, bytes and timestamp a reader of the journal will see.
public struct CommittedFrame: Sendable, Equatable {
    /// The frame's events, in seq order.
    public let events: [JournalEvent]
    /// The commit timestamp of every event, µs since the Unix epoch (UTC).
    public let timestamp: UInt64
    /// The chain value after the frame.
    public let chain: SHA256Digest

    /// Seq of the frame's first event.
    public var firstSeq: UInt64 { events[0].seq }
    /// Seq of the frame's last event.
    public var lastSeq: UInt64 { events[events.count - 1].seq }
}

/// What a subscription yields.
public enum CommitFeedItem: Sendable, Equatable {
    /// The next committed frame.
    case frame(CommittedFrame)
    /// The subscriber fell more than its buffer behind: frames from seq `missedFrom` on were
    /// dropped. Read them from the journal (`JournalReader`, `fromSeq: missedFrom`); the feed
    /// goes on with later frames, so the gap ends just before the next frame's first seq.
    case lagged(missedFrom: UInt64)
}

/// Hands committed frames to subscribers strictly in seq order.
///
/// The writer publishes each group of frames after acknowledging it, outside its own lock; two
/// groups acknowledged back to back may be published by different threads in either order, so
/// the feed holds a frame until every frame before it has arrived. Publishing never waits for a
/// subscriber: each has a bounded buffer, and one that falls behind is told it lagged (see
/// `CommitFeedItem.lagged`) instead of stalling commits.
final class CommitFeed: Sendable {
    private struct State {
        /// Seq of the next frame to deliver.
        var nextSeq: UInt64
        /// Frames published ahead of an earlier one, by first seq.
        var held: [UInt64: CommittedFrame] = [:]
        /// Live subscriptions (weak: a subscription dropped by its consumer goes away).
        var subscriptions: [WeakSubscription] = []
        /// No more frames will come (the writer closed or failed).
        var isFinished = false
    }

    private let state: PlainLock<State>
    /// Whether anyone ever subscribed: the writer builds frames for the feed only then (the
    /// 64-appender benchmark pays nothing without subscribers). Read under the writer's lock.
    private let hasSubscribersFlag = Atomic<Bool>(false)

    /// A feed whose next frame starts at `nextSeq`.
    init(nextSeq: UInt64) { state = PlainLock(State(nextSeq: nextSeq)) }

    /// Whether a frame built now would reach anyone.
    var hasSubscribers: Bool { hasSubscribersFlag.load(ordering: .relaxed) }

    /// A new subscription receiving every frame from `startSeq` on, buffering at most
    /// `bufferedEventLimit` events. The writer calls this under its state lock with its head + 1,
    /// the lock under which it also decides whether to publish what it acknowledges, so no frame
    /// falls between the journal and the feed.
    func subscribe(startSeq: UInt64, bufferedEventLimit: Int) -> CommitSubscription {
        precondition(bufferedEventLimit > 0, "a subscription needs room for at least one event")
        return state.withLock { s in
            if !hasSubscribersFlag.load(ordering: .relaxed) {
                // Nothing was published while nobody listened: the feed starts at the head.
                s.nextSeq = startSeq
                s.held = s.held.filter { $0.key >= startSeq }
            }
            let subscription = CommitSubscription(startSeq: s.nextSeq, bufferedEventLimit: bufferedEventLimit, isFinished: s.isFinished)
            s.subscriptions.removeAll { $0.subscription == nil }
            s.subscriptions.append(WeakSubscription(subscription: subscription))
            hasSubscribersFlag.store(true, ordering: .relaxed)
            return subscription
        }
    }

    /// Delivers `frames` (consecutive, in order) once every frame before them has been.
    func publish(_ frames: [CommittedFrame]) {
        guard !frames.isEmpty else { return }
        let resumptions = state.withLock { s -> [Resumption] in
            // Frames before the feed's start were committed before anyone subscribed.
            for frame in frames where frame.firstSeq >= s.nextSeq { s.held[frame.firstSeq] = frame }
            var ready: [CommittedFrame] = []
            while let next = s.held.removeValue(forKey: s.nextSeq) {
                ready.append(next)
                s.nextSeq = next.lastSeq + 1
            }
            guard !ready.isEmpty else { return [] }
            s.subscriptions.removeAll { $0.subscription == nil }
            return s.subscriptions.flatMap { $0.subscription?.deliver(ready) ?? [] }
        }
        for resumption in resumptions { resumption.perform() }
    }

    /// Ends every subscription after what it has buffered (the writer closed or stopped).
    func finish() {
        let resumptions = state.withLock { s -> [Resumption] in
            s.isFinished = true
            return s.subscriptions.flatMap { $0.subscription?.finish() ?? [] }
        }
        for resumption in resumptions { resumption.perform() }
    }

    private struct WeakSubscription {
        weak var subscription: CommitSubscription?
    }
}

/// A continuation to resume once the lock that decided it is released.
struct Resumption {
    let continuation: CheckedContinuation<CommitFeedItem?, Never>
    let item: CommitFeedItem?

    func perform() { continuation.resume(returning: item) }
}
