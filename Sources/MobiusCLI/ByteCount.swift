/// Sizes in bytes as operators write them: `4096`, `4KiB`, `64MiB`, `1GiB` (binary multiples;
/// `K`, `M`, `G` alone mean the same; any case).
package enum ByteCount {
    private static let units: [(name: String, shift: Int)] = [("GiB", 30), ("MiB", 20), ("KiB", 10)]

    /// The number of bytes `text` names; nil when it is not digits with an optional unit, or
    /// does not fit in an `Int`.
    package static func parse(_ text: String) -> Int? {
        let lowered = text.lowercased()
        for (name, shift) in units {
            for suffix in [name.lowercased(), String(name.lowercased().prefix(1))] where lowered.hasSuffix(suffix) {
                guard let number = digits(lowered.dropLast(suffix.count)) else { return nil }
                let (value, overflow) = number.multipliedReportingOverflow(by: 1 << shift)
                return overflow ? nil : value
            }
        }
        return digits(Substring(lowered))
    }

    /// `count` in the largest binary unit that divides it exactly: `64 MiB`, `4 KiB`, `1000 bytes`.
    package static func text(_ count: Int) -> String {
        for (name, shift) in units where count > 0 && count % (1 << shift) == 0 {
            return "\(count >> shift) \(name)"
        }
        return "\(count) bytes"
    }

    /// Plain decimal digits (no sign, at least one) as an `Int`.
    private static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}
