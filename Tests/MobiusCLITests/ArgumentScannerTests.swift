@testable import MobiusCLI
import Testing

/// The scanner alone, on a spec made for the test: every rule of the one pass over the words.
@Suite struct ArgumentScannerTests {
    static let name = Option<String>("--name", value: "T", help: "a name")
    static let tags = Option<String>("--tag", value: "T", help: "tags", repeatable: true)
    static let count = Option.integer("--count", in: 1...10, default: 3, help: "a count")
    static let verbose = Flag("--verbose", help: "talk more")
    static let files = Positional<String>("FILE", help: "files", repeatable: true)
    static let spec = CommandSpec("probe", summary: "a test command", arguments: [name, tags, count, verbose, files])

    private func parse(_ words: [CommandWord]) throws(CommandFailure) -> ParsedArguments {
        guard case .parsed(let arguments) = try ArgumentScanner.scan(words[...], for: Self.spec, commandPath: ["probe"]) else {
            throw .usage("help was requested")
        }
        return arguments
    }

    private func failure(_ words: [CommandWord]) -> CommandFailure? {
        do {
            _ = try parse(words)
            return nil
        } catch {
            return error
        }
    }

    @Test func optionsTakeTheirValueEitherWayAndFlagsStandAlone() throws {
        let arguments = try parse(["--name", "a", "x", "--count=7", "--verbose", "-", "--tag=p", "--tag", "q"])
        #expect(arguments.value(of: Self.name) == "a")
        #expect(arguments[Self.count] == 7)
        #expect(arguments.isSet(Self.verbose))
        #expect(arguments.values(of: Self.tags) == ["p", "q"])
        #expect(arguments.values(of: Self.files) == ["x", "-"], "a lone - is a positional")
    }

    @Test func defaultsApplyOnlyWhenAbsentAndDoNotCountAsGiven() throws {
        let arguments = try parse([])
        #expect(arguments[Self.count] == 3)
        #expect(!arguments.isGiven(Self.count))
        #expect(arguments.value(of: Self.name) == nil)
        #expect(!arguments.isSet(Self.verbose))
        #expect(arguments.values(of: Self.files).isEmpty)
    }

    /// One pass in order: every permutation of the same words gives the same values.
    @Test func theOrderOfOptionsDoesNotMatter() throws {
        let groups: [[CommandWord]] = [["--name", "a"], ["--count", "5"], ["--verbose"], ["--tag", "t"], ["f"]]
        var seen: Set<String> = []
        func permutations(_ items: [[CommandWord]]) -> [[[CommandWord]]] {
            guard items.count > 1 else { return [items] }
            return items.indices.flatMap { index in
                permutations(Array(items[..<index] + items[(index + 1)...])).map { [items[index]] + $0 }
            }
        }
        for order in permutations(groups) {
            let arguments = try parse(order.flatMap { $0 })
            seen.insert("\(arguments.value(of: Self.name)!) \(arguments[Self.count]) \(arguments.isSet(Self.verbose)) \(arguments.values(of: Self.tags)) \(arguments.values(of: Self.files))")
        }
        #expect(seen == ["a 5 true [\"t\"] [\"f\"]"])
    }

    @Test func doubleDashEndsTheOptions() throws {
        let arguments = try parse(["--verbose", "--", "--name", "-h", "--", "-"])
        #expect(arguments.values(of: Self.files) == ["--name", "-h", "--", "-"])
        #expect(arguments.value(of: Self.name) == nil)
    }

