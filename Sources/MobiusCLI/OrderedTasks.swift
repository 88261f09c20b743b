import Synchronization

/// Runs async work over a list with a bounded number of items at work at once, returning
/// results in the list's order: what `extract` and `library add` use so concurrent appends
/// share group commits.
enum OrderedTasks {
    /// `work` on every item, at most `width` at once.
    static func map<Element: Sendable, T: Sendable>(_ items: [Element], width: Int,
                                                    _ work: @escaping @Sendable (Element) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: items.count)
            for (index, item) in items.enumerated() {
                if index >= width, let (done, result) = try await group.next() { results[done] = result }
                group.addTask { (index, try await work(item)) }
            }
            while let (done, result) = try await group.next() { results[done] = result }
            return results.map { $0! }
        }
    }

    /// Prepares the items on `workers` tasks, each pulling from `preparer(claim)` — an iterator
    /// that claims items as it needs them and gives them back prepared, in any order — and runs
    /// `finish` on each prepared item at once, as a task of its own; hands each result to
    /// `deliver` in the list's order as soon as every earlier one is in, one call at a time.
    /// A worker prepares nothing more while 16 of its items are in `finish` (its preparer keeps
    /// what it holds meanwhile), so a journal slower than the decoders does not pile up results
    /// without end; and it yields between items, so that `finish` tasks run while the workers
    /// keep the threads busy.
    ///
    /// `extract` runs a file scanner per worker (`Engine.scanFiles`): two files at a time each,
    /// their SHA-256s side by side; matching and recording are the `finish`, printing its line
    /// the `deliver`.
    static func map<Element: Sendable, Preparer: IteratorProtocol, Prepared: Sendable, T: Sendable>(
        _ items: [Element], workers: Int,
        preparer: @escaping @Sendable (_ claim: @escaping @Sendable () -> (index: Int, element: Element)?) -> Preparer,
        finish: @escaping @Sendable (Prepared) async throws -> T,
        deliver: @escaping @Sendable (Int, T) -> Void
    ) async throws where Preparer.Element == (Int, Prepared) {
        let claimed = Atomic<Int>(0)
        let claim: @Sendable () -> (index: Int, element: Element)? = {
            let index = claimed.add(1, ordering: .relaxed).oldValue
            return index < items.count ? (index, items[index]) : nil
        }
        let delivery = InOrderDelivery(deliver)
        try await withThrowingTaskGroup(of: Void.self) { workerGroup in
            for _ in 0..<workers {
                workerGroup.addTask { try await work(preparer(claim), finish: finish, delivery: delivery) }
            }
            try await workerGroup.waitForAll()
        }
    }

    /// One worker of `map(_:workers:preparer:finish:deliver:)`: `finish` on each item
    /// `preparer` prepares, each result handed to `delivery` as soon as it is in.
    private static func work<Preparer: IteratorProtocol, Prepared: Sendable, T: Sendable>(
        _ preparer: consuming Preparer, finish: @escaping @Sendable (Prepared) async throws -> T, delivery: InOrderDelivery<T>
    ) async throws where Preparer.Element == (Int, Prepared) {
        var preparer = preparer
        try await withThrowingTaskGroup(of: Void.self) { finishing in
            var unfinished = 0
            while let (index, prepared) = preparer.next() {
                try Task.checkCancellation()
                if unfinished == 16 {
                    try await finishing.next()
                    unfinished -= 1
                }
                finishing.addTask { delivery.put(index, try await finish(prepared)) }
                unfinished += 1
                await Task.yield()
            }
            try await finishing.waitForAll()
        }
    }
}

/// Hands results numbered 0, 1, 2, … to a closure in that order, whatever order they arrive
/// in: each as soon as all before it have been handed on, one call at a time.
private final class InOrderDelivery<T: Sendable>: Sendable {
    private let state = Mutex((next: 0, waiting: [Int: T]()))
    private let deliver: @Sendable (Int, T) -> Void

    init(_ deliver: @escaping @Sendable (Int, T) -> Void) {
        self.deliver = deliver
    }

    /// Takes result `index`, and hands on every result now next in line.
    func put(_ index: Int, _ result: T) {
        state.withLock { state in
            state.waiting[index] = result
            while let ready = state.waiting.removeValue(forKey: state.next) {
                deliver(state.next, ready)
                state.next += 1
            }
        }
    }
}
