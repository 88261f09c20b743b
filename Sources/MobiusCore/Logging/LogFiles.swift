import Journal
import POSIX

/// Log files in a folder (`serve --log-dir DIR`): `application-YYYY-MM-DD.log` gets every
/// record, `error-YYYY-MM-DD.log` those at `error` and above.
///
/// A file is rotated at UTC midnight (the day's file is closed and the next day's begun) and
/// when it passes `fileByteLimit` (renamed `…-YYYY-MM-DD.N.log`); rotated files are gzipped
/// (`.log.gz`, readable by `zcat`) and the uncompressed copy removed. Files whose date is more
/// than `retentionDays` before today are deleted at each rotation. Not thread-safe: the logger
/// serialises calls.
final class LogFiles {
    private let directory: String
    private let kernel: Kernel
    private let fileByteLimit: Int
    private let retentionDays: Int
    private var open: [String: (fd: FileDescriptor, size: Int, day: String)] = [:]

    /// Log files in `directory` (created if missing).
    init(directory: String, fileByteLimit: Int = 64 << 20, retentionDays: Int = 14, kernel: Kernel = .live) throws(SystemError) {
        self.directory = directory
        self.kernel = kernel
        self.fileByteLimit = fileByteLimit
        self.retentionDays = retentionDays
        _ = try kernel.makeDirectory(LogFiles.path(directory))
    }

    deinit { for (_, file) in open { try? kernel.close(file.fd) } }

    /// Appends `line` (a newline is added) to the application log, and to the error log when
    /// `isError`, for the day of `timestamp`.
    func write(_ line: [UInt8], isError: Bool, timestamp: UInt64) throws(SystemError) {
        let day = String(Timestamp.iso8601(microseconds: timestamp).prefix(10))
        try append(line + [0x0A], to: "application", day: day)
        if isError { try append(line + [0x0A], to: "error", day: day) }
    }

    private func append(_ bytes: [UInt8], to kind: String, day: String) throws(SystemError) {
        if let file = open[kind], file.day != day || file.size + bytes.count > fileByteLimit && file.size > 0 {
            try rotate(kind, file, dayChanged: file.day != day)
        }
        if open[kind] == nil {
            let path = LogFiles.path(directory + "/\(kind)-\(day).log")
            let fd = try kernel.open(path, .writeOnly, options: [.create])
            open[kind] = (fd, try kernel.size(fd), day)
        }
        let file = open[kind]!
        try kernel.write(file.fd, bytes, at: file.size, path: LogFiles.path(directory + "/\(kind)-\(file.day).log"))
        open[kind]!.size += bytes.count
    }

    /// Closes `file`, moves it to the next free `.N.log` name, gzips that, then drops files
    /// past the retention period.
    private func rotate(_ kind: String, _ file: (fd: FileDescriptor, size: Int, day: String), dayChanged: Bool) throws(SystemError) {
        try kernel.close(file.fd)
        open[kind] = nil
        let current = directory + "/\(kind)-\(file.day).log"
        let names = Set(try kernel.list(LogFiles.path(directory)))
        var number = 1
        while names.contains("\(kind)-\(file.day).\(number).log.gz") || names.contains("\(kind)-\(file.day).\(number).log") { number += 1 }
        let rotated = directory + "/\(kind)-\(file.day).\(number).log"
        try kernel.rename(LogFiles.path(current), to: LogFiles.path(rotated))
        try gzip(rotated)
        if dayChanged { try dropExpired(today: file.day) }
    }

    /// Replaces `path` by `path.gz`.
    private func gzip(_ path: String) throws(SystemError) {
        let source = LogFiles.path(path)
        let fd = try kernel.open(source, .readOnly)
        var bytes = [UInt8](repeating: 0, count: try kernel.size(fd))
        let count = try kernel.read(fd, into: &bytes, at: 0)
        try kernel.close(fd)
        let compressed = Gzip.compress(Array(bytes[..<count]))
        let target = LogFiles.path(path + ".gz")
        let out = try kernel.open(target, .writeOnly, options: [.create, .truncate])
        try kernel.write(out, compressed, at: 0, path: target)
        try kernel.syncData(out, path: target)
        try kernel.close(out)
        _ = try kernel.remove(source)
    }

    /// Deletes log files dated more than `retentionDays` before `today`.
    private func dropExpired(today: String) throws(SystemError) {
        guard let todayMicros = Timestamp.parse(today) else { return }
        let cutoff = todayMicros - UInt64(retentionDays) * 86_400_000_000
        for name in try kernel.list(LogFiles.path(directory)) where name.hasPrefix("application-") || name.hasPrefix("error-") {
            let date = name.drop { $0 != "-" }.dropFirst().prefix(10)
            guard let micros = Timestamp.parse(String(date)), micros < cutoff else { continue }
            _ = try kernel.remove(LogFiles.path(directory + "/" + name))
        }
    }

    private static func path(_ text: String) -> FilePath {
        guard let path = FilePath(validating: text) else { preconditionFailure("log path \(text) is empty or holds NUL") }
        return path
    }
}
