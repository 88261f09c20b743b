import Foundation
@testable import MobiusCLI
import Testing

/// Every help text, byte for byte against `Golden/help[-command[-subcommand]].txt`.
///
/// Run with `RECORD_GOLDEN=1` to write the files instead, after changing a spec on purpose;
/// review the diff before committing it, since the files are what a user reads.
@Suite struct HelpGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let isRecording = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"

    /// The path of every node of the tree, groups included; `[]` is the program.
    static let paths: [[String]] = {
        func below(_ node: CommandNode, _ path: [String]) -> [[String]] {
            [path] + node.children.flatMap { below($0, path + [$0.spec.name]) }
        }
        return below(MobiusCommandLine.root, [])
    }()

    static func fileName(_ path: [String]) -> String { (["help"] + path).joined(separator: "-") + ".txt" }

    private func output(_ arguments: [String]) async -> (MobiusCLI.ExitStatus, String) {
        var output = "", errors = ""
        let io = CommandIO(out: { output += $0 }, error: { errors += $0 }, readLine: { nil })
        let status = await MobiusCommandLine.run(arguments, io: io)
        #expect(errors.isEmpty, "\(arguments): \(errors)")
        return (status, output)
    }

    @Test(arguments: paths)
    func helpMatchesItsGoldenFile(path: [String]) async throws {
        let (status, text) = await output(["help"] + path)
        #expect(status == .success)
        #expect(await output(path + ["--help"]).1 == text)
        #expect(await output(path + ["-h"]).1 == text)
        let file = Self.folder.appendingPathComponent(Self.fileName(path))
        if Self.isRecording {
            try Data(text.utf8).write(to: file)
            return
        }
        let golden = try #require(try? Data(contentsOf: file), "no \(file.lastPathComponent); run with RECORD_GOLDEN=1 to write it")
        #expect(Data(text.utf8) == golden, "\(file.lastPathComponent) differs from the help now printed:\n\(text)")
    }

    @Test func everyLineFitsAndEveryOptionIsListed() async {
        for path in Self.paths {
            let text = await output(["help"] + path).1
            for line in text.split(separator: "\n") where line.count > HelpText.width {
                // Only a single unbreakable word may pass the width.
                #expect(!line.trimmingCharacters(in: .whitespaces).contains(" "), "\(path): \(line)")
            }
            guard let node = MobiusCommandLine.root.descendant(at: path) else { continue }
            // Wrapping may break a default across lines; compare with every run of spaces as one.
            let flowing = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
            for argument in node.spec.arguments {
                // A label too long for its column stands on a line of its own.
                let listed = text.contains("\n  " + argument.label + " ") || text.contains("\n  " + argument.label + "\n")
                #expect(listed, "\(path) does not list \(argument.label)")
                if let defaultText = argument.defaultText { #expect(flowing.contains("default: \(defaultText)"), "\(path): \(argument.name)") }
            }
            for code in ["0  success", "1  a check failed", "2  usage error or unreadable input"] {
                #expect(text.contains(code), "\(path): \(code)")
            }
        }
    }

    @Test func everyGoldenFileBelongsToACommand() throws {
        guard !Self.isRecording else { return }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasPrefix("help") }
        #expect(Set(files) == Set(Self.paths.map(Self.fileName)))
    }

    @Test func theVersionIsPrintedWithTheProgramName() async {
        #expect(await output(["--version"]) == (.success, "mobius-dhash \(MobiusVersion.current)\n"))
    }
}
