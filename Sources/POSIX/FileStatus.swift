/// An open file's size and kind, from `fstat` (`Kernel.status`).
public struct FileStatus: Sendable, Equatable {
    /// What kind of file.
    public enum Kind: Sendable, Equatable {
        /// A regular file.
        case regularFile
        /// A folder.
        case directory
        /// A pipe, device, socket or anything else.
        case other
    }

    /// Its size in bytes (meaningful for regular files).
    public var size: Int
    /// What kind of file it is.
    public var kind: Kind

    /// A status with the given fields.
    public init(size: Int, kind: Kind) {
        self.size = size
        self.kind = kind
    }
}
