import Foundation

/// A follower's reader thread: walks the journal as `JournalReader.read` does, sends each
/// accepted event into the channel (waiting while it is full), and at the end or a torn tail
/// waits on a `DirectoryWatch` and reads on — until the consumer is gone, the filter's range
/// ends, or damage or an error ends it, which it passes to the channel.
struct FollowerPump: Sendable {
    let directory: String
    let io: FileIO
    let filter: EventFilter
    let channel: FollowerChannel
    let pollInterval: Duration
    let observer: FollowerObserver

    /// Runs the pump on a thread of its own.
    func start() {
        observer.threadsStarted.add(1, ordering: .relaxed)
        let thread = Thread { [self] in
            channel.finish(follow())
            observer.threadsExited.add(1, ordering: .relaxed)
        }
        thread.name = "journal-follower"
        thread.start()
    }

    /// Follows until there is nothing more to do; returns how it ended. The watch is made
    /// before the first scan, so nothing written meanwhile is missed, and closed (after the
    /// channel forgets its waker) before returning.
    private func follow() -> Result<Void, JournalError> {
        let watch: DirectoryWatch
        do throws(JournalError) {
            watch = try DirectoryWatch(directory: directory, io: io)
        } catch {
            return .failure(error)
        }
        defer {
            channel.clearWaker()
            watch.close()
        }
        let wakeDescriptor = watch.wakeDescriptor
        guard channel.setWaker({ [io] in io.writeWakeByte(wakeDescriptor) }) else { return .success(()) }
        do {
            let walk = try FrameWalk(directory: directory, io: io, filter: filter)
            let summary = try walk.run(waitingForMore: {
                guard !channel.isCancelled else { return false }
                observer.folderWaits.add(1, ordering: .relaxed)
                _ = try watch.wait(timeout: pollInterval)
                return !channel.isCancelled
            }) { scanned, segment in
                try walk.forEachAcceptedEvent(in: scanned, of: segment) { channel.send($0) }
            }
            if let damage = summary.damage, !channel.isCancelled {
                return .failure(damage.readError(directory: directory, "following stopped at damage"))
            }
            return .success(())
        } catch let error as JournalError {
            return .failure(error)
        } catch {
            return .failure(JournalError(.io, "following stopped: \(error)", path: directory))
        }
    }
}
