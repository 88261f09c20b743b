import MobiusCLI
import Testing

@Suite struct BenchCommandTests {
    private func run(_ arguments: [String]) async -> (MobiusCLI.ExitStatus, String, String) {
        var out = "", errors = ""
        let io = CommandIO(out: { out += $0 }, error: { errors += $0 }, readLine: { nil })
        return (await MobiusCommandLine.run(arguments, io: io), out, errors)
    }

    @Test func indexBenchmarkRunsAndChecksExactness() async {
        let (status, out, _) = await run(["bench", "index", "--entries", "2000", "--queries", "3"])
        #expect(status == .success)
        #expect(out.contains("2000 entries"))
        #expect(out.contains("identical to a brute-force scan"))
    }

    @Test(arguments: [
        ["bench"],
        ["bench", "index", "journal"],
        ["bench", "journal", "--entries", "10"],
        ["bench", "index", "--entries", "0"],
    ])
    func mistakesExitTwo(arguments: [String]) async {
        let (status, out, errors) = await run(arguments)
        #expect(status == .usageOrUnreadable)
        #expect(out.isEmpty)
        // Errors name the command as far as it was selected: `bench`, or `bench index`.
        #expect(errors.hasPrefix("mobius-dhash bench"))
        #expect(errors.hasSuffix(")\n") && errors.contains("(see 'mobius-dhash help bench"))
    }
}
