import MobiusCLI
import Testing

@Suite struct ArgumentListTests {
    @Test func optionsFlagsAndPositionals() throws {
        var list = ArgumentList(["--type", "a", "--json", "x", "--type=b", "-", "--limit", "3"])
        let types = try list.values("--type")
        let json = list.flag("--json")
        let limit = try list.integer("--limit", in: 1...10)
        let positionals = try list.remainingPositionals()
        #expect(types == ["a", "b"])
        #expect(json)
        #expect(limit == 3)
        #expect(positionals == ["x", "-"])
    }

    @Test func mistakesAreUsageErrors() {
        var missing = ArgumentList(["--type"])
        #expect(throws: UsageError.self) { _ = try missing.option("--type") }
        var range = ArgumentList(["--limit", "0"])
        #expect(throws: UsageError.self) { _ = try range.integer("--limit", in: 1...10) }
        var unknown = ArgumentList(["--bogus"])
        #expect(throws: UsageError.self) { try unknown.finish() }
    }

    @Test func unknownCommandExitsTwo() {
        var errors = ""
        let io = CommandIO(out: { _ in }, error: { errors += $0 }, readLine: { nil })
        #expect(MobiusCommandLine.run(["frobnicate"], io: io) == .usageOrUnreadable)
        #expect(errors.contains("unknown command 'frobnicate'"))
    }
}
