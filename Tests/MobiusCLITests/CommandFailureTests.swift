@testable import MobiusCLI
import Testing

/// Error lines: what every command prints on failure.
@Suite struct CommandFailureTests {
    @Test func everyErrorLineIsOneLine() {
        let failure = CommandFailure(.checkFailed, "journal damaged: type 'a\nb'")
        #expect(failure.line(commandPath: ["append"]) == "mobius-dhash append: journal damaged: type 'a\\nb'")
        #expect(CommandFailure.usage("bad").line(commandPath: []) == "mobius-dhash: bad (see 'mobius-dhash help')")
        #expect(CommandFailure.usage("bad").line(commandPath: ["bench", "index"]) == "mobius-dhash bench index: bad (see 'mobius-dhash help bench index')")
    }
}
