// What calls on non-blocking descriptors return: "would block" (EAGAIN) is an ordinary answer
// there — the event loop waits for readiness and comes back — so it is a case, not an error.

/// What one `read` on a stream (socket, pipe, eventfd, inotify) produced.
public enum ReadOutcome: Sendable, Hashable {
    /// This many bytes (at least 1) are at the start of the buffer.
    case bytes(Int)
    /// The peer closed its side (or the pipe's writers are gone): no more bytes will come.
    case endOfStream
    /// Nothing to read now; wait for readability.
    case wouldBlock
}
