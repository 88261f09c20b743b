/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny seeded generator, so the benchmarks' workloads
/// and event streams are the same on every machine and every run.
///
/// The same algorithm as the test kit's `SeededGenerator`, kept apart because the command line
/// must not depend on test code. Not for anything that must be unpredictable.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// Starts from `seed`; every seed, zero included, gives a full-period sequence.
    init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
