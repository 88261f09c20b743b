/// Permission bits for a created file or folder (`mode_t`), e.g. `0o644`; the umask still applies.
public struct FilePermissions: RawRepresentable, Sendable, Hashable, ExpressibleByIntegerLiteral {
    /// The mode bits.
    public let rawValue: UInt32

    /// Wraps mode bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Mode bits written as a literal: `0o644`.
    public init(integerLiteral value: UInt32) { self.rawValue = value }

    /// `0o644`: the owner reads and writes, everyone else reads — the default for files.
    public static let file: FilePermissions = 0o644
    /// `0o755`: the owner may change it, everyone may list and enter it — the default for folders.
    public static let directory: FilePermissions = 0o755
}
