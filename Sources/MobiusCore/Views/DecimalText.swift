/// Numbers for people with a fixed count of decimals, as JavaScript's `toFixed` prints them
/// (the MOBIUS clients' `.toFixed(3)`): never an exponent, however small or large.
public enum DecimalText {
    /// `value` rounded to `digits` decimals: `fixed(0.08333, 3)` is `0.083`; non-finite values as Swift prints them.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((abs(value) * Double(scale)).rounded())
        let fraction = String(scaled % scale)
        let text = digits == 0 ? "\(scaled / scale)" : "\(scaled / scale).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
        return value < 0 && scaled != 0 ? "-" + text : text
    }
}
