import Foundation
@testable import MobiusCLI
import Testing

/// README.md's "Command line" section is checked against the command tree: its table lists
/// exactly the runnable commands, each with exactly the synopsis its help prints, and it names
/// exactly the commands that take `--data`.
@Suite struct ReadmeCommandTableTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")

    /// The lines of README's `## Command line` section.
    private func section() throws -> [Substring] {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "## Command line"))
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        return Array(lines[start..<end])
    }

    @Test func theTableHasOneRowPerCommandWithItsSynopsis() throws {
        let rows = try section().compactMap { line -> String? in
            guard line.hasPrefix("| `"), let end = line.range(of: "` |") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 3)..<end.lowerBound])
        }
        let expected = MobiusCommandLine.root.runnableCommands.map { HelpText.synopsis(of: $0.node, path: $0.path) }
        let wanted = expected.map { "| `\($0)` |" }.joined(separator: "\n")
        #expect(rows == expected, "README's command table should start its rows with:\n\(wanted)")
    }

    @Test func theCommandsTakingDataAreNamed() throws {
        let takers = MobiusCommandLine.root.runnableCommands.filter { $0.node.spec.option(named: "--data") != nil }
        let sentence = "Commands that take `--data DIR`: " + takers.map { "`\($0.path.joined(separator: " "))`" }.joined(separator: ", ") + "."
        #expect(try section().contains { $0.contains(sentence) }, "README should say: \(sentence)")
    }
}
