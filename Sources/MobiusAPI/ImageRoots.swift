import Glibc

/// The folders `POST /api/dhash/extract {"imagePath"}` may read from. A path is resolved (relative
/// ones against the first root), every symlink followed, and accepted only when the real path
/// lies inside a root's real path: `..`, absolute paths elsewhere and symlinks leading out are
/// all refused the same way.
public struct ImageRoots: Sendable {
    /// The roots' real paths (roots that do not exist are left out).
    public let realPaths: [String]

    /// Roots as given (`--image-root`); each is resolved once, now.
    public init(_ roots: [String]) {
        realPaths = roots.compactMap(Self.realPath)
    }

    /// Where a path resolves to.
    public enum Resolution: Sendable, Equatable {
        /// Inside a root: the real path to read.
        case inside(String)
        /// Outside every root (403).
        case outside
        /// Nothing there (404).
        case missing
    }

    /// Resolves `path` (see the type's documentation).
    public func resolve(_ path: String) -> Resolution {
        guard let first = realPaths.first, !path.isEmpty, !path.utf8.contains(0) else { return .missing }
        let joined = path.hasPrefix("/") ? path : first + "/" + path
        guard let real = Self.realPath(joined) else {
            // A missing file inside a root is 404; a path that would leave the roots is 403 either way.
            let parent = String(joined[..<(joined.lastIndex(of: "/") ?? joined.endIndex)])
            if let realParent = Self.realPath(parent.isEmpty ? "/" : parent), isInside(realParent) { return .missing }
            return .outside
        }
        return isInside(real) ? .inside(real) : .outside
    }

    private func isInside(_ real: String) -> Bool {
        realPaths.contains { root in real == root || real.hasPrefix(root == "/" ? "/" : root + "/") }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
