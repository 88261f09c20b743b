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

    /// Swift would turn a non-UTF-8 file name into a different (missing) name; it is refused
    /// with one line naming the argument instead.
    @Test func argumentsThatAreNotUTF8AreRefused() {
        let valid = [Array("hash".utf8), Array("é b.png".utf8)]
        #expect(MobiusCommandLine.invalidUTF8Problem(in: valid) == nil)
        let problem = MobiusCommandLine.invalidUTF8Problem(in: valid + [Array("bad".utf8) + [0xFF] + Array("\nname.png".utf8)])
        #expect(problem == "argument 3 ('bad\u{FFFD}\\nname.png') is not valid UTF-8; rename the file, or pass its contents on standard input as '-'")
    }
}
