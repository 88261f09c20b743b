@testable import MobiusCore
import Testing

/// The one function every echo of user input in an error goes through.
@Suite struct EchoedTests {
    @Test func controlCharactersAreEscapedSoTheLineCannotBreak() {
        #expect("\(Echoed("a\nb\rc\td\\e"))" == #"a\nb\rc\td\\e"#)
        #expect("\(Echoed("\u{0}\u{1B}[31m\u{7F}\u{85}\u{2028}"))" == #"\u0000\u001b[31m\u007f\u0085\u2028"#)
        #expect("\(Echoed("café ✓ 名前"))" == "café ✓ 名前")
    }

    @Test func longValuesAreCutAt200BytesWithAnEllipsis() {
        #expect("\(Echoed(String(repeating: "x", count: 200)))" == String(repeating: "x", count: 200))
        #expect("\(Echoed(String(repeating: "x", count: 201)))" == String(repeating: "x", count: 200) + "…")
        // Never inside a character's encoding or an escape: 99 × "é" (2 bytes) is 198 bytes and
        // the next would pass 200; a newline escape (2 bytes) at 199 would too.
        #expect("\(Echoed(String(repeating: "é", count: 150)))" == String(repeating: "é", count: 100) + "…")
        #expect("\(Echoed(String(repeating: "x", count: 199) + "\n"))" == String(repeating: "x", count: 199) + "…")
    }

    @Test func aWholeLineIsEscapedButKeepsItsBackslashes() {
        #expect(Echoed.escapingControlCharacters("a 'b\\nc'\nd\u{0}") == "a 'b\\nc'\\nd\\u0000")
    }
}
