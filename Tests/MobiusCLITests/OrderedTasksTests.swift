@testable import MobiusCLI
import Synchronization
import Testing

/// The two-stage map `extract` runs on: results in the list's order, at most `width` items
/// preparing, at most 16 × `width` waiting in `finish`.
@Suite struct OrderedTasksTests {
    /// The most at once of a count that goes up and down.
    private final class Peak: Sendable {
        private let counts = Mutex((now: 0, most: 0))
        func enter() { counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
        func leave() { counts.withLock { $0.now -= 1 } }
        var most: Int { counts.withLock { $0.most } }
    }

    @Test(arguments: [1, 3])
    func resultsKeepTheOrderAndBothStagesStayBounded(width: Int) async throws {
        let preparing = Peak(), finishing = Peak()
        let items = Array(0..<200)
        let results = try await OrderedTasks.map(items, width: width, prepare: { item in
            preparing.enter()
            defer { preparing.leave() }
            try await Task.sleep(for: .microseconds(Int.random(in: 0...300)))
            return item * 2
        }, finish: { prepared in
            finishing.enter()
            defer { finishing.leave() }
            // Slower than preparing, so finishing items pile up to the bound.
            try await Task.sleep(for: .milliseconds(Int.random(in: 5...15)))
            return "\(prepared)"
        })
        #expect(results == items.map { "\($0 * 2)" })
        #expect(preparing.most <= width)
        // New items start only below 16 × width finishing; those already preparing may add width more.
        #expect(finishing.most <= 17 * width && finishing.most > width, "finishing peaked at \(finishing.most)")
    }

    @Test func aFailureInEitherStageIsThrown() async throws {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await OrderedTasks.map(Array(0..<10), width: 2, prepare: { item in if item == 7 { throw Refused() }; return item }, finish: { $0 })
        }
        await #expect(throws: Refused.self) {
            _ = try await OrderedTasks.map(Array(0..<10), width: 2, prepare: { $0 }, finish: { item in if item == 3 { throw Refused() }; return item })
        }
        #expect(try await OrderedTasks.map([Int](), width: 2, prepare: { $0 }, finish: { $0 }).isEmpty)
    }
}
