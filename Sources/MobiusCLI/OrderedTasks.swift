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
    /// `finish` on each prepared item at once, as a task of its own. A worker prepares nothing
    /// more while 16 of its items are in `finish` (its preparer keeps what it holds meanwhile),
    /// so a journal slower than the decoders does not pile up results without end; and it
    /// yields between items, so that `finish` tasks run while the workers keep the threads busy.
    ///
    /// `extract` runs a file scanner per worker (`Engine.scanFiles`): two files at a time each,
    /// their SHA-256s side by side; matching and recording are the `finish`.
    static func map<Element: Sendable, Preparer: IteratorProtocol, Prepared: Sendable, T: Sendable>(
        _ items: [Element], workers: Int,
        preparer: @escaping @Sendable (_ claim: @escaping @Sendable () -> (index: Int, element: Element)?) -> Preparer,
        finish: @escaping @Sendable (Prepared) async throws -> T
    ) async throws -> [T] where Preparer.Element == (Int, Prepared) {
        let claimed = Atomic<Int>(0)
        let claim: @Sendable () -> (index: Int, element: Element)? = {
            let index = claimed.add(1, ordering: .relaxed).oldValue
            return index < items.count ? (index, items[index]) : nil
        }
        return try await withThrowingTaskGroup(of: [(Int, T)].self) { workerGroup in
            for _ in 0..<workers {
                workerGroup.addTask { try await work(preparer(claim), finish: finish) }
            }
            var results = [T?](repeating: nil, count: items.count)
            while let finished = try await workerGroup.next() {
                for (index, result) in finished { results[index] = result }
            }
            return results.map { $0! }
        }
    }

    /// One worker of `map(_:workers:preparer:finish:)`: what `finish` gave for each item
    /// `preparer` prepared, with its index.
    private static func work<Preparer: IteratorProtocol, Prepared: Sendable, T: Sendable>(
        _ preparer: consuming Preparer, finish: @escaping @Sendable (Prepared) async throws -> T
    ) async throws -> [(Int, T)] where Preparer.Element == (Int, Prepared) {
        var preparer = preparer
        return try await withThrowingTaskGroup(of: (Int, T).self) { finishing in
            var results: [(Int, T)] = [], unfinished = 0
            while let (index, prepared) = preparer.next() {
                try Task.checkCancellation()
                if unfinished == 16, let result = try await finishing.next() {
                    results.append(result)
                    unfinished -= 1
                }
                finishing.addTask { (index, try await finish(prepared)) }
                unfinished += 1
                await Task.yield()
            }
            while let result = try await finishing.next() { results.append(result) }
            return results
        }
    }
}
