// What calls on non-blocking descriptors return: "would block" (EAGAIN) is an ordinary answer
// there — the event loop waits for readiness and comes back — so it is a case, not an error.

/// What one `write` or `send` on a stream transferred.
public enum WriteOutcome: Sendable, Hashable {
    /// This many bytes were taken, possibly fewer than given: the caller keeps the rest for later.
    case bytes(Int)
    /// The send buffer is full; wait for writability.
    case wouldBlock
}
