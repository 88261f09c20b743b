/// Which snapshots retention removes: a pure rule over the folder's listing.
///
/// Kept: the newest `newest`; every one a deployment or rollback references; and, older than
/// the newest, a history of one per `historySpacing` events — walking back from the oldest of
/// the newest, a snapshot is kept when it lies at least `historySpacing` events before the last
/// one kept. With a snapshot every 100,000 events and a spacing of 200,000, every second one
/// stays, so a replay to any past point starts less than 200,000 events before it.
public struct SnapshotRetention: Sendable, Equatable {
    /// Snapshots kept at the head.
    public var newest: Int
    /// Events between kept history snapshots (0: no history).
    public var historySpacing: UInt64

    /// The rule with these limits.
    public init(newest: Int, historySpacing: UInt64) {
        self.newest = newest
        self.historySpacing = historySpacing
    }

    /// The ids to remove from `listings` (id and seq, newest first), never one in `referenced`.
    public func removable(from listings: [(id: String, seq: UInt64)], referenced: Set<String>) -> [String] {
        var removed: [String] = []
        var lastKept: UInt64?
        for (index, listing) in listings.enumerated() {
            let isHistory = historySpacing > 0 && lastKept.map { $0 >= listing.seq && $0 - listing.seq >= historySpacing } ?? true
            if index < max(0, newest) || isHistory {
                lastKept = listing.seq
            } else if !referenced.contains(listing.id) {
                removed.append(listing.id)
            }
        }
        return removed
    }
}
