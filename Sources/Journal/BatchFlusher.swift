#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Synchronization

/// The thread behind `.batch` durability: after a write leaves bytes unsynced it waits one
/// `batchSyncInterval` and syncs them (through `sync`, which takes the writer's I/O role).
///
/// It sleeps on a semaphore while nothing is unsynced — an idle writer costs no wake-ups — and
/// is woken by `arm()` at most once per unsynced stretch.
final class BatchFlusher: Sendable {
    private let interval: Duration
    private let wake = DispatchSemaphore(value: 0)
    private let isArmed = Atomic<Bool>(false)
    private let isStopped = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)

    /// A flusher syncing `interval` after the first unsynced write.
    init(interval: Duration) { self.interval = interval }

    /// Starts the thread; `sync` returns false when it could not sync yet (I/O role busy).
    func start(_ sync: @escaping @Sendable () -> Bool) {
        let thread = Thread { [self] in
            Thread.current.name = "journal-flush"
            defer { exited.signal() }
            while true {
                wake.wait()
                while true {
                    Thread.sleep(forTimeInterval: interval.seconds)
                    if isStopped.load(ordering: .acquiring) { return }
                    // Writes from here on arm again, so none is left unsynced by this pass.
                    isArmed.store(false, ordering: .releasing)
                    if sync() { break }
                    isArmed.store(true, ordering: .releasing)
                }
                if isStopped.load(ordering: .acquiring) { return }
            }
        }
        thread.start()
    }

    /// A write left bytes unsynced: sync them within one interval.
    func arm() {
        if isArmed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged { wake.signal() }
    }

    /// Ends the thread and waits for it (the writer's `close` syncs what is left).
    func stop() {
        isStopped.store(true, ordering: .releasing)
        wake.signal()
        exited.wait()
    }
}
