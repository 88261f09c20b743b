/// Runs async work over a list with at most `width` items in flight, returning results in the
/// list's order: what `extract` and `library add` use so concurrent appends share group commits.
enum OrderedTasks {
    static func map<Element: Sendable, T: Sendable>(_ items: [Element], width: Int,
                                                    _ work: @escaping @Sendable (Element) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: items.count)
            var next = 0
            while next < min(width, items.count) {
                let index = next
                group.addTask { (index, try await work(items[index])) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < items.count {
                    let index = next
                    group.addTask { (index, try await work(items[index])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
