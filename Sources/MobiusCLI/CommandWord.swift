#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One word of the command line as text, remembering whether its bytes were valid UTF-8.
///
/// Swift's `CommandLine.arguments` replaces bytes that are not UTF-8 with U+FFFD, which would
/// turn an existing file name into a missing one; the scanner refuses such a word with one line
/// saying which argument it was and what to do, instead of acting on the altered text.
package struct CommandWord: Sendable, Equatable, ExpressibleByStringLiteral {
    /// The word, with invalid bytes replaced by U+FFFD.
    package let text: String
    /// Whether the original bytes were valid UTF-8 (`text` is then exactly them).
    package let isValidUTF8: Bool

    /// A word from its raw bytes.
    package init(bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
        isValidUTF8 = String(validating: bytes, as: UTF8.self) != nil
    }

    /// A word that was valid UTF-8 text.
    package init(_ text: String) {
        self.text = text
        isValidUTF8 = true
    }

    package init(stringLiteral text: String) { self.init(text) }

    /// The process's own arguments, without the program name, from `argv`'s bytes.
    package static func processArguments() -> [CommandWord] {
        // argc may be 0 (execve with an empty argv): then there are no arguments, not a crash.
        (0..<Int(CommandLine.argc)).dropFirst().map { index in
            guard let pointer = CommandLine.unsafeArgv[index] else { return CommandWord("") }
            return CommandWord(bytes: Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map(UInt8.init(bitPattern:)))
        }
    }
}
