/// Durations as operators write them: a whole number and a unit, `250ms`, `30s`, `5m`, `1h`
/// (the monitor's options, and the `T+5m` in its checkpoint file names).
public enum DurationText {
    private static let units: [(suffix: String, duration: Duration)] = [
        ("ms", .milliseconds(1)), ("s", .seconds(1)), ("m", .seconds(60)), ("h", .seconds(3_600)),
    ]

    /// The duration `text` names; nil when it is not digits followed by `ms`, `s`, `m` or `h`.
    public static func parse(_ text: String) -> Duration? {
        for (suffix, unit) in units where text.hasSuffix(suffix) {
            // `ms` comes first: "5ms" ends in "s" too.
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.count <= 9, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let count = Int(digits) else { return nil }
            return unit * count
        }
        return nil
    }

    /// `duration` in the largest of minutes, seconds and milliseconds that holds it exactly:
    /// `5m`, `60m`, `90s`, `1500ms` (the form checkpoint file names use).
    public static func text(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 60_000 == 0, milliseconds > 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1_000 == 0 { return "\(milliseconds / 1_000)s" }
        return "\(milliseconds)ms"
    }
}