    @Test func aValueMayNotBeAnotherOption() {
        #expect(failure(["--name", "--verbose"]) == .usage(
            "--name needs a value; got the option '--verbose' (write --name=VALUE for a value that starts with --)", argument: "--name"))
        #expect(failure(["--name", "--"])?.message.hasPrefix("--name needs a value; got the option '--'") == true)
        #expect(failure(["--name"]) == .usage("--name needs a value (T); none followed it", argument: "--name"))
    }

    @Test func valuesStartingWithDashesAreGivenWithEquals() throws {
        #expect(try parse(["--name=--weird"]).value(of: Self.name) == "--weird")
        #expect(try parse(["--name", "-single"]).value(of: Self.name) == "-single")
        #expect(try parse(["--name="]).value(of: Self.name) == "")
    }

    @Test func unknownOptionsAreRefusedWithTheNearestName() {
        #expect(failure(["--verbsoe"]) == .usage("unknown option '--verbsoe'; did you mean '--verbose'?", argument: "--verbsoe"))
        #expect(failure(["--cuont=2"]) == .usage("unknown option '--cuont'; did you mean '--count'?", argument: "--cuont"))
        #expect(failure(["--zzz"]) == .usage("unknown option '--zzz'; probe takes --name, --tag, --count, --verbose", argument: "--zzz"))
        #expect(failure(["-v"])?.message == "unknown option '-v'; the only short option is -h (write -- before an argument that starts with '-')")
    }

    @Test func anOptionOfAnotherCommandIsNamed() throws {
        do {
            _ = try ArgumentScanner.scan(["--deep"], for: Self.spec, commandPath: ["probe"]) { $0 == "--deep" ? ["verify"] : [] }
            Issue.record("--deep was accepted")
        } catch {
            #expect(error.message == "unknown option '--deep' (an option of verify); probe takes --name, --tag, --count, --verbose")
        }
    }

    @Test func aNonRepeatableOptionOrFlagIsRefusedTheSecondTime() {
        #expect(failure(["--name", "a", "--name=b"]) == .usage("--name was given twice; give it once", argument: "--name"))
        #expect(failure(["--verbose", "x", "--verbose"]) == .usage("--verbose was given twice; give it once", argument: "--verbose"))
        #expect(failure(["--verbose=yes"]) == .usage("--verbose takes no value; write --verbose alone", argument: "--verbose"))
    }

    @Test func valuesAreCheckedAsTheyAreRead() {
        #expect(failure(["--count", "11"]) == .usage("--count takes a whole number from 1 to 10, not '11'", argument: "--count"))
        #expect(failure(["--count", "x\ny"])?.message == "--count takes a whole number from 1 to 10, not 'x\\ny'")
    }

    /// The first mistake in the line is reported, whatever follows it.
    @Test func theFirstMistakeIsReported() {
        #expect(failure(["--count", "0", "--bogus", "--name"])?.argument == "--count")
        #expect(failure(["--bogus", "--count", "0"])?.argument == "--bogus")
    }

    @Test(arguments: [["--help"], ["-h"], ["--bogus", "--help"], ["--name", "-h"], ["--count", "99", "x", "-h"], ["--name", "--help"]])
    func helpWinsOverEveryMistake(words: [String]) throws {
        let outcome = try ArgumentScanner.scan(words.map { CommandWord($0) }[...], for: Self.spec, commandPath: ["probe"])
        guard case .helpRequested = outcome else {
            Issue.record("\(words) did not ask for help")
            return
        }
    }

    @Test func helpAfterDoubleDashIsAPositional() throws {
        #expect(try parse(["--", "--help"]).values(of: Self.files) == ["--help"])
    }

    @Test func wordsThatAreNotUTF8AreRefusedNamingTheArgument() {
        let bad = CommandWord(bytes: Array("ab".utf8) + [0xFF])
        #expect(failure(["x", bad]) == .usage("argument 2 ('ab\u{FFFD}') is not valid UTF-8; give it as UTF-8 text", argument: "FILE"))
        #expect(failure(["--name", bad]) == .usage("the value of --name (argument 2, 'ab\u{FFFD}') is not valid UTF-8; give it as UTF-8 text", argument: "--name"))
        let inline = CommandWord(bytes: Array("--name=".utf8) + [0xC3])
        #expect(failure([inline])?.message == "the value of --name (argument 1, '\u{FFFD}') is not valid UTF-8; give it as UTF-8 text")
    }

    @Test func positionalsAreCountedAgainstTheSpec() {
        let single = Positional<String>("TOPIC", help: "one topic", required: true, whenMissing: "name a topic")
        let spec = CommandSpec("one", summary: "one positional", arguments: [single])
        func scan(_ words: [CommandWord]) -> CommandFailure? {
            do {
                _ = try ArgumentScanner.scan(words[...], for: spec, commandPath: ["one"])
                return nil
            } catch {
                return error
            }
        }
        #expect(scan([]) == .usage("needs TOPIC; name a topic", argument: "TOPIC"))
        #expect(scan(["a"]) == nil)
        #expect(scan(["a", "b"]) == .usage("unexpected argument 'b'; one takes only TOPIC"))
        let none = CommandSpec("none", summary: "no positionals")
        #expect(throws: CommandFailure.usage("unexpected argument 'x'; none takes no arguments")) {
            _ = try ArgumentScanner.scan(["x"], for: none, commandPath: ["none"])
        }
    }
}
