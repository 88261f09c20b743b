import Journal

extension Option where Value == UInt64 {
    /// An option taking an ISO 8601 time (µs since the epoch), refused when the day or time does
    /// not exist: `--since`, `--until`, `--at`.
    package static func time(_ name: String, help: String) -> Option<UInt64> {
        Option(name, value: "TIME", help: help) { text throws(ValueProblem) in
            do throws(Timestamp.ParseError) {
                return try Timestamp.microseconds(parsing: text)
            } catch {
                throw ValueProblem(expected: "an ISO 8601 time such as 2026-11-27T10:15:03Z", reason: error.code == .syntax ? nil : error.description)
            }
        }
    }
}
