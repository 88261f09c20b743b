/// Runs async work over a list with at most `width` items at work at once, returning results in
/// the list's order: what `extract` and `library add` use so concurrent appends share group
/// commits.
enum OrderedTasks {
    /// `work` on every item, at most `width` at once.
    static func map<Element: Sendable, T: Sendable>(_ items: [Element], width: Int,
                                                    _ work: @escaping @Sendable (Element) async throws -> T) async throws -> [T] {
        try await map(items, width: width, prepare: work, finish: { $0 })
    }

    /// `prepare` on every item, at most `width` at once, then `finish` on what it gave as soon as
    /// it is ready. A finishing item does not count against `width` — `extract` keeps `width`
    /// files decoding while those decoded wait for their commit — but no item starts while
    /// `16 × width` are in `finish`, so a journal slower than the decoders does not pile up
    /// results without end.
    static func map<Element: Sendable, Prepared: Sendable, T: Sendable>(
        _ items: [Element], width: Int,
        prepare: @escaping @Sendable (Element) async throws -> Prepared,
        finish: @escaping @Sendable (Prepared) async throws -> T
    ) async throws -> [T] {
        try await withThrowingTaskGroup(of: Step<Prepared, T>.self) { group in
            var results = [T?](repeating: nil, count: items.count)
            var next = 0, preparing = 0, finishing = 0
            repeat {
                while next < items.count && preparing < width && finishing < 16 * width {
                    let index = next
                    group.addTask { .prepared(index, try await prepare(items[index])) }
                    next += 1
                    preparing += 1
                }
                guard let step = try await group.next() else { break }
                switch step {
                case .prepared(let index, let prepared):
                    preparing -= 1
                    finishing += 1
                    group.addTask { .finished(index, try await finish(prepared)) }
                case .finished(let index, let result):
                    finishing -= 1
                    results[index] = result
                }
            } while true
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
