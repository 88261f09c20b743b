/// The confidence of a match between two 64-bit hashes, and the distance a confidence allows.
///
/// confidence = 1 − d / 64; the largest distance accepted at confidence c = ⌊(1 − c) · 64⌋.
/// Both refuse input outside their domain rather than clamping it.
public enum MatchConfidence {
    /// Bits in the hashes these formulas are defined for.
    public static let bitCount = 64

    /// `1 − distance / 64`, for `distance` in 0 … 64.
    public static func confidence(forDistance distance: Int) throws(HashComparisonError) -> Double {
        guard (0...bitCount).contains(distance) else {
            throw HashComparisonError(.distanceOutOfRange, "a Hamming distance between 64-bit hashes is 0 … 64, not \(distance)")
        }
        return 1 - Double(distance) / Double(bitCount)
    }

    /// `⌊(1 − confidence) · 64⌋`, for `confidence` in 0 … 1.
    public static func maxDistance(atConfidence confidence: Double) throws(HashComparisonError) -> Int {
        guard confidence >= 0 && confidence <= 1 else {
            throw HashComparisonError(.confidenceOutOfRange, "a confidence is a number from 0 to 1, not \(confidence)")
        }
        return Int(((1 - confidence) * Double(bitCount)).rounded(.down))
    }
}
