/// The words after the command name, consumed option by option.
///
/// Commands pull what they know (`option`, `flag`, `values`) and finally call `finish`, which
/// rejects anything left over. Every mistake is a `UsageError`: one line, exit status 2.
package struct ArgumentList {
    private var words: [String]
    private var positionals: [String] = []

    /// Wraps the words that follow the command name.
    package init(_ words: [String]) { self.words = words }

    /// Removes `--name VALUE` (or `--name=VALUE`) and returns VALUE; nil when absent.
    /// Given more than once, the last one wins.
    package mutating func option(_ name: String) throws(UsageError) -> String? {
        try values(name).last
    }

    /// Removes every `--name VALUE` and returns the values in order.
    package mutating func values(_ name: String) throws(UsageError) -> [String] {
        var found: [String] = []
        var index = 0
        var remaining: [String] = []
        while index < words.count {
            let word = words[index]
            if word == "--" {
                remaining.append(contentsOf: words[index...])
                break
            }
            if word == name {
                guard index + 1 < words.count else { throw UsageError("\(name) needs a value") }
                found.append(words[index + 1])
                index += 2
                continue
            }
            if word.hasPrefix(name + "=") {
                found.append(String(word.dropFirst(name.count + 1)))
                index += 1
                continue
            }
            remaining.append(word)
            index += 1
        }
        words = remaining
        return found
    }

    /// Removes `--name` and returns whether it was there.
    package mutating func flag(_ name: String) -> Bool {
        let before = words.count
        words.removeAll { $0 == name }
        return words.count != before
    }

    /// Removes `--name N` and parses N as an integer within `range`.
    package mutating func integer(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = try option(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// Removes and returns the words that are not options (after all options were taken).
    /// A lone `-` is a positional (standard input); `--` ends option parsing.
    package mutating func remainingPositionals() throws(UsageError) -> [String] {
        var result: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--" {
                result.append(contentsOf: words[(index + 1)...])
                break
            }
            if word.hasPrefix("-") && word != "-" {
                throw UsageError("unknown option '\(word)'; see 'mobius-dhash help'")
            }
            result.append(word)
            index += 1
        }
        words = []
        return result
    }

    /// Fails on any word nobody consumed.
    package mutating func finish() throws(UsageError) {
        let leftover = try remainingPositionals()
        if let first = leftover.first {
            throw UsageError("unexpected argument '\(first)'; see 'mobius-dhash help'")
        }
    }
}

/// A mistake in how the command was called: reported on one line, exit status 2.
package struct UsageError: Error, CustomStringConvertible {
    /// What was wrong and what to do instead.
    package var description: String

    /// Wraps a one-line explanation.
    package init(_ description: String) { self.description = description }
}
