/// The help of the program, of a group or of a command, generated from the command tree's
/// specs, so it always lists exactly what the scanner accepts.
///
/// Text is wrapped at `width` columns whatever the terminal, so that the golden files under
/// `Tests/MobiusCLITests/Golden/` stay byte for byte stable.
package enum HelpText {
    /// Columns the text is wrapped to.
    package static let width = 80
    /// The widest label column before a label's help moves to the next line.
    private static let widestLabelColumn = 26

    /// The help for `node`, the command at `path` (empty: the program itself, the root node),
    /// without a final newline.
    package static func render(_ node: CommandNode, path: [String]) -> String {
        let command = (["mobius-dhash"] + path).joined(separator: " ")
        var sections = [wrap(command + " — " + node.spec.summary, indent: 4, firstIndent: 0)]
        if node.isGroup {
            let word = path.isEmpty ? "COMMAND" : "SUBCOMMAND"
            var usage = ["\(command) \(word) [options]"]
            if path.isEmpty { usage += ["mobius-dhash help [COMMAND…]", "mobius-dhash --version"] }
            sections.append("usage: " + usage.joined(separator: "\n       "))
        } else {
            sections.append(wrappedUsage(command: command, tokens: synopsisTokens(node.spec)))
        }
        sections += node.spec.discussion.map { wrap($0, indent: 0) }
        sections += listings(node, path: path)
        sections.append(exitStatuses(node.spec, isProgram: path.isEmpty))
        if node.isGroup {
            sections.append(path.isEmpty
                ? wrap("Run 'mobius-dhash help COMMAND' (or 'mobius-dhash COMMAND --help') for a command's arguments.", indent: 0)
                : wrap("Run '" + (["mobius-dhash", "help"] + path + ["SUBCOMMAND"]).joined(separator: " ") + "' for a subcommand's arguments.", indent: 0))
        }
        return sections.joined(separator: "\n\n")
    }

    /// The command's arguments as one line, without the program name: `hash [--json] … FILE…`;
    /// what README's command table shows in its first column.
    package static func synopsis(of node: CommandNode, path: [String]) -> String {
        (path + synopsisTokens(node.spec)).joined(separator: " ")
    }

    private static func synopsisTokens(_ spec: CommandSpec) -> [String] {
        spec.options.map(\.synopsis) + spec.positionals.map(\.synopsis)
    }

    /// The sections listing subcommands or arguments, then options.
    private static func listings(_ node: CommandNode, path: [String]) -> [String] {
        var rows: [[(label: String, text: String)]] = []
        var titles: [String] = []
        if path.isEmpty {
            titles.append("commands:")
            rows.append(node.runnableCommands.map { ($0.path.joined(separator: " "), $0.node.spec.summary) })
        } else if node.isGroup {
            titles.append("subcommands:")
            rows.append(node.children.map { ($0.spec.name, $0.spec.summary) })
        } else if !node.spec.positionals.isEmpty {
            titles.append("arguments:")
            rows.append(node.spec.positionals.map { ($0.label, $0.helpWithDetails) })
        }
        titles.append("options:")
        var options = node.spec.options.map { ($0.label, $0.helpWithDetails) }
        options.append(("-h, --help", "show this help"))
        if path.isEmpty { options.append(("--version", "print the version: mobius-dhash VERSION")) }
        rows.append(options)
        let column = min(widestLabelColumn, rows.joined().map(\.label.count).max()! + 4)
        var sections = zip(titles, rows).map { title, rows in
            ([title] + rows.map { row(label: $0.label, text: $0.text, column: column) }).joined(separator: "\n")
        }
        if path.isEmpty {
            let takers = node.runnableCommands.filter { $0.node.spec.option(named: DataFolder.option.spec.name) != nil }
            sections.append(wrap("The data folder holds journal/ (and later snapshots/): "
                + "\(DataFolder.option.spec.label) names it (default: \(DataFolder.option.spec.defaultText!)). "
                + "Commands that take it: \(takers.map { $0.path.joined(separator: " ") }.joined(separator: ", ")).", indent: 0))
        }
        return sections
    }

    private static func exitStatuses(_ spec: CommandSpec, isProgram: Bool) -> String {
        let general: [(ExitStatus, String)] = [
            (.success, "success"), (.checkFailed, "a check failed"), (.usageOrUnreadable, "usage error or unreadable input"),
        ]
        let lines = general.map { status, meaning in
            let detail = spec.exitDetails[status].map { ": " + $0 } ?? ""
            return wrap("\(status.rawValue)  \(meaning)\(detail)", indent: 5, firstIndent: 2)
        }
        return ([isProgram ? "exit status (every command):" : "exit status:"] + lines).joined(separator: "\n")
    }

    /// `  label   text…`, the text wrapped under itself; a label wider than the column puts its
    /// text on the next line.
    private static func row(label: String, text: String, column: Int) -> String {
        let lead = "  " + label
        guard lead.count + 2 <= column else { return lead + "\n" + wrap(text, indent: column) }
        let body = wrap(text, indent: column)
        return lead + String(body.dropFirst(lead.count))
    }

    /// `usage: mobius-dhash hash [--json] …`, wrapped between tokens under the first token.
    private static func wrappedUsage(command: String, tokens: [String]) -> String {
        let lead = "usage: \(command)"
        var lines = [lead]
        let indent = String(repeating: " ", count: lead.count)
        for token in tokens {
            if lines[lines.count - 1].count + 1 + token.count > width && lines[lines.count - 1] != indent {
                lines.append(indent + token)
            } else {
                lines[lines.count - 1] += " " + token
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `text` wrapped at spaces to `width` columns; every line indented by `indent` spaces, the
    /// first by `firstIndent` (default: `indent`). Runs of spaces inside a line are kept (`<hex>
    /// <file>` has two); a word longer than a line stands alone.
    package static func wrap(_ text: String, indent: Int, firstIndent: Int? = nil) -> String {
        var lines: [String] = []
        var line = String(repeating: " ", count: firstIndent ?? indent)
        var isLineEmpty = true
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if word.isEmpty && isLineEmpty && !lines.isEmpty { continue }
            if !isLineEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = String(repeating: " ", count: indent)
                isLineEmpty = true
            }
            line += (isLineEmpty ? "" : " ") + word
            isLineEmpty = false
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
