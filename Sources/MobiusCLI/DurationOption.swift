import MobiusCore

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
