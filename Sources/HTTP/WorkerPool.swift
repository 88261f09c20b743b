import Dispatch
import Foundation
import Synchronization

/// A small fixed set of threads that run request handlers: a `TaskExecutor`, so a handler's
/// task and the tasks it awaits run here rather than on the event loop or the cooperative pool.
///
/// A handler that blocks (decodes an image, waits on a journal sync) occupies one worker, and
/// the loop keeps accepting and reading meanwhile. Threads live as long as the process; servers
/// share `shared` unless given their own.
public final class WorkerPool: TaskExecutor, Sendable {
    /// Jobs waiting, oldest first, as a growable ring (`head` is the next to run).
    private struct Queue: Sendable {
        var jobs: [UnownedJob] = []
        var head = 0

        mutating func push(_ job: UnownedJob) {
            if head > 64, head * 2 > jobs.count {
                jobs.removeSubrange(0..<head)
                head = 0
            }
            jobs.append(job)
        }

        mutating func pop() -> UnownedJob {
            defer { head += 1 }
            return jobs[head]
        }
    }

    /// The pool servers use by default: as many threads as processors, at least two.
    public static let shared = WorkerPool(threadCount: max(2, ProcessInfo.processInfo.activeProcessorCount))

    /// How many threads run jobs.
    public let threadCount: Int
    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)

    /// A pool of `threadCount` threads, started now (they live as long as the process).
    public init(threadCount: Int) {
        precondition(threadCount > 0, "a worker pool needs at least one thread")
        self.threadCount = threadCount
        for index in 0..<threadCount {
            let thread = Thread { [self] in self.run() }
            thread.name = "http-worker-\(index)"
            thread.start()
        }
    }

    /// Runs `job` on one of the threads (called by the concurrency runtime).
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.push(job) }
        available.signal()
    }

    private func run() {
        while true {
            available.wait()
            let job = queue.withLock { $0.pop() }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
