import Synchronization

/// A count of things under way — `GET /api/events` streams, point-in-time replays — held under
/// a limit, so that what anyone may ask for cannot take more than its share of the process.
///
/// An event stream has a reader thread of its own with its buffers (about a megabyte, more
/// while it reads a large frame), held as long as its client keeps the connection: without a
/// limit, a thousand stalled `follow=1` clients could hold a thousand threads and gigabytes. A
/// replay reads the journal from a snapshot on: a few at once is all its one thread can serve.
final class Slots: Sendable {
    private let open = Atomic<Int>(0)

    /// None taken.
    init() {}

    /// A slot, or nil when `limit` are taken. The slot is given back when the last reference
    /// to it goes (a stream ended, or its response was dropped unsent, as for HEAD).
    func take(limit: Int) -> Slot? {
        var current = open.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = open.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return Slot(self) }
            current = original
        }
        return nil
    }

    /// How many slots are taken.
    var count: Int { open.load(ordering: .relaxed) }

    /// One place taken; its deinit gives it back.
    final class Slot: Sendable {
        private let slots: Slots
        fileprivate init(_ slots: Slots) { self.slots = slots }
        deinit { slots.open.subtract(1, ordering: .acquiringAndReleasing) }
    }
}
