/// An open file, folder, socket, pipe, epoll, eventfd or inotify descriptor: the kernel's number for it.
///
/// A plain value: copying it does not duplicate the descriptor, and dropping it does not close
/// it. Whoever opened it closes it exactly once, with `close()` or `Kernel.close(_:)`; using it
/// afterwards is a bug that the funnel stops with a precondition (EBADF), because the number may
/// already name another file.
public struct FileDescriptor: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The kernel's descriptor number.
    public let rawValue: Int32

    /// Wraps a descriptor number obtained elsewhere (inherited, or from a C API).
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Descriptor 0.
    public static let standardInput = FileDescriptor(rawValue: 0)
    /// Descriptor 1.
    public static let standardOutput = FileDescriptor(rawValue: 1)
    /// Descriptor 2.
    public static let standardError = FileDescriptor(rawValue: 2)

    /// Closes the descriptor through the live call table (see `Kernel.close(_:)` for the rules).
    ///
    /// Code whose closing must be visible to injected faults calls `close(_:)` on its `Kernel`.
    public func close() throws(SystemError) {
        try Kernel.live.close(self)
    }

    /// "descriptor 7".
    public var description: String { "descriptor \(rawValue)" }
}
