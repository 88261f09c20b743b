/// A path on the file system: a validated string with lexical operations, passed to syscalls as a C string.
///
/// A path never contains a NUL byte — a C string would end there and name a different file — and
/// is never empty. Text from outside the program (a request body, a configuration file, a
/// command-line argument) becomes a path only through the failable `init(validating:)`, which
/// refuses both. Literals in the source are paths directly (`let root: FilePath = "/"`; note that
/// `FilePath("…")` with a literal is the same literal conversion, by SE-0213), and a NUL or an
/// empty literal is a programmer error.
///
/// The form is normalised only where meaning cannot change: runs of `/` become one and a trailing
/// `/` is dropped (except for `/` itself). Everything else is kept literally: `.` and `..` are
/// names like any other, so `a/../b` stays `a/../b` and `parent` of `a/..` is `a`. Resolving a
/// path (symbolic links, `..`) is the kernel's job; a caller that must keep a path inside a root
/// resolves it there (`realpath`) and compares, never trusts lexical checks.
public struct FilePath: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The normalised text of the path.
    public let string: String

    /// Validates `string` as a path; nil if it is empty or contains a NUL byte.
    public init?(validating string: String) {
        guard !string.isEmpty, !string.utf8.contains(0) else { return nil }
        self.string = FilePath.normalised(string)
    }

    /// A path written in the source; a NUL or an empty literal is a programmer error.
    public init(stringLiteral value: String) {
        guard let path = FilePath(validating: value) else {
            preconditionFailure("path literal \(String(reflecting: value)) is empty or contains a NUL byte")
        }
        self = path
    }

    /// Whether the path starts at the root (`/`) rather than at the working folder.
    public var isAbsolute: Bool { string.utf8.first == UInt8(ascii: "/") }

    /// The names between the slashes, in order; `/` has none, and `.` and `..` are kept as given.
    public var components: [String] {
        string.split(separator: "/").map(String.init)
    }

    /// The last name in the path (`c` for `a/b/c`, `..` for `a/..`); nil for `/`.
    public var lastComponent: String? { components.last }

    /// The path with its last component removed, lexically.
    ///
    /// `/a` → `/`, `a/b` → `a`, a single relative name `a` → `.`; `/` and `.` have no parent
    /// (nil), so a loop that climbs with `parent` ends. `..` counts as a name: the parent of
    /// `a/..` is `a`, and of `..` is `.`.
    public var parent: FilePath? {
        var parts = components
        if parts.isEmpty || (!isAbsolute && parts == ["."]) { return nil }
        parts.removeLast()
        if parts.isEmpty { return isAbsolute ? "/" : "." }
        return FilePath(trusted: (isAbsolute ? "/" : "") + parts.joined(separator: "/"))
    }

    /// This path followed by `component` (which may hold several names separated by `/`).
    ///
    /// A leading `/` in `component` does not restart at the root: the names are appended.
    /// `component` must come from the program or the kernel (a constant, a name read from a
    /// folder); text from outside goes through `FilePath(validating:)` first, which refuses NUL. A NUL here
    /// is a programmer error.
    public func appending(_ component: String) -> FilePath {
        precondition(!component.utf8.contains(0), "path component \(String(reflecting: component)) contains a NUL byte")
        let names = component.split(separator: "/")
        if names.isEmpty { return self }
        let joined = names.joined(separator: "/")
        return FilePath(trusted: string == "/" ? "/" + joined : string + "/" + joined)
    }

    /// This path followed by `other`'s components (a leading `/` in `other` does not restart at the root).
    public func appending(_ other: FilePath) -> FilePath { appending(other.string) }

    /// Runs `body` with the path as a NUL-terminated C string, valid only during the call.
    public func withCString<Result>(_ body: (UnsafePointer<CChar>) -> Result) -> Result {
        string.withCString(body)
    }

    /// The path as text.
    public var description: String { string }

    /// `string` already known to be valid and normalised.
    private init(trusted string: String) { self.string = string }

    private static func normalised(_ string: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count)
        for byte in string.utf8 where !(byte == UInt8(ascii: "/") && bytes.last == UInt8(ascii: "/")) {
            bytes.append(byte)
        }
        if bytes.count > 1 && bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
