// What calls on non-blocking descriptors return: "would block" (EAGAIN) is an ordinary answer
// there — the event loop waits for readiness and comes back — so it is a case, not an error.

/// What one `accept` on a non-blocking listening socket produced.
public enum AcceptOutcome: Sendable, Hashable {
    /// A new connection: its socket (non-blocking, close-on-exec) and the peer's address when it is IPv4 or IPv6.
    case accepted(FileDescriptor, peer: SocketAddress?)
    /// No connection is waiting; wait for readability of the listener.
    case wouldBlock
}
