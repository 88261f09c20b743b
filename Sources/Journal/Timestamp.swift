/// Journal timestamps: µs since 1970-01-01T00:00:00Z, printed and parsed as ISO 8601 UTC.
public enum Timestamp {
    /// `2026-11-27T10:15:03.123456Z` for the given µs since the epoch.
    public static func iso8601(microseconds: UInt64) -> String {
        let seconds = Int64(microseconds / 1_000_000)
        let fraction = Int(microseconds % 1_000_000)
        let days = seconds / 86_400
        let secondOfDay = Int(seconds % 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var micros = String(fraction)
        micros = String(repeating: "0", count: 6 - micros.count) + micros
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)).\(micros)Z"
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `Z` or `±HH:MM` (no zone = UTC).
    /// Returns µs since the epoch, or nil if the text is not such a time (see `microseconds(parsing:)`).
    public static func parse(_ text: String) -> UInt64? {
        try? microseconds(parsing: text)
    }

    /// µs since the epoch of `YYYY-MM-DD` or `YYYY-MM-DD(T| )HH:MM[:SS[.fraction]][Z|±HH:MM]`
    /// (no zone = UTC; `t` and `z` may be lower case); throws `ParseError` saying what is wrong.
    ///
    /// Only real times are accepted: the day must exist in its month (`2026-02-30` and
    /// `2026-04-31` do not; 29 February only in Gregorian leap years), hours are 00–23 (write
    /// `24:00` as the next day's `00:00`), minutes 00–59, seconds 00–59. A leap second, `:60`, is
    /// accepted only where one can occur, as the last second of a UTC day (`23:59:60Z`, or
    /// `00:59:60+01:00`), and is read as `23:59:59.999999Z`, the last µs of that day: journal
    /// times are POSIX times, which have no leap seconds, so nothing in a journal is ever stamped
    /// inside one. No table of the leap seconds actually inserted is consulted. Fraction digits
    /// past the sixth are dropped. Times before 1970-01-01T00:00:00Z are refused.
    public static func microseconds(parsing text: String) throws(ParseError) -> UInt64 {
        var scanner = Scanner(bytes: Array(text.utf8))
        guard let year = scanner.number(4), scanner.take("-"), let month = scanner.number(2), scanner.take("-"),
              let day = scanner.number(2) else { throw ParseError(.syntax) }
        guard (1...12).contains(month) else { throw ParseError(.noSuchDate, "month \(month) does not exist") }
        let monthLength = daysIn(month: month, year: year)
        guard (1...monthLength).contains(day) else {
            throw ParseError(.noSuchDate, day == 0 ? "day 00 does not exist" : "\(monthNames[month - 1]) \(year) has \(monthLength) days")
        }
        var hour = 0, minute = 0, second = 0, micros = 0, offsetMinutes = 0
        if scanner.take("T") || scanner.take("t") || scanner.take(" ") {
            guard let h = scanner.number(2), scanner.take(":"), let m = scanner.number(2) else { throw ParseError(.syntax) }
            guard h < 24 else { throw ParseError(.noSuchTime, "hour \(h) does not exist; write 24:00 as the next day's 00:00") }
            guard m < 60 else { throw ParseError(.noSuchTime, "minute \(m) does not exist") }
            hour = h
            minute = m
            if scanner.take(":") {
                guard let s = scanner.number(2) else { throw ParseError(.syntax) }
                guard s <= 60 else { throw ParseError(.noSuchTime, "second \(s) does not exist") }
                second = s
                if scanner.take(".") {
                    guard let fraction = scanner.fractionMicroseconds() else { throw ParseError(.syntax) }
                    micros = fraction
                }
            }
            if scanner.take("Z") || scanner.take("z") {
            } else if let sign = scanner.sign() {
                guard let oh = scanner.number(2), scanner.take(":"), let om = scanner.number(2) else { throw ParseError(.syntax) }
                guard oh < 24, om < 60 else { throw ParseError(.noSuchTime, "a UTC offset has hours 00–23 and minutes 00–59") }
                offsetMinutes = sign * (oh * 60 + om)
            }
        }
        guard scanner.isAtEnd else { throw ParseError(.syntax) }
        if second == 60 {
            // The minute of the day in UTC must be 23:59, the only place a leap second goes.
            guard ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440 == 1439 else {
                throw ParseError(.noSuchTime, "second 60 (a leap second) exists only as 23:59:60 UTC")
            }
            second = 59
            micros = 999_999
        }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let total = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        guard total >= 0 else { throw ParseError(.beforeEpoch) }
        return UInt64(total) * 1_000_000 + UInt64(micros)
    }

    /// Why a text is not a journal time.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What kind of mistake.
        public enum Code: Sendable, Equatable {
            /// Not of the accepted form at all.
            case syntax
            /// A month or day that does not exist (`2026-02-30`).
            case noSuchDate
            /// An hour, minute, second or offset that does not exist (`24:00`, `10:60`).
            case noSuchTime
            /// Before 1970-01-01T00:00:00Z, where journal time begins.
            case beforeEpoch
        }

        /// What kind of mistake.
        public var code: Code
        /// The specifics, e.g. `February 2026 has 28 days`.
        public var description: String

        init(_ code: Code, _ description: String? = nil) {
            self.code = code
            let standard = switch code {
            case .syntax: "not of the form YYYY-MM-DD[THH:MM[:SS[.fraction]]][Z|±HH:MM]"
            case .beforeEpoch: "it is before 1970-01-01T00:00:00Z, where journal time begins"
            case .noSuchDate, .noSuchTime: "no such time"
            }
            self.description = description ?? standard
        }
    }

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                                     "August", "September", "October", "November", "December"]

    /// The number of days in `month` (1–12) of a proleptic Gregorian `year`.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Reads the fixed-width fields of a time, byte by byte.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var isAtEnd: Bool { index == bytes.count }

        /// Exactly `digits` decimal digits as a number.
        mutating func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + digits)] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += digits
            return value
        }

        /// One or more digits after a decimal point, as µs (digits past the sixth dropped).
        mutating func fractionMicroseconds() -> Int? {
            var micros = 0, scale = 100_000, digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                micros += Int(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
                digits += 1
            }
            return digits > 0 ? micros : nil
        }

        /// Consumes `character` if it is next.
        mutating func take(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue! else { return false }
            index += 1
            return true
        }

        /// +1 or -1 for a `+` or `-` that is next (consumed), nil otherwise.
        mutating func sign() -> Int? {
            if take("+") { return 1 }
            if take("-") { return -1 }
            return nil
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
