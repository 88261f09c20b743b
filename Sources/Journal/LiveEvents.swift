import POSIX

/// Every event from a seq on, first from the journal, then live from the commit feed: what an
/// in-process engine folds (`JournalWriter.events(from:)`).
///
/// It subscribes to the feed when made, so nothing committed afterwards can be missed; events
/// before the subscription's start (and any a lagging subscription dropped) are read from the
/// journal by a `JournalFollower`, on its own thread, so no cooperative-pool thread blocks on
/// file reads. Each event comes once, in seq order, with the bytes and timestamp a reader sees.
/// The sequence ends when the writer closes or the consuming task is cancelled, and throws when
/// damage stops a catch-up read.
public struct LiveEvents: AsyncSequence, Sendable {
    public typealias Element = JournalEvent
    public typealias Failure = JournalError

    let firstSeq: UInt64
    let subscription: CommitSubscription
    let directory: String
    let kernel: Kernel
    let head: @Sendable () -> UInt64

    public func makeAsyncIterator() -> Iterator {
        Iterator(nextSeq: Swift.max(firstSeq, 1), subscription: subscription, reader: JournalReader(directory: directory, kernel: kernel), head: head)
    }

    /// Iterates the events.
    public struct Iterator: AsyncIteratorProtocol {
        var nextSeq: UInt64
        let subscription: CommitSubscription
        let reader: JournalReader
        let head: @Sendable () -> UInt64
        /// Events of a live frame not yet handed out.
        var pending: ArraySlice<JournalEvent> = []
        /// A catch-up read from the journal in progress.
        var catchUp: JournalFollower.Iterator?

        /// The next event, or nil once the writer closed (or the task was cancelled).
        public mutating func next() async throws(JournalError) -> JournalEvent? {
            while true {
                if Task.isCancelled { return nil }
                if let event = pending.popFirst() {
                    guard event.seq >= nextSeq else { continue }
                    nextSeq = event.seq + 1
                    return event
                }
                if catchUp != nil {
                    if let event = try await catchUp!.next() {
                        nextSeq = event.seq + 1
                        return event
                    }
                    catchUp = nil
                    continue
                }
                if nextSeq < subscription.startSeq {
                    startCatchUp(through: subscription.startSeq - 1)
                    continue
                }
                switch await subscription.next() {
                case nil:
                    return nil
                case .frame(let frame):
                    guard frame.lastSeq >= nextSeq else { continue }
                    if frame.firstSeq > nextSeq { startCatchUp(through: frame.firstSeq - 1) }
                    pending = frame.events[...]
                case .lagged:
                    // Dropped frames are in the journal: read up to what is acknowledged now;
                    // frames the feed delivers afterwards are skipped up to there.
                    let acknowledged = head()
                    if acknowledged >= nextSeq { startCatchUp(through: acknowledged) }
                }
            }
        }

        private mutating func startCatchUp(through lastSeq: UInt64) {
            var filter = EventFilter()
            filter.fromSeq = nextSeq
            filter.toSeq = lastSeq
            catchUp = reader.follow(filter).makeAsyncIterator()
        }
    }
}

extension JournalWriter {
    /// Every event from `seq` on (seq 1: the whole journal), then each event as it commits —
    /// see `LiveEvents`. `bufferedEventLimit` bounds the live buffer; a consumer that falls
    /// further behind catches up from the journal instead of holding commits back.
    public func events(from seq: UInt64, bufferedEventLimit: Int = 1 << 16) -> LiveEvents {
        LiveEvents(firstSeq: seq, subscription: subscribe(bufferedEventLimit: bufferedEventLimit),
                   directory: configuration.directory, kernel: configuration.kernel,
                   head: { [weak self] in self?.headSeq ?? 0 })
    }
}
