@testable import MobiusCLI
import Synchronization
import Testing

/// The maps `extract` and `library add` run on: results in the list's order, every item done
/// once, work in flight bounded.
@Suite struct OrderedTasksTests {
    /// The most at once of a count that goes up and down.
    private final class Peak: Sendable {
        private let counts = Mutex((now: 0, most: 0))
        func enter() { counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
        func leave() { counts.withLock { $0.now -= 1 } }
        var most: Int { counts.withLock { $0.most } }
    }

    /// Claims two items at a time, as the file scanner does, and gives them back the second
    /// first: prepared out of order.
    private struct PairPreparer: IteratorProtocol {
        let claim: @Sendable () -> (index: Int, element: Int)?
        var held: [(index: Int, element: Int)] = []

        mutating func next() -> (Int, Int)? {
            if held.isEmpty { while held.count < 2, let item = claim() { held.append(item) } }
            guard let item = held.popLast() else { return nil }
            return (item.index, item.element * 2)
        }
    }

    @Test(arguments: [1, 3])
    func theWorkerMapDeliversInOrderAsItGoesAndBoundsWhatWaitsInFinish(workers: Int) async throws {
        let finishing = Peak(), finished = Mutex([Int]())
        // What was delivered, and how many items had finished when the first was.
        let delivered = Mutex((results: [String](), finishedAtFirst: -1))
        let items = Array(0..<300)
        try await OrderedTasks.map(items, workers: workers, preparer: { PairPreparer(claim: $0) }, finish: { prepared in
            finishing.enter()
            defer { finishing.leave() }
            // Slower than preparing, so finishing items pile up to the bound.
            try await Task.sleep(for: .milliseconds(Int.random(in: 2...8)))
            finished.withLock { $0.append(prepared / 2) }
            return "\(prepared)"
        }, deliver: { index, result in
            let count = finished.withLock { $0.count }
            delivered.withLock { delivered in
                #expect(index == delivered.results.count, "delivered in the list's order")
                if delivered.results.isEmpty { delivered.finishedAtFirst = count }
                delivered.results.append(result)
            }
        })
        #expect(delivered.withLock { $0.results } == items.map { "\($0 * 2)" })
        #expect(finished.withLock { $0.sorted() } == items, "every item is finished exactly once")
        #expect(delivered.withLock { $0.finishedAtFirst } < items.count / 2, "the first result is delivered long before the last is done")
        #expect(finishing.most <= 16 * workers && finishing.most > workers, "finishing peaked at \(finishing.most)")
    }

    @Test func theSlidingMapKeepsTheOrderAndTheWidth() async throws {
        let working = Peak()
        let results = try await OrderedTasks.map(Array(0..<100), width: 3) { item in
            working.enter()
            defer { working.leave() }
            try await Task.sleep(for: .microseconds(Int.random(in: 0...500)))
            return item + 1
        }
        #expect(results == Array(1...100))
        #expect(working.most == 3)
    }

    @Test func aFailureIsThrownAndAnEmptyListGivesNothing() async throws {
        struct Refused: Error {}
        let delivered = Mutex([Int]())
        await #expect(throws: Refused.self) {
            try await OrderedTasks.map(Array(0..<50), workers: 2, preparer: { PairPreparer(claim: $0) }, finish: { item in
                if item == 28 { throw Refused() }
                return item / 2
            }, deliver: { index, _ in delivered.withLock { $0.append(index) } })
        }
        // Item 14 failed (its prepared value is 28): nothing from it on is delivered.
        #expect(delivered.withLock { $0.allSatisfy { $0 < 14 } }, "delivered \(delivered.withLock { $0 })")
        await #expect(throws: Refused.self) {
            _ = try await OrderedTasks.map(Array(0..<10), width: 2) { item in if item == 7 { throw Refused() }; return item }
        }
        try await OrderedTasks.map([Int](), workers: 2, preparer: { PairPreparer(claim: $0) }, finish: { $0 },
                                   deliver: { _, _ in Issue.record("an empty list delivers nothing") })
        #expect(try await OrderedTasks.map([Int](), width: 2) { $0 }.isEmpty)
    }
}
