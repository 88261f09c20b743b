import Glibc
import Integrity

/// The bearer token the admin routes require (`Authorization: Bearer <token>`).
///
/// It comes from `MOBIUS_ADMIN_TOKEN` when that is set and not empty, else from a token file:
/// the one named (`--admin-token-file`), or `DATA/admin-token`, created on first start with 32
/// random bytes as 64 hex digits and mode `0600`. A token file that others can read or write
/// (any group or other permission bit) is refused, as ssh refuses such a key. Comparison is in
/// constant time over the SHA-256 of both sides, so neither the content nor the length leaks.
public struct AdminToken: Sendable {
    private let digest: SHA256Digest

    /// Where the token came from, for the start-up line (never the token itself).
    public let origin: String

    /// A token with `value` (tests, and the environment variable).
    public init(value: String, origin: String) {
        digest = SHA256.hash(Array(value.utf8))
        self.origin = origin
    }

    /// Why a token could not be had: one line naming the file and what to do.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// The environment's `MOBIUS_ADMIN_TOKEN`, else the token in `file` (made when missing).
    public static func load(environment: [String: String], file: String) throws(Problem) -> AdminToken {
        if let value = environment["MOBIUS_ADMIN_TOKEN"], !value.isEmpty {
            return AdminToken(value: value, origin: "MOBIUS_ADMIN_TOKEN")
        }
        return AdminToken(value: try readOrCreate(file), origin: file)
    }

    /// The token a client sends (`smoke`, `monitor`): the environment's `MOBIUS_ADMIN_TOKEN`,
    /// else the token in `file`, checked as the server checks it (a regular file, mode 0600 or
    /// stricter); nil when neither exists. The file is never created here.
    public static func clientValue(environment: [String: String], file: String) throws(Problem) -> String? {
        if let value = environment["MOBIUS_ADMIN_TOKEN"], !value.isEmpty { return value }
        return try existingToken(at: file)
    }

    /// Whether `authorization` (the field's value) is `Bearer <this token>`.
    public func accepts(_ authorization: String?) -> Bool {
        guard let authorization else { return false }
        let scheme = authorization.prefix(7)
        guard scheme.lowercased() == "bearer " else { return false }
        let given = authorization.dropFirst(7).drop { $0 == " " }
        return ConstantTime.isEqual(SHA256.hash(Array(given.utf8)).bytes, digest.bytes)
    }

    /// The token in `path`, trimmed of surrounding white space; a new one when the file does not exist.
    static func readOrCreate(_ path: String) throws(Problem) -> String {
        if let token = try existingToken(at: path) { return token }
        return try create(path)
    }

    /// The token in `path`, trimmed of surrounding white space; nil when the file does not exist.
    static func existingToken(at path: String) throws(Problem) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            guard errno == ENOENT else { throw Problem(description: "cannot read the admin token file \(path): \(String(cString: strerror(errno))); fix its permissions or pass --admin-token-file") }
            return nil
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw Problem(description: "the admin token file \(path) is not a regular file; remove it or pass --admin-token-file")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw Problem(description: "the admin token file \(path) is readable or writable by others (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        var bytes = [UInt8](repeating: 0, count: 4097)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw Problem(description: "cannot read the admin token file \(path): \(String(cString: strerror(errno)))") }
        let text = String(decoding: bytes[..<count], as: UTF8.self).trimmingWhiteSpace
        guard count <= 4096, !text.isEmpty else {
            throw Problem(description: "the admin token file \(path) is empty or over 4 KiB; write one token line into it, or delete it to get a new one")
        }
        return text
    }

    /// Creates `path` with mode 0600 holding a new random token, synced; refuses to overwrite.
    private static func create(_ path: String) throws(Problem) -> String {
        let token = Hex.random(byteCount: 32)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw Problem(description: "cannot create the admin token file \(path): \(String(cString: strerror(errno))); make its folder writable or set MOBIUS_ADMIN_TOKEN")
        }
        defer { close(fd) }
        let line = Array((token + "\n").utf8)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else {
            unlink(path)
            throw Problem(description: "cannot write the admin token file \(path): \(String(cString: strerror(errno)))")
        }
        return token
    }
}

extension String {
    /// Without leading and trailing spaces, tabs, CR and LF.
    var trimmingWhiteSpace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
