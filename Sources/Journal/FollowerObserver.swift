import Synchronization

/// What a follower's hand-off has seen, for tests and diagnostics: how many reader threads ran
/// and ended, how often each side waited, and the most it ever buffered.
package final class FollowerObserver: Sendable {
    /// Reader threads started.
    package let threadsStarted = Atomic<Int>(0)
    /// Reader threads that ended, their descriptors closed.
    package let threadsExited = Atomic<Int>(0)
    /// Times a consumer suspended because nothing was buffered.
    package let consumerWaits = Atomic<Int>(0)
    /// Consumers suspended right now (0 or 1).
    package let waitingConsumers = Atomic<Int>(0)
    /// Times the reader thread waited for the folder to change (at the end or a torn tail).
    package let folderWaits = Atomic<Int>(0)
    /// Times the reader thread waited because the buffer was full.
    package let producerWaits = Atomic<Int>(0)
    /// The most events buffered at once.
    package let mostEventsBuffered = Atomic<Int>(0)
    /// The most event bytes buffered at once.
    package let mostBytesBuffered = Atomic<Int>(0)

    /// An observer with every count at zero.
    package init() {}
}
