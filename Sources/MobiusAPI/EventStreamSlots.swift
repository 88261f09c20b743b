import Synchronization

/// The `GET /api/events` streams open now, held under a limit. Each stream has a reader thread
/// of its own with its buffers (about a megabyte, more while it reads a large frame), and a
/// client that stops reading holds them as long as its connection stays: without a limit,
/// a thousand stalled `follow=1` clients of anyone could hold a thousand threads and gigabytes.
final class EventStreamSlots: Sendable {
    private let open = Atomic<Int>(0)

    /// No stream open.
    init() {}

    /// A slot, or nil when `limit` are taken. The slot is given back when the last reference
    /// to it goes (the stream ended, or its response was dropped unsent, as for HEAD).
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

    /// One open stream's place; its deinit gives it back.
    final class Slot: Sendable {
        private let slots: EventStreamSlots
        fileprivate init(_ slots: EventStreamSlots) { self.slots = slots }
        deinit { slots.open.subtract(1, ordering: .acquiringAndReleasing) }
    }
}
