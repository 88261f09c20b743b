import CLinux
import Foundation
import Glibc
import Journal
import MobiusCore

/// A `serve` process as `deploy` handles it: found through the pid in `journal/LOCK`, described
/// from `/proc` (its executable, arguments, environment and working folder, so a new binary can
/// be started exactly as it was), stopped with SIGTERM, and started detached in a session of its
/// own so it outlives `deploy`.
struct ServerProcess {
    /// Its pid.
    let pid: pid_t
    /// The executable it runs (`/proc/PID/exe`).
    let executable: String
    /// Its arguments after the program name.
    let arguments: [String]
    /// Its environment, `NAME=value` each.
    let environment: [String]
    /// Its working folder (relative arguments are relative to it).
    let workingDirectory: String

    /// The process with `pid`, read from `/proc`; nil when it is gone or unreadable.
    static func inspect(pid: pid_t) -> ServerProcess? {
        func fields(_ name: String) -> [String]? {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/\(name)") else { return nil }
            return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        }
        guard let argv = fields("cmdline"), !argv.isEmpty, let environment = fields("environ"),
              let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe"),
              let folder = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return nil }
        return ServerProcess(pid: pid, executable: executable, arguments: Array(argv.dropFirst()), environment: environment, workingDirectory: folder)
    }

    /// Whether the process still exists (a zombie child of ours is reaped and counts as gone).
    var isRunning: Bool {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        return Glibc.kill(pid, 0) == 0 || errno == EPERM
    }

    /// Sends SIGTERM and waits up to `deadline` for the process to end; false if it did not.
    func stop(within deadline: Duration) -> Bool {
        guard Glibc.kill(pid, SIGTERM) == 0 else { return !isRunning }
        let end = ContinuousClock.now + deadline
        while isRunning {
            if ContinuousClock.now > end { return false }
            usleep(20_000)
        }
        return true
    }

    /// Ends the process at once (a new server that failed its health gate).
    func kill() {
        // SIGKILL: it already failed its gate; nothing it does now matters.
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    /// Starts `executable` with this process's arguments, environment and working folder, in a
    /// new session, standard input from `/dev/null` and both outputs appended to `log`.
    func restart(as executable: String, log: String) throws(CommandFailure) -> ServerProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        posix_spawn_file_actions_addchdir_np(&actions, workingDirectory)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(MOBIUS_POSIX_SPAWN_SETSID))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw CommandFailure(.checkFailed, "cannot start \(Echoed(executable)): \(String(cString: strerror(result)))")
        }
        return ServerProcess(pid: child, executable: executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory)
    }
}
