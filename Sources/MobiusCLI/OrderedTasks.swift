/// Runs async work over a list with at most `width` items in flight, returning results in the
/// list's order: what `extract` and `library add` use so concurrent appends share group commits.
enum OrderedTasks {
    /// `work` on every item, at most `width` at once.
    static func map<Element: Sendable, T: Sendable>(_ items: [Element], width: Int,
                                                    _ work: @escaping @Sendable (Element) async throws -> T) async throws -> [T] {
        try await map(items, width: width, prepare: work, finish: { $0 })
    }

    /// `prepare` on every item, at most `width` at once, then `finish` on what it gave as soon as
    /// it is ready. A finishing item does not count against `width`: `extract` keeps `width`
    /// files decoding while those decoded wait for their commit.
    static func map<Element: Sendable, Prepared: Sendable, T: Sendable>(
        _ items: [Element], width: Int,
        prepare: @escaping @Sendable (Element) async throws -> Prepared,
        finish: @escaping @Sendable (Prepared) async throws -> T
    ) async throws -> [T] {
        try await withThrowingTaskGroup(of: Step<Prepared, T>.self) { group in
            var results = [T?](repeating: nil, count: items.count)
            var next = 0
            while next < min(width, items.count) {
                let index = next
                group.addTask { .prepared(index, try await prepare(items[index])) }
                next += 1
            }
            while let step = try await group.next() {
                switch step {
                case .prepared(let index, let prepared):
                    group.addTask { .finished(index, try await finish(prepared)) }
                    if next < items.count {
                        let index = next
                        group.addTask { .prepared(index, try await prepare(items[index])) }
                        next += 1
                    }
                case .finished(let index, let result):
                    results[index] = result
                }
            }
            return results.map { $0! }
        }
    }

    /// What a child task of `map(_:width:prepare:finish:)` hands back: item `index` prepared or
    /// finished.
    private enum Step<Prepared: Sendable, T: Sendable>: Sendable {
        case prepared(Int, Prepared)
        case finished(Int, T)
    }
}
