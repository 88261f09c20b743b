#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// What an epoll registration waits for, and what a wait reports.
public struct EpollEvents: OptionSet, Sendable, Hashable {
    /// The `EPOLL…` bits.
    public let rawValue: UInt32

    /// Wraps `EPOLL…` bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `EPOLLIN`: there is something to read (or accept, or end of stream).
    public static let readable = EpollEvents(rawValue: EPOLLIN.rawValue)
    /// `EPOLLOUT`: there is room to write (or a non-blocking connect finished).
    public static let writable = EpollEvents(rawValue: EPOLLOUT.rawValue)
    /// `EPOLLRDHUP`: the peer shut down its writing side.
    public static let peerClosedWriting = EpollEvents(rawValue: EPOLLRDHUP.rawValue)
    /// `EPOLLHUP`: both directions are closed (always reported, never needs asking).
    public static let hangUp = EpollEvents(rawValue: EPOLLHUP.rawValue)
    /// `EPOLLERR`: an error is pending on the descriptor (always reported).
    public static let error = EpollEvents(rawValue: EPOLLERR.rawValue)
    /// `EPOLLET`: edge-triggered: report changes only; the caller must drain until would-block.
    public static let edgeTriggered = EpollEvents(rawValue: EPOLLET.rawValue)
    /// `EPOLLONESHOT`: report once, then disarm until `modify` re-arms it.
    public static let oneShot = EpollEvents(rawValue: EPOLLONESHOT.rawValue)
}
