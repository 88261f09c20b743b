/// Which snapshots retention removes: a pure rule over the folder's listing.
///
/// Kept: the newest `newest`; every one a deployment or rollback references; and a history of
/// the oldest snapshot in each span of `historySpacing` seqs (seq ÷ spacing), so a replay to any
/// past point starts less than two spacings before it — with a snapshot every 100,000 events and
/// a spacing of 200,000, less than 200,000 before it. The history is the *oldest* of each span so
/// that the rule gives the same answer whenever it runs: a later snapshot never displaces it.
/// (A rule relative to the newest snapshots removed each history snapshot in turn as the head
/// moved on.)
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
        var history = Set<String>()
        if historySpacing > 0 {
            var spansSeen = Set<UInt64>()
            for listing in listings.reversed() where spansSeen.insert(listing.seq / historySpacing).inserted {
                history.insert(listing.id)
            }
        }
        return listings.dropFirst(max(0, newest)).map(\.id).filter { !history.contains($0) && !referenced.contains($0) }
    }
}
