import MobiusCore
/// `mobius-dhash help [COMMAND…]`: the program's help, or a command's (`help bench journal`),
/// the same text `mobius-dhash COMMAND --help` prints.
struct HelpCommand: Command {
    static let topic = Positional<String>(
        "COMMAND", help: "the command to explain, with its subcommand if it has one (help bench journal); none: the whole program",
        repeatable: true)

    static let spec = CommandSpec(
        "help", summary: "show the help of mobius-dhash or of one of its commands",
        arguments: [topic],
        exits: [.checkFailed: "not used by help", .usageOrUnreadable: "there is no such command"])

    /// The command to explain (empty: the program).
    let path: [String]

    init(_ arguments: ParsedArguments) { path = arguments.values(of: Self.topic) }

    func validate() throws(CommandFailure) {
        var node = MobiusCommandLine.root
        for (depth, word) in path.enumerated() {
            guard let child = node.child(named: word) else {
                let names = node.children.map(\.spec.name)
                let asked = path[...depth].joined(separator: " ")
                let advice = NameSuggestion.nearest(to: word, among: names).map { "did you mean '\((path[..<depth] + [$0]).joined(separator: " "))'?" }
                    ?? (node.isGroup ? "choose from \(names.joined(separator: ", "))" : "'\(path[..<depth].joined(separator: " "))' has no subcommands")
                throw .usage("no command '\(Echoed(asked))'; \(advice)", argument: "COMMAND")
            }
            node = child
        }
    }

    func run(_ io: CommandIO) -> ExitStatus {
        io.print(HelpText.render(MobiusCommandLine.root.descendant(at: path)!, path: path))
        return .success
    }
}
