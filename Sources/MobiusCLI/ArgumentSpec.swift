/// One option, flag or positional argument as a command declares it, once: the scanner accepts
/// what this says, help prints what this says, and README's command table is checked against it.
///
/// Commands do not build these directly; they declare typed handles (`Option`, `Flag`,
/// `Positional`) whose `spec` this is, and read the parsed values back through those handles.
package struct ArgumentSpec: Sendable {
    /// The three shapes an argument can take on the command line.
    package enum Kind: Sendable, Equatable {
        /// `--name VALUE` or `--name=VALUE`.
        case option
        /// `--name` alone.
        case flag
        /// A word that is not an option, taken in order.
        case positional
    }

    /// Which shape.
    package let kind: Kind
    /// `--name` for options and flags; the value name (`FILE`) for positionals.
    package let name: String
    /// What the value stands for in usage and help (`N`, `DIR`, `JSON`); nil for flags.
    package let valueName: String?
    /// What the argument does, as help prints it (one sentence; help wraps it).
    package let help: String
    /// The values accepted, as help prints them (`2 to 64`, `always, batch or none`); nil when
    /// any text is.
    package let accepted: String?
    /// The default as help prints it (`8`, `the current folder`); nil when there is none.
    package let defaultText: String?
    /// Whether it may be given more than once (`--type T…`, `FILE…`).
    package let isRepeatable: Bool
    /// For positionals: whether at least one must be given; for options: whether it must be given.
    package let isRequired: Bool
    /// For a required positional or option that is missing: what the error says to do.
    package let whenMissing: String?
    /// What to do about a value that is not valid UTF-8 (the error says which argument it was).
    package let invalidUTF8Advice: String
    /// Turns a value's text into the typed value, or says why it cannot.
    let convert: @Sendable (String) throws(ValueProblem) -> any Sendable

    /// The advice given for a value that is not valid UTF-8 when a declaration names none.
    package static let defaultInvalidUTF8Advice = "give it as UTF-8 text"

    /// A declaration; `precondition`s catch shapes the scanner cannot parse (programmer errors).
    init(kind: Kind, name: String, valueName: String?, help: String, accepted: String? = nil, defaultText: String? = nil,
         isRepeatable: Bool = false, isRequired: Bool = false, whenMissing: String? = nil,
         invalidUTF8Advice: String? = nil, convert: @escaping @Sendable (String) throws(ValueProblem) -> any Sendable) {
        switch kind {
        case .option, .flag:
            precondition(name.hasPrefix("--") && name.count > 2 && !name.contains("="), "options are spelled --name: \(name)")
            precondition((kind == .option) == (valueName != nil), "an option has a value name, a flag has none: \(name)")
        case .positional:
            precondition(!name.hasPrefix("-") && valueName == name, "a positional is named by its value name: \(name)")
        }
        precondition(!help.isEmpty, "every argument has help: \(name)")
        self.kind = kind
        self.name = name
        self.valueName = valueName
        self.help = help
        self.accepted = accepted
        self.defaultText = defaultText
        self.isRepeatable = isRepeatable
        self.isRequired = isRequired
        self.whenMissing = whenMissing
        self.invalidUTF8Advice = invalidUTF8Advice ?? ArgumentSpec.defaultInvalidUTF8Advice
        self.convert = convert
    }

    /// How usage shows it: `[--size N]`, `[--type T]…`, `[--json]`, `FILE…`, `[COMMAND…]`.
    package var synopsis: String {
        switch kind {
        case .flag: return "[\(name)]"
        case .option: return isRequired ? "\(name) \(valueName!)" : "[\(name) \(valueName!)]" + (isRepeatable ? "…" : "")
        case .positional:
            let word = name + (isRepeatable ? "…" : "")
            return isRequired ? word : "[\(word)]"
        }
    }

    /// How the help's list shows it: `--size N`, `--json`, `FILE…`.
    package var label: String {
        switch kind {
        case .flag: return name
        case .option: return "\(name) \(valueName!)"
        case .positional: return name + (isRepeatable ? "…" : "")
        }
    }

    /// The help line's text with what is accepted and the default: `… (2 to 64; default: 8)`.
    package var helpWithDetails: String {
        let details = [accepted, defaultText.map { "default: \($0)" }].compactMap { $0 }
        return details.isEmpty ? help : "\(help) (\(details.joined(separator: "; ")))"
    }
}

/// Anything a command declares as an argument: the typed handles `Option`, `Flag`, `Positional`.
package protocol CommandArgument: Sendable {
    /// The declaration behind the handle.
    var spec: ArgumentSpec { get }
}

/// Why a value was refused: what the argument takes, and, when there is more to say, why this
/// text is not that.
///
/// The scanner turns it into one line naming the argument and echoing the value:
/// `--size takes a whole number from 2 to 64, not '1'`.
package struct ValueProblem: Error, Sendable, Equatable {
    /// What the argument takes, e.g. `a whole number from 2 to 64`.
    package var expected: String
    /// Why this value is not that, when the value alone does not show it (`February 2026 has 28 days`).
    package var reason: String?

    /// A problem stating what was expected and, optionally, why the value is not it.
    package init(expected: String, reason: String? = nil) {
        self.expected = expected
        self.reason = reason
    }
}
