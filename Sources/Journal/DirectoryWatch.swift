#if canImport(Glibc)
import Glibc
#endif

/// Waits for a journal folder to change, for a follower's reader thread: inotify on the folder
/// (a segment written, created or renamed into place), a timeout for filesystems where inotify
/// reports nothing (network and FUSE mounts), and a wake-up pipe another thread writes to end
/// a wait at once (cancellation).
///
/// Created before the follower's first scan, so a change made while it scans is queued and
/// ends its next wait: no wake-up is lost between "nothing new" and "wait". Owned by one
/// thread; only `wakeDescriptor` is shared, and `close` must not run while another thread may
/// still write to it.
final class DirectoryWatch {
    /// What ended a wait.
    enum Outcome: Equatable {
        /// inotify reported a change in the folder.
        case changed
        /// The timeout passed.
        case timedOut
        /// Someone wrote to the wake-up pipe.
        case woken
    }

    /// The events that can mean new frames or segments.
    static let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO)

    private let directory: String
    private let io: FileIO
    private var inotify: Int32
    private var isWatching = false
    private var wakeRead: Int32
    /// Write one byte here (`FileIO.writeWakeByte`) to end the current or next wait; −1 once closed.
    private(set) var wakeDescriptor: Int32

    /// A watch of `directory`. Throws only when the wake-up pipe cannot be made; without
    /// inotify (no instance left, or the folder does not exist yet) waits use the timeout and
    /// try to watch again each time.
    init(directory: String, io: FileIO) throws(JournalError) {
        self.directory = directory
        self.io = io
        (wakeRead, wakeDescriptor) = try io.makePipe()
        inotify = (try? io.makeInotify(path: directory)) ?? -1
        watchIfPossible()
    }

    deinit { close() }

    /// Closes the descriptors (also done on deinit, once); the watch is not waited on after.
    func close() {
        for fd in [inotify, wakeRead, wakeDescriptor] where fd >= 0 { io.close(fd) }
        (inotify, wakeRead, wakeDescriptor) = (-1, -1, -1)
        isWatching = false
    }

    private func watchIfPossible() {
        guard inotify >= 0, !isWatching else { return }
        isWatching = (try? io.addWatch(inotify, path: directory, mask: DirectoryWatch.mask)) != nil
    }

    /// Waits until the folder changes, `timeout` passes, or the pipe is written; reads the
    /// queued inotify events, so the next wait waits for new ones. The pipe is left as it is: a
    /// wake-up ends every later wait too.
    func wait(timeout: Duration) throws(JournalError) -> Outcome {
        precondition(wakeRead >= 0, "a closed watch is not waited on")
        watchIfPossible()
        var descriptors = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        if isWatching { descriptors.append(pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)) }
        let milliseconds = Int32(clamping: max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        let ready = try io.poll(&descriptors, timeoutMilliseconds: milliseconds, path: directory)
        if descriptors[0].revents != 0 { return .woken }
        guard ready > 0 else { return .timedOut }
        let events = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { events.deallocate() }
        while try io.readAvailable(inotify, into: events, path: directory) > 0 {}
        return .changed
    }
}
