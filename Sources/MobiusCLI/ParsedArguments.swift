/// The values the scanner found for one command, read back through the command's typed handles.
///
/// Values were converted and checked as they were scanned, so reading cannot fail; reading a
/// handle the command did not declare is a programmer error and stops with a precondition.
package struct ParsedArguments: Sendable {
    /// The command whose arguments these are.
    package let spec: CommandSpec
    private var valuesByName: [String: [any Sendable]] = [:]

    /// No values yet, for `spec`.
    init(spec: CommandSpec) { self.spec = spec }

    /// Records one more value for the argument `name`.
    mutating func record(_ value: any Sendable, for name: String) {
        valuesByName[name, default: []].append(value)
    }

    /// How many times the argument `name` was given.
    func count(of name: String) -> Int { valuesByName[name]?.count ?? 0 }

    /// The value given for `option`, else its default; nil when it has neither.
    package func value<Value>(of option: Option<Value>) -> Value? {
        let values: [Value] = given(option)
        return values.last ?? option.defaultValue
    }

    /// The value given for `option`, else its default; for options declared with a default.
    package subscript<Value>(option: Option<Value>) -> Value {
        guard let value = value(of: option) else { preconditionFailure("\(option.spec.name) has no default; read it with value(of:)") }
        return value
    }

    /// Every value given for a repeatable `option`, in order; empty when none was.
    package func values<Value>(of option: Option<Value>) -> [Value] { given(option) }

    /// Whether `flag` was given.
    package func isSet(_ flag: Flag) -> Bool { isGiven(flag) }

    /// Whether `argument` appeared on the command line at all (a default does not count).
    package func isGiven(_ argument: some CommandArgument) -> Bool {
        requireDeclared(argument)
        return count(of: argument.spec.name) > 0
    }

    /// The words given for `positional`, converted, in order.
    package func values<Value>(of positional: Positional<Value>) -> [Value] { given(positional) }

    private func requireDeclared(_ argument: some CommandArgument) {
        precondition(spec.declares(argument), "\(spec.name) reads \(argument.spec.name) without declaring it")
    }

    private func given<Value>(_ argument: some CommandArgument) -> [Value] {
        requireDeclared(argument)
        return (valuesByName[argument.spec.name] ?? []).map { value in
            guard let typed = value as? Value else { preconditionFailure("\(argument.spec.name) holds a \(type(of: value))") }
            return typed
        }
    }
}
