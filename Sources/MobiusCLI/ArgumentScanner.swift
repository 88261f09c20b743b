import MobiusCore
/// Reads a command's words against its `CommandSpec` in one pass, in order.
///
/// - `--name VALUE` and `--name=VALUE` give an option its value; `--flag` sets a flag.
/// - An option's value may not be a word starting with `--`, nor `-h` (that is an option after
///   one whose value was forgotten); `--name=--value` gives such a value on purpose. Other
///   values with one leading `-` are fine.
/// - `--` ends the options: every later word is positional. A lone `-` is positional (standard
///   input).
/// - `--help` and `-h` anywhere before `--` ask for the command's help, which wins over any
///   mistake elsewhere on the line.
/// - Unknown options are refused, naming the nearest known one when it is close; an option or
///   flag that does not repeat is refused the second time; values are converted and checked as
///   they are read, so the first mistake in the line is the one reported.
///
/// Nothing here depends on the order the command later reads its values in.
package struct ArgumentScanner {
    /// What the words asked for.
    package enum Outcome: Sendable {
        /// `--help` or `-h` was given.
        case helpRequested
        /// The values, converted and checked.
        case parsed(ParsedArguments)
    }

    private let spec: CommandSpec
    private let commandName: String
    private let ownersOfOption: (String) -> [String]
    private var parsed: ParsedArguments
    private var positionalWords: [(word: CommandWord, position: Int)] = []
    private var firstFailure: CommandFailure?
    private var isHelpRequested = false

    /// Scans `words` (a slice of the whole command line, so that positions count from its start)
    /// for the command `spec` at `commandPath`. `ownersOfOption` names the other commands that
    /// take an option this one does not, so the error can point there.
    package static func scan(_ words: ArraySlice<CommandWord>, for spec: CommandSpec, commandPath: [String],
                             ownersOfOption: @escaping (String) -> [String] = { _ in [] }) throws(CommandFailure) -> Outcome {
        var scanner = ArgumentScanner(spec: spec, commandName: commandPath.joined(separator: " "),
                                      ownersOfOption: ownersOfOption, parsed: ParsedArguments(spec: spec))
        return try scanner.scan(words)
    }

    private init(spec: CommandSpec, commandName: String, ownersOfOption: @escaping (String) -> [String], parsed: ParsedArguments) {
        self.spec = spec
        self.commandName = commandName
        self.ownersOfOption = ownersOfOption
        self.parsed = parsed
    }

    private mutating func scan(_ words: ArraySlice<CommandWord>) throws(CommandFailure) -> Outcome {
        var index = words.startIndex
        var areOptionsOver = false
        while index < words.endIndex {
            let word = words[index]
            index += 1
            if areOptionsOver || word.text == "-" || !word.text.hasPrefix("-") {
                positionalWords.append((word, index))
            } else if word.text == "--" {
                areOptionsOver = true
            } else if word.text == "--help" || word.text == "-h" {
                isHelpRequested = true
            } else {
                readOption(word, position: index, words: words, next: &index)
            }
        }
        if isHelpRequested { return .helpRequested }
        if let firstFailure { throw firstFailure }
        if let missing = spec.options.first(where: { $0.isRequired && parsed.count(of: $0.name) == 0 }) {
            throw .usage("needs \(missing.name) \(missing.valueName!); \(missing.whenMissing!)", argument: missing.name)
        }
        try assignPositionals()
        return .parsed(parsed)
    }

    /// Reads the option `word` and, when it takes one, its value (advancing `next` past it).
    private mutating func readOption(_ word: CommandWord, position: Int, words: ArraySlice<CommandWord>, next: inout Int) {
        guard word.text.hasPrefix("--") else {
            return fail(.usage("unknown option '\(Echoed(word.text))'; the only short option is -h (write -- before an argument that starts with '-')",
                               argument: word.text))
        }
        let parts = word.text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard let option = spec.option(named: name) else { return fail(unknownOption(name)) }
        guard option.isRepeatable || parsed.count(of: name) == 0 else {
            return fail(.usage("\(name) was given twice; give it once", argument: name))
        }
        if option.kind == .flag {
            guard parts.count == 1 else { return fail(.usage("\(name) takes no value; write \(name) alone", argument: name)) }
            return parsed.record(true, for: name)
        }
        var value = CommandWord(parts.count == 2 ? String(parts[1]) : "")
        var valuePosition = position
        if parts.count == 1 {
            guard next < words.endIndex else {
                return fail(.usage("\(name) needs a value (\(option.valueName!)); none followed it", argument: name))
            }
            guard !words[next].text.hasPrefix("--") && words[next].text != "-h" else {
                return fail(.usage("\(name) needs a value; got the option '\(Echoed(words[next].text))' (write \(name)=VALUE for a value that starts with --)", argument: name))
            }
            value = words[next]
            next += 1
            valuePosition = next
        }
        guard value.isValidUTF8 && word.isValidUTF8 else {
            return fail(.usage("the value of \(name) (argument \(valuePosition), '\(Echoed(value.text))') is not valid UTF-8; \(option.invalidUTF8Advice)",
                               argument: name))
        }
        do {
            parsed.record(try option.convert(value.text), for: name)
        } catch {
            fail(refusal(of: value.text, by: option, problem: error))
        }
    }

    /// Hands the positional words to the declared positionals, in order.
    private mutating func assignPositionals() throws(CommandFailure) {
        var remaining = positionalWords[...]
        for positional in spec.positionals {
            let taken = positional.isRepeatable ? remaining : remaining.prefix(1)
            if taken.isEmpty && positional.isRequired {
                throw .usage("needs \(positional.isRepeatable ? "at least one " : "")\(positional.name); \(positional.whenMissing!)", argument: positional.name)
            }
            for (word, position) in taken {
                guard word.isValidUTF8 else {
                    throw .usage("argument \(position) ('\(Echoed(word.text))') is not valid UTF-8; \(positional.invalidUTF8Advice)", argument: positional.name)
                }
                do {
                    parsed.record(try positional.convert(word.text), for: positional.name)
                } catch {
                    throw refusal(of: word.text, by: positional, problem: error)
                }
            }
            remaining = remaining.dropFirst(taken.count)
        }
        if let extra = remaining.first {
            let takes = spec.positionals.isEmpty ? "takes no arguments" : "takes only \(spec.positionals.map(\.synopsis).joined(separator: " "))"
            throw .usage("unexpected argument '\(Echoed(extra.word.text))'; \(commandName) \(takes)")
        }
    }

    private mutating func fail(_ failure: CommandFailure) {
        if firstFailure == nil { firstFailure = failure }
    }

    private func refusal(of text: String, by argument: ArgumentSpec, problem: ValueProblem) -> CommandFailure {
        .usage("\(argument.name) takes \(problem.expected), not '\(Echoed(text))'" + (problem.reason.map { " (\($0))" } ?? ""),
               argument: argument.name)
    }

    private func unknownOption(_ name: String) -> CommandFailure {
        let known = spec.options.map(\.name)
        // --help only when one edit away: `--deep` is not a misspelt `--help`.
        let isHelpMisspelt = NameSuggestion.distance(Array(name.unicodeScalars), Array("--help".unicodeScalars)) <= 1
        if let nearest = NameSuggestion.nearest(to: name, among: known) ?? (isHelpMisspelt ? "--help" : nil) {
            return .usage("unknown option '\(Echoed(name))'; did you mean '\(nearest)'?", argument: name)
        }
        let takes = known.isEmpty ? "\(commandName) takes no options" : "\(commandName) takes \(known.joined(separator: ", "))"
        let owners = ownersOfOption(name)
        let elsewhere = owners.isEmpty ? "" : " (an option of \(owners.joined(separator: ", ")))"
        return .usage("unknown option '\(Echoed(name))'\(elsewhere); \(takes)", argument: name)
    }
}
