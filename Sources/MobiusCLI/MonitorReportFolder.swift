import Foundation
import MobiusCore
import POSIX

/// The folder the monitor writes into: checkpoint files created once each (`O_EXCL`, so a
/// second write of one fails instead of replacing it) and the running report replaced
/// atomically (written beside it, synced, renamed). Every file is synced before it counts.
struct MonitorReportFolder {
    /// A write that failed, in one line.
    struct Failure: Error {
        var message: String
    }

    /// The folder, as given.
    let path: String
    private let kernel = Kernel.live

    /// The folder at `path`, made when missing; refused when it already holds checkpoint files
    /// of an earlier run (they could not be told from this run's).
    init(path: String) throws(CommandFailure) {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(.unreadableInput, "--report-dir \(Echoed(path)) cannot be made: \((error as NSError).localizedDescription)")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        if let earlier = names.sorted().first(where: { $0.hasPrefix("monitoring-snapshot-") && $0.hasSuffix(".json") }) {
            throw CommandFailure(.unreadableInput, "--report-dir \(Echoed(path)) already holds \(Echoed(earlier)) from an earlier run; choose an empty folder or move those files")
        }
    }

    /// Creates `name` holding `bytes`; fails if it exists.
    func create(_ name: String, holding bytes: [UInt8]) throws(Failure) {
        try write(bytes, to: path + "/" + name, options: [.create, .exclusive])
    }

    /// Replaces `name` with `bytes`, atomically.
    func replace(_ name: String, with bytes: [UInt8]) throws(Failure) {
        let temporary = path + "/." + name + ".tmp"
        try write(bytes, to: temporary, options: [.create, .truncate])
        do {
            guard let from = FilePath(validating: temporary), let to = FilePath(validating: path + "/" + name) else {
                throw SystemError(code: .invalidArgument, operation: "rename")
            }
            try kernel.rename(from, to: to)
        } catch {
            throw Failure(message: "cannot replace \(path)/\(name): \(error)")
        }
    }

    private func write(_ bytes: [UInt8], to file: String, options: FileDescriptor.OpenOptions) throws(Failure) {
        do {
            guard let filePath = FilePath(validating: file) else { throw SystemError(code: .invalidArgument, operation: "open", path: nil) }
            let fd = try kernel.open(filePath, .writeOnly, options: options)
            do {
                try kernel.write(fd, bytes + [0x0A], at: 0, path: filePath)
                try kernel.syncData(fd, path: filePath)
            } catch {
                try? kernel.close(fd)
                throw error
            }
            try kernel.close(fd, path: filePath)
        } catch {
            throw Failure(message: "cannot write \(Echoed(file)): \(error)")
        }
    }
}
