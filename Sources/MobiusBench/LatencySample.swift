#if canImport(Glibc)
import Glibc
#endif

/// Latencies of repeated operations and their percentiles, for the benchmarks.
struct LatencySample {
    private(set) var nanoseconds: [UInt64] = []

    /// A monotonic clock reading in ns.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    mutating func record(_ duration: UInt64) { nanoseconds.append(duration) }

    mutating func merge(_ other: LatencySample) { nanoseconds += other.nanoseconds }

    /// The sample at index ⌊q·n⌋ of the sorted latencies, in ms.
    func percentileMilliseconds(_ q: Double) -> Double {
        guard !nanoseconds.isEmpty else { return 0 }
        let sorted = nanoseconds.sorted()
        return Double(sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))]) / 1e6
    }
}
