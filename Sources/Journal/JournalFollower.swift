/// The events of a journal from a seq (or time) on, continuing live as a writer — in this
/// process or another — appends them: an `AsyncSequence` that ends when the consuming task is
/// cancelled (or the filter's `toSeq`/`until` is passed) and throws when damage stops it.
///
/// Each iterator has a reader thread of its own (never a thread of the cooperative pool): it
/// reads and checks frames as `JournalReader.read` does, and at the end of the journal waits
/// for the folder to change — inotify, or `fallbackPollInterval` where inotify reports nothing
/// — then reads on. It hands events over through a bounded buffer: while the consumer is slow
/// the thread waits, so memory stays bounded (`maxBufferedEvents` events and
/// `maxBufferedBytes` bytes, beyond the frame being read). Cancelling the task — while it
/// waits for events or while events are pending — ends the sequence at once; the thread then
/// stops, closes its descriptors and exits, as it does when the iterator is dropped.
///
/// At a torn tail (a frame a writer is still writing, or left by a crash the next write-open
/// recovers) the follower waits for it to be completed or cut, as at the end. Corruption ends
/// the sequence with a `.corrupt` error naming segment, offset and seqs, after every event
/// before it was delivered.
public struct JournalFollower: AsyncSequence, Sendable {
    /// Events, in seq order.
    public typealias Element = JournalEvent
    /// Why the sequence stopped early: damage or an unreadable journal.
    public typealias Failure = JournalError

    private let directory: String
    private let io: FileIO
    private let filter: EventFilter
    /// Most events buffered between the reader thread and the consumer.
    public let maxBufferedEvents: Int
    /// Most bytes of events buffered (one larger event always passes).
    public let maxBufferedBytes: Int
    /// How long the reader thread waits at the end without an inotify event before it looks
    /// again anyway.
    public let fallbackPollInterval: Duration
    /// What the iterators' channels and threads did (tests check buffer bounds and thread exits).
    package let observer = FollowerObserver()

    init(directory: String, io: FileIO, filter: EventFilter, maxBufferedEvents: Int, maxBufferedBytes: Int, fallbackPollInterval: Duration) {
        precondition(maxBufferedEvents >= 1 && maxBufferedBytes >= 1, "a follower buffers at least one event")
        self.directory = directory
        self.io = io
        self.filter = filter
        self.maxBufferedEvents = maxBufferedEvents
        self.maxBufferedBytes = maxBufferedBytes
        self.fallbackPollInterval = fallbackPollInterval
    }

    /// Starts a reader thread for a new iterator.
    public func makeAsyncIterator() -> Iterator {
        let channel = FollowerChannel(eventLimit: maxBufferedEvents, byteLimit: maxBufferedBytes, observer: observer)
        FollowerPump(directory: directory, io: io, filter: filter, channel: channel, pollInterval: fallbackPollInterval, observer: observer).start()
        return Iterator(handle: Handle(channel))
    }

    /// Iterates a follower; dropping it stops its reader thread.
    public struct Iterator: AsyncIteratorProtocol {
        fileprivate let handle: Handle

        /// The next event; nil once the task is cancelled or the filter's range is passed.
        public mutating func next() async throws(JournalError) -> JournalEvent? {
            try await handle.channel.next().get()
        }

        /// The next event, staying on the caller's actor.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(JournalError) -> JournalEvent? {
            try await handle.channel.next(isolation: actor).get()
        }
    }

    /// Cancels the channel when the last copy of its iterator goes away.
    fileprivate final class Handle: Sendable {
        let channel: FollowerChannel
        init(_ channel: FollowerChannel) { self.channel = channel }
        deinit { channel.cancel() }
    }
}

extension JournalReader {
    /// The events matching `filter` from its `fromSeq` (or `since`) on, continuing live: see
    /// `JournalFollower`. Nothing is read until iteration starts.
    public func follow(_ filter: EventFilter = EventFilter(), maxBufferedEvents: Int = 256, maxBufferedBytes: Int = 4 << 20,
                       fallbackPollInterval: Duration = .seconds(1)) -> JournalFollower {
        JournalFollower(directory: directory, io: io, filter: filter, maxBufferedEvents: maxBufferedEvents,
                        maxBufferedBytes: maxBufferedBytes, fallbackPollInterval: fallbackPollInterval)
    }
}
