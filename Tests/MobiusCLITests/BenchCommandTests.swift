import MobiusCLI
import Testing

@Suite struct BenchCommandTests {
    private func run(_ arguments: [String]) -> (MobiusCLI.ExitStatus, String, String) {
        var out = "", errors = ""
        let io = CommandIO(out: { out += $0 }, error: { errors += $0 }, readLine: { nil })
        return (MobiusCommandLine.run(arguments, io: io), out, errors)
    }

    @Test func indexBenchmarkRunsAndChecksExactness() {
        let (status, out, _) = run(["bench", "index", "--entries", "2000", "--queries", "3"])
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
    func mistakesExitTwo(arguments: [String]) {
        let (status, out, errors) = run(arguments)
        #expect(status == .usageOrUnreadable)
        #expect(out.isEmpty)
        #expect(errors.hasPrefix("mobius-dhash bench: "))
    }
}
