#if canImport(Glibc)
import Glibc
#endif

/// inotify: learn that files or folders changed, e.g. to follow a journal another process writes.
///
/// An inotify descriptor is readable (in epoll) when events are queued; `readEvents(from:)`
/// takes them. The kernel drops events when its queue overflows and says so with `.overflowed`:
/// a follower then rescans, so inotify is a wake-up, never the record of what changed.
extension Kernel {
    /// Creates an inotify descriptor (close-on-exec, non-blocking).
    public func makeInotify() throws(SystemError) -> FileDescriptor {
        let fd = try invoke("inotify_init1") { calls.inotifyInit1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK)) }
            .orThrow { SystemError(code: $0, operation: "inotify_init1") }
        return FileDescriptor(rawValue: fd)
    }

    /// Watches `path` for `events`; watching the same path again replaces its mask and returns the same watch.
    ///
    /// ENOSPC here means the per-user watch limit (`fs.inotify.max_user_watches`), not a full disk.
    public func addWatch(to inotify: FileDescriptor, for path: FilePath, events: InotifyEvent.Mask) throws(SystemError) -> InotifyEvent.Watch {
        let watch = try invoke("inotify_add_watch", on: inotify) { calls.inotifyAddWatch(inotify.rawValue, path, events.rawValue) }
            .orThrow { SystemError(code: $0, operation: "inotify_add_watch", path: path, descriptor: inotify) }
        return InotifyEvent.Watch(rawValue: watch)
    }

    /// Stops `watch` (an `.ignored` event follows).
    public func removeWatch(_ watch: InotifyEvent.Watch, from inotify: FileDescriptor) throws(SystemError) {
        try invoke("inotify_rm_watch", on: inotify) { calls.inotifyRemoveWatch(inotify.rawValue, watch.rawValue) }
            .orThrow { SystemError(code: $0, operation: "inotify_rm_watch", descriptor: inotify) }
    }

    /// The events queued now, oldest first; empty when there are none (the descriptor would block).
    public func readEvents(from inotify: FileDescriptor) throws(SystemError) -> [InotifyEvent] {
        // Room for many events and at least one with the longest name (NAME_MAX + NUL), as read() requires.
        let capacity = 64 * (InotifyEvent.headerSize + 256)
        var events: [InotifyEvent] = []
        let failure: SystemError? = withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 8) { buffer in
            do throws(SystemError) {
                switch try read(from: inotify, into: buffer) {
                case .bytes(let count): events = InotifyEvent.parse(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                case .endOfStream, .wouldBlock: break
                }
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        return events
    }
}
