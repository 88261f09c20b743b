/// Why two hashes could not be compared, or a distance or confidence was out of range.
public struct HashComparisonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The closed set of reasons.
    public enum Code: String, Sendable {
        /// The hashes cover different numbers of bits.
        case sizeMismatch
        /// A Hamming distance outside 0 … bit count.
        case distanceOutOfRange
        /// A confidence outside 0 … 1, or not a number.
        case confidenceOutOfRange
    }

    /// What is wrong.
    public var code: Code
    /// A sentence a person can act on.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
