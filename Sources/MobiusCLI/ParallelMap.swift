import Dispatch
import Synchronization

/// Runs a function over `0..<count` on a few threads and hands the results back in index order,
/// each as soon as it and all before it are done.
package enum ParallelMap {
    /// Calls `work` for every index on up to `workers` threads; calls `deliver` on the calling
    /// thread, in index order.
    package static func run<Result: Sendable>(
        count: Int, workers: Int,
        work: @escaping @Sendable (Int) -> Result,
        deliver: (Int, Result) -> Void
    ) {
        let state = Shared<Result>(count: count)
        let threads = max(1, min(workers, count))
        for _ in 0..<threads {
            DispatchQueue.global().async {
                while let index = state.claim() {
                    state.store(work(index), at: index)
                }
            }
        }
        for index in 0..<count {
            deliver(index, state.take(index))
        }
    }

    private final class Shared<Result: Sendable>: Sendable {
        private struct Slots {
            var next = 0
            var results: [Result?]
        }

        private let slots: Mutex<Slots>
        private let finished = DispatchSemaphore(value: 0)
        private let count: Int

        init(count: Int) {
            self.count = count
            slots = Mutex(Slots(results: Array(repeating: nil, count: count)))
        }

        func claim() -> Int? {
            slots.withLock { slots in
                guard slots.next < count else { return nil }
                defer { slots.next += 1 }
                return slots.next
            }
        }

        func store(_ result: Result, at index: Int) {
            slots.withLock { $0.results[index] = result }
            finished.signal()
        }

        /// Waits until result `index` is stored, then removes and returns it.
        func take(_ index: Int) -> Result {
            while true {
                if let result = slots.withLock({ slots -> Result? in
                    defer { slots.results[index] = nil }
                    return slots.results[index]
                }) {
                    return result
                }
                finished.wait()
            }
        }
    }
}
