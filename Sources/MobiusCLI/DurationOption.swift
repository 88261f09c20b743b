/// Durations as operators write them: a whole number and a unit, `250ms`, `30s`, `5m`, `1h`.
package enum DurationText {
    private static let units: [(suffix: String, duration: Duration)] = [
        ("ms", .milliseconds(1)), ("s", .seconds(1)), ("m", .seconds(60)), ("h", .seconds(3_600)),
    ]

    /// The duration `text` names; nil when it is not digits followed by `ms`, `s`, `m` or `h`.
    package static func parse(_ text: String) -> Duration? {
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
    package static func text(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 60_000 == 0, milliseconds > 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1_000 == 0 { return "\(milliseconds / 1_000)s" }
        return "\(milliseconds)ms"
    }
}

extension Option where Value == Duration {
    /// An option taking a duration within `range`: `250ms`, `30s`, `5m`, `1h`.
    package static func duration(_ name: String, value valueName: String = "DURATION", in range: ClosedRange<Duration>,
                                 default defaultValue: Duration, help: String) -> Option<Duration> {
        let bounds = "from \(DurationText.text(range.lowerBound)) to \(DurationText.text(range.upperBound))"
        return Option(name, value: valueName, help: help, accepted: "\(bounds), as 30s, 5m or 1h", default: defaultValue,
                      shownAs: DurationText.text(defaultValue)) { text throws(ValueProblem) in
            guard let value = DurationText.parse(text), range.contains(value) else {
                throw ValueProblem(expected: "a duration \(bounds) such as 30s, 5m or 1h (a whole number and ms, s, m or h)")
            }
            return value
        }
    }
}

extension Option where Value == [Duration] {
    /// An option taking comma-separated durations (`5m,15m,30m,60m`), each within `range`,
    /// none twice; the value is sorted.
    package static func durations(_ name: String, value valueName: String = "LIST", in range: ClosedRange<Duration>,
                                  default defaultValue: [Duration], help: String) -> Option<[Duration]> {
        let bounds = "from \(DurationText.text(range.lowerBound)) to \(DurationText.text(range.upperBound))"
        return Option(name, value: valueName, help: help, accepted: "durations \(bounds), separated by commas", default: defaultValue,
                      shownAs: defaultValue.map(DurationText.text).joined(separator: ",")) { text throws(ValueProblem) in
            let expected = "durations \(bounds) separated by commas, such as 5m,15m,30m,60m"
            var values: [Duration] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let value = DurationText.parse(String(part)), range.contains(value) else { throw ValueProblem(expected: expected) }
                guard !values.contains(value) else {
                    throw ValueProblem(expected: expected, reason: "\(DurationText.text(value)) is given twice")
                }
                values.append(value)
            }
            return values.sorted()
        }
    }
}
