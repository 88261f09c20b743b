/// A declared `--name VALUE` option whose parsed value is a `Value`.
///
/// Declare it once, as a `static let` of the command (or option group) that takes it, and list
/// it in the command's `CommandSpec`; read it back with `arguments.value(of:)`,
/// `arguments.values(of:)` or, when it has a default, `arguments[option]`.
///
///     static let size = Option.integer("--size", in: 2...64, default: 8, help: "ImageHash's hash_size")
package struct Option<Value: Sendable>: CommandArgument {
    package let spec: ArgumentSpec
    /// The value used when the option is not given; nil when there is none.
    package let defaultValue: Value?

    /// An option whose text `convert` turns into a `Value`, throwing `ValueProblem` to refuse it.
    ///
    /// - Parameters:
    ///   - accepted: what help says is accepted (`2 to 64`); nil when `help` says it.
    ///   - defaultText: how help shows the default; `String(describing: defaultValue)` when nil.
    ///   - repeatable: whether it may be given more than once (read with `values(of:)`).
    package init(_ name: String, value valueName: String, help: String, accepted: String? = nil,
                 default defaultValue: Value? = nil, shownAs defaultText: String? = nil, repeatable: Bool = false,
                 invalidUTF8Advice: String? = nil, convert: @escaping @Sendable (String) throws(ValueProblem) -> Value) {
        self.defaultValue = defaultValue
        spec = ArgumentSpec(kind: .option, name: name, valueName: valueName, help: help, accepted: accepted,
                            defaultText: defaultText ?? defaultValue.map { String(describing: $0) },
                            isRepeatable: repeatable, invalidUTF8Advice: invalidUTF8Advice) { text throws(ValueProblem) in
            try convert(text)
        }
    }
}

extension Option where Value == String {
    /// An option taking any text.
    package init(_ name: String, value valueName: String, help: String, default defaultValue: String? = nil,
                 shownAs defaultText: String? = nil, repeatable: Bool = false, invalidUTF8Advice: String? = nil) {
        self.init(name, value: valueName, help: help, default: defaultValue, shownAs: defaultText, repeatable: repeatable,
                  invalidUTF8Advice: invalidUTF8Advice) { text in text }
    }

    /// An option taking any text that must be given (`--out FILE`, shown without brackets);
    /// parsing fails with `needs --out FILE; <whenMissing>` when it is not.
    package init(required name: String, value valueName: String, help: String, whenMissing: String, invalidUTF8Advice: String? = nil) {
        defaultValue = nil
        spec = ArgumentSpec(kind: .option, name: name, valueName: valueName, help: help, isRequired: true, whenMissing: whenMissing,
                            invalidUTF8Advice: invalidUTF8Advice) { text in text }
    }
}

extension Option where Value == Int {
    /// An option taking a whole number within `range` (decimal digits, optionally signed).
    package static func integer(_ name: String, value valueName: String = "N", in range: ClosedRange<Int>,
                                default defaultValue: Int? = nil, shownAs defaultText: String? = nil, help: String) -> Option<Int> {
        let accepted = range.upperBound == Int.max ? "\(range.lowerBound) or more" : "\(range.lowerBound) to \(range.upperBound)"
        let expected = range.upperBound == Int.max ? "a whole number of at least \(range.lowerBound)"
            : "a whole number from \(range.lowerBound) to \(range.upperBound)"
        return Option(name, value: valueName, help: help, accepted: accepted, default: defaultValue, shownAs: defaultText) { text throws(ValueProblem) in
            guard let value = Int(text), range.contains(value) else { throw ValueProblem(expected: expected) }
            return value
        }
    }

    /// An option taking a size in bytes within `range`: digits, optionally followed by `KiB`,
    /// `MiB` or `GiB` (or `K`, `M`, `G`; all binary, any case), e.g. `4096`, `64MiB`.
    package static func byteCount(_ name: String, value valueName: String = "BYTES", in range: ClosedRange<Int>,
                                  default defaultValue: Int, help: String) -> Option<Int> {
        let accepted = "\(ByteCount.text(range.lowerBound)) to \(ByteCount.text(range.upperBound)), as 64MiB or 4096"
        let expected = "a size from \(ByteCount.text(range.lowerBound)) to \(ByteCount.text(range.upperBound)) such as 64MiB or 4096"
        return Option(name, value: valueName, help: help, accepted: accepted, default: defaultValue,
                      shownAs: ByteCount.text(defaultValue)) { text throws(ValueProblem) in
            guard let value = ByteCount.parse(text), range.contains(value) else { throw ValueProblem(expected: expected) }
            return value
        }
    }
}

extension Option where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// An option taking one of `Value`'s raw values.
    package static func choice(_ name: String, value valueName: String, default defaultValue: Value? = nil, help: String) -> Option<Value> {
        let names = Value.allCases.map(\.rawValue)
        let listed = names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
        return Option(name, value: valueName, help: help, accepted: listed, default: defaultValue,
                      shownAs: defaultValue?.rawValue) { text throws(ValueProblem) in
            guard let value = Value(rawValue: text) else { throw ValueProblem(expected: listed) }
            return value
        }
    }
}

/// A declared `--name` flag: present or not.
package struct Flag: CommandArgument {
    package let spec: ArgumentSpec

    /// A flag; giving it twice is refused.
    package init(_ name: String, help: String) {
        spec = ArgumentSpec(kind: .flag, name: name, valueName: nil, help: help) { _ in true }
    }
}

/// A declared positional argument (`FILE…`): the words that are not options, in order.
package struct Positional<Value: Sendable>: CommandArgument {
    package let spec: ArgumentSpec

    /// A positional whose words `convert` turns into `Value`s.
    ///
    /// - Parameters:
    ///   - repeatable: takes every remaining word (only the last positional may).
    ///   - whenMissing: for a required positional, what the error says to do (`name the image files`).
    package init(_ valueName: String, help: String, repeatable: Bool = false, required: Bool = false,
                 whenMissing: String? = nil, invalidUTF8Advice: String? = nil,
                 convert: @escaping @Sendable (String) throws(ValueProblem) -> Value) {
        precondition(!required || whenMissing != nil, "a required positional says what to do when it is missing")
        spec = ArgumentSpec(kind: .positional, name: valueName, valueName: valueName, help: help, isRepeatable: repeatable,
                            isRequired: required, whenMissing: whenMissing, invalidUTF8Advice: invalidUTF8Advice) { text throws(ValueProblem) in
            try convert(text)
        }
    }
}

extension Positional where Value == String {
    /// A positional taking any text.
    package init(_ valueName: String, help: String, repeatable: Bool = false, required: Bool = false,
                 whenMissing: String? = nil, invalidUTF8Advice: String? = nil) {
        self.init(valueName, help: help, repeatable: repeatable, required: required, whenMissing: whenMissing,
                  invalidUTF8Advice: invalidUTF8Advice) { text in text }
    }
}
