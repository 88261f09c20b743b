import Dispatch
import Foundation
import Synchronization

/// A small fixed set of threads that run tasks: a `TaskExecutor`, so a task started with it as
/// its preference (and the tasks it awaits) runs here rather than on the cooperative pool.
///
/// The HTTP server runs request handlers on one: a handler that blocks (decodes an image, waits
/// on a journal sync) occupies one worker, and the loop keeps accepting and reading meanwhile.
/// The engine folds commits on another, so CPU-heavy work on the cooperative pool never delays
/// the folds every write waits for. Threads live as long as the process.
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
    public static let shared = WorkerPool(threadCount: max(2, ProcessInfo.processInfo.activeProcessorCount), name: "http-worker")

    /// How many threads run jobs.
    public let threadCount: Int
    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)

    /// A pool of `threadCount` threads named `name-<index>`, started now (they live as long
    /// as the process).
    public init(threadCount: Int, name: String) {
        precondition(threadCount > 0, "a worker pool needs at least one thread")
        self.threadCount = threadCount
        for index in 0..<threadCount {
            let thread = Thread { [self] in self.run() }
            thread.name = "\(name)-\(index)"
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
