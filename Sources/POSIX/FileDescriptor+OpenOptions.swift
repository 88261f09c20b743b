#if canImport(Glibc)
import Glibc
#endif

extension FileDescriptor {
    /// What an `open` may do with the file: read, write or both.
    public enum AccessMode: Sendable, Hashable {
        /// `O_RDONLY`.
        case readOnly
        /// `O_WRONLY`.
        case writeOnly
        /// `O_RDWR`.
        case readWrite

        /// The `O_…` access flag.
        var flags: Int32 {
            switch self {
            case .readOnly: return O_RDONLY
            case .writeOnly: return O_WRONLY
            case .readWrite: return O_RDWR
            }
        }
    }

    /// How an `open` treats the path; `O_CLOEXEC` is not among them because the funnel always adds it.
    public struct OpenOptions: OptionSet, Sendable, Hashable {
        /// The `O_…` flags.
        public let rawValue: Int32

        /// Wraps `O_…` flags.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// `O_CREAT`: create the file if it does not exist, with the permissions given to `open`.
        public static let create = OpenOptions(rawValue: O_CREAT)
        /// `O_EXCL`: with `.create`, fail with EEXIST if the file exists.
        public static let exclusive = OpenOptions(rawValue: O_EXCL)
        /// `O_TRUNC`: cut an existing file to length 0.
        public static let truncate = OpenOptions(rawValue: O_TRUNC)
        /// `O_APPEND`: every write goes to the end.
        public static let append = OpenOptions(rawValue: O_APPEND)
        /// `O_DIRECTORY`: fail with ENOTDIR unless the path is a folder.
        public static let directory = OpenOptions(rawValue: O_DIRECTORY)
        /// `O_NOFOLLOW`: fail with ELOOP if the last component is a symbolic link.
        public static let noFollow = OpenOptions(rawValue: O_NOFOLLOW)
        /// `O_NONBLOCK`.
        public static let nonBlocking = OpenOptions(rawValue: O_NONBLOCK)
    }
}
