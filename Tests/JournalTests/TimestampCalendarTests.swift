import Journal
import Testing

/// `Timestamp.microseconds(parsing:)` accepts only times that exist, and says why it refuses one.
@Suite struct TimestampCalendarTests {
    private func expect(_ text: String, fails code: Timestamp.ParseError.Code, saying reason: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: Timestamp.ParseError.self, sourceLocation: sourceLocation) { try Timestamp.microseconds(parsing: text) }
        #expect(error?.code == code, "\(text)", sourceLocation: sourceLocation)
        #expect(error?.description == reason, "\(text)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        ("2026-02-30", "February 2026 has 28 days"),
        ("2026-02-29T00:00Z", "February 2026 has 28 days"),
        ("1900-02-29", "February 1900 has 28 days"),
        ("2026-04-31", "April 2026 has 30 days"),
        ("2026-06-31T10:00Z", "June 2026 has 30 days"),
        ("2026-01-32", "January 2026 has 31 days"),
        ("2026-11-00", "day 00 does not exist"),
        ("2026-00-10", "month 0 does not exist"),
        ("2026-13-01", "month 13 does not exist"),
    ])
    func daysThatDoNotExistAreRefused(text: String, reason: String) {
        expect(text, fails: .noSuchDate, saying: reason)
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func leapDaysExistInGregorianLeapYearsOnly() throws {
        #expect(try Timestamp.microseconds(parsing: "2024-02-29") == 1_709_164_800_000_000)
        #expect(try Timestamp.microseconds(parsing: "2000-02-29T00:00:00Z") == 951_782_400_000_000)
        #expect(try Timestamp.microseconds(parsing: "2026-12-31T23:59:59.999999Z") == 1_798_761_599_999_999)
    }

    @Test(arguments: [
        ("2026-11-27T24:00Z", "hour 24 does not exist; write 24:00 as the next day's 00:00"),
        ("2026-11-27T10:60Z", "minute 60 does not exist"),
        ("2026-11-27T10:15:61Z", "second 61 does not exist"),
        ("2026-11-27T10:15:99Z", "second 99 does not exist"),
        ("2026-11-27T10:15:60Z", "second 60 (a leap second) exists only as 23:59:60 UTC"),
        ("2026-11-27T23:59:60+01:00", "second 60 (a leap second) exists only as 23:59:60 UTC"),
        ("2026-11-27T10:15:00+24:00", "a UTC offset has hours 00–23 and minutes 00–59"),
        ("2026-11-27T10:15:00-05:60", "a UTC offset has hours 00–23 and minutes 00–59"),
    ])
    func timesThatDoNotExistAreRefused(text: String, reason: String) {
        expect(text, fails: .noSuchTime, saying: reason)
    }

    /// A leap second is the last µs of its UTC day: journal times are POSIX times and have none.
    @Test func aLeapSecondIsTheLastMicrosecondOfItsUTCDay() throws {
        let lastMicrosecond = try Timestamp.microseconds(parsing: "2016-12-31T23:59:59.999999Z")
        #expect(try Timestamp.microseconds(parsing: "2016-12-31T23:59:60Z") == lastMicrosecond)
        #expect(try Timestamp.microseconds(parsing: "2016-12-31T23:59:60.5Z") == lastMicrosecond)
        #expect(try Timestamp.microseconds(parsing: "2017-01-01T00:59:60+01:00") == lastMicrosecond)
        #expect(try Timestamp.microseconds(parsing: "2016-12-31T18:59:60-05:00") == lastMicrosecond)
        #expect(try Timestamp.microseconds(parsing: "2017-01-01T00:00:00Z") == lastMicrosecond + 1)
    }

    @Test(arguments: ["", "yesterday", "2026-11-27T10:15:03.Z", "2026-11-27T10Z", "2026-11-27T10:15:03 Z", "2026-11-27T10:15:03+0100", "2026-1-27", "2026-11-27X"])
    func malformedTextIsASyntaxError(text: String) {
        expect(text, fails: .syntax, saying: "not of the form YYYY-MM-DD[THH:MM[:SS[.fraction]]][Z|±HH:MM]")
    }

    @Test func timesBeforeTheEpochAreRefused() throws {
        expect("1970-01-01T00:30:00+01:00", fails: .beforeEpoch, saying: "it is before 1970-01-01T00:00:00Z, where journal time begins")
        #expect(try Timestamp.microseconds(parsing: "1970-01-01T01:00:00+01:00") == 0)
    }

    /// Every day of four years (a leap year, a century that is not, one that is) parses to the
    /// day `iso8601` prints for it, and the day after each month's last is refused.
    @Test func everyDayOfFourYearsRoundTrips() throws {
        for year in [1970, 2024, 2100, 2400] {
            for month in 1...12 {
                var day = 1
                while true {
                    let text = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
                    guard let value = Timestamp.parse(text) else { break }
                    #expect(Timestamp.iso8601(microseconds: value) == text + "T00:00:00.000000Z")
                    day += 1
                }
                let expected = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
                #expect(day - 1 == expected, "\(year)-\(month)")
            }
        }
    }
}
