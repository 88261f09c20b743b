// The Hamming-distance scan compiled with POPCNT. This module alone is built with `-mpopcnt`
// (Package.swift): the project's baseline (x86-64 without it) turns `nonzeroBitCount` into a
// dozen shifts and masks, which made matching against a library about four times slower.
// Callers check `PopcountScan.isAvailable` first; `HammingIndex` keeps the portable scan.

#if arch(x86_64)
import CPUFeatures
#endif

/// The nearest-hash scan on the CPU's POPCNT instruction.
public enum PopcountScan {
    /// Whether this CPU has POPCNT (every x86-64 CPU since about 2008 does).
    #if arch(x86_64)
    public static let isAvailable = CPUFeatures.has("popcnt")
    #else
    public static let isAvailable = false
    #endif

    /// The position and distance of the hash in `hashes` closest to `query` (the first of equals),
    /// skipping positions `isRemoved` marks (it is empty or as long as `hashes`); position -1
    /// when every position is skipped or there is none. Call only when `isAvailable`.
    ///
    /// `HammingIndex.nearest` has the same loop for CPUs without POPCNT: keep the two alike.
    public static func nearest(to query: UInt64, in hashes: UnsafeBufferPointer<UInt64>,
                               skipping isRemoved: UnsafeBufferPointer<Bool>) -> (position: Int, distance: Int) {
        precondition(isAvailable, "the POPCNT scan is used only where the CPU has POPCNT")
        var bestPosition = -1
        var bestDistance = Int.max
        for position in 0..<hashes.count {
            let distance = (hashes[position] ^ query).nonzeroBitCount
            // Improvements are rare (about ln n of them), so the tombstone check sits here,
            // off the scan's fast path.
            if distance < bestDistance && (isRemoved.isEmpty || !isRemoved[position]) {
                bestDistance = distance
                bestPosition = position
                if distance == 0 { break }
            }
        }
        return (bestPosition, bestDistance)
    }
}
