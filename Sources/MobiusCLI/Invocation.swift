import MobiusCore
/// What a command line asks for, decided before anything runs: help, the version, a parsed and
/// validated command, or a failure to report.
///
/// The words select a path through the command tree (`bench journal`), then `ArgumentScanner`
/// reads the rest against that command's spec, the command is made from the values, and its
/// `validate()` runs. Nothing here touches a file, so every case can be tested in-process.
package enum Invocation: Sendable {
    /// Print this help text on standard output; exit 0.
    case help(String)
    /// Print `mobius-dhash <version>`; exit 0.
    case version
    /// Run the command at `path`.
    case run(path: [String], RunnableCommand)
    /// Report this failure of the command at `path` (empty: the program itself).
    case failure(path: [String], CommandFailure)

    /// Parses `words` (the arguments after the program name) against the tree under `root`.
    package init(parsing words: [CommandWord], root: CommandNode) {
        var node = root
        var path: [String] = []
        var index = 0
        while node.isGroup {
            let names = node.children.map(\.spec.name)
            let oneOf = names.dropLast().joined(separator: ", ") + " or " + names.last!
            guard index < words.count else {
                self = .failure(path: path, .usage(path.isEmpty ? "no command given; name one: \(oneOf)" : "needs a subcommand: \(oneOf)"))
                return
            }
            let word = words[index].text
            // Help wins over a misplaced option: `bench --quick --help` shows bench's help.
            if word.hasPrefix("-"), words[index...].prefix(while: { $0.text != "--" }).contains(where: { $0.text == "--help" || $0.text == "-h" }) {
                self = .help(HelpText.render(node, path: path))
                return
            }
            if path.isEmpty && word == "--version" {
                self = words.count == 1 ? .version : .failure(path: [], .usage("--version takes nothing after it"))
                return
            }
            if word.hasPrefix("-") {
                self = .failure(path: path, .usage(path.isEmpty
                    ? "options come after the command (mobius-dhash COMMAND [options]); got '\(Echoed(word))' first"
                    : "needs a subcommand before its options: \(oneOf)"))
                return
            }
            guard let child = node.child(named: word) else {
                let kind = path.isEmpty ? "command" : "subcommand"
                let advice = NameSuggestion.nearest(to: word, among: names).map { "did you mean '\($0)'?" } ?? "the \(kind)s are \(names.dropLast().joined(separator: ", ")) and \(names.last!)"
                self = .failure(path: path, .usage("unknown \(kind) '\(Echoed(word))'; \(advice)"))
                return
            }
            node = child
            path.append(word)
            index += 1
        }
        do throws(CommandFailure) {
            let commandPath = path
            let outcome = try ArgumentScanner.scan(words[index...], for: node.spec, commandPath: path) { name in
                root.runnableCommands.filter { $0.path != commandPath && $0.node.spec.option(named: name) != nil }
                    .map { $0.path.joined(separator: " ") }
            }
            switch outcome {
            case .helpRequested:
                self = .help(HelpText.render(node, path: path))
            case .parsed(let arguments):
                let runnable = node.make!(arguments)
                try runnable.command.validate()
                self = .run(path: path, runnable)
            }
        } catch {
            self = .failure(path: path, error)
        }
    }
}
