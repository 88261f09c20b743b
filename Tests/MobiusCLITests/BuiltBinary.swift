import CLinux
import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `mobius-dhash` executable, built beside this test bundle (`swift build
/// --build-tests` builds both), run as a child process for what only a process can show: exit
/// statuses, closed descriptors, unwritable output.
enum BuiltBinary {
    /// `<build folder>/mobius-dhash`, next to the test bundle `CommandLine.arguments[0]` names.
    static var path: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mobius-dhash").path
    }

    /// Fails the test unless the binary is there.
    static func require(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(FileManager.default.isExecutableFile(atPath: path),
                     "build the mobius-dhash product first (swift build --build-tests builds it)", sourceLocation: sourceLocation)
    }

    /// What a child process did.
    struct Outcome {
        /// Its pid, as the journal's `LOCK` should record it.
        var pid: pid_t
        /// Its exit status (nil if a signal ended it).
        var status: Int32?
    }

    /// Runs the binary with `arguments`, its descriptors 0, 1 and 2 set up by `streams`: closed
    /// (nil) or opened on the given path (0 for reading, 1 and 2 for writing, truncated).
    /// `posix_spawn` because Foundation's `Process` cannot start a child with a descriptor closed.
    static func spawn(_ arguments: [String], streams: [String?], environment: [String: String]? = nil, in folder: String? = nil) throws -> Outcome {
        precondition(streams.count == 3)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (descriptor, path) in streams.enumerated() {
            if let path {
                let flags = descriptor == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC
                posix_spawn_file_actions_addopen(&actions, Int32(descriptor), path, flags, 0o644)
            } else {
                posix_spawn_file_actions_addclose(&actions, Int32(descriptor))
            }
        }
        if let folder { posix_spawn_file_actions_addchdir_np(&actions, folder) }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { (argv + (envp ?? [])).forEach { free($0) } }
        var pid: pid_t = 0
        let result = envp.map { envp in posix_spawn(&pid, path, &actions, nil, argv, envp) } ?? posix_spawn(&pid, path, &actions, nil, argv, environ)
        try #require(result == 0, "posix_spawn: \(String(cString: strerror(result)))")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        return Outcome(pid: pid, status: status & 0x7F == 0 ? (status >> 8) & 0xFF : nil)
    }

    /// Runs the binary with `MOBIUS_ADMIN_TOKEN` unset (plus `environment`) and `input` on
    /// standard input; its exit status, standard output and standard error. It blocks: call it
    /// off the cooperative pool (`onOwnThread`). Streams go through files and the child is reaped
    /// with waitpid, not Foundation's Process, whose SIGCHLD handling was seen to miss an exit
    /// when another process (deploy) ended a sibling child at the same time.
    static func capture(_ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                        in folder: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let scratch = try TemporaryDirectory("mobius-capture")
        defer { scratch.remove() }
        let (inPath, outPath, errPath) = (scratch.appending("in"), scratch.appending("out"), scratch.appending("err"))
        try Data((input ?? "").utf8).write(to: URL(fileURLWithPath: inPath))
        var base = ProcessInfo.processInfo.environment
        base.removeValue(forKey: "MOBIUS_ADMIN_TOKEN")
        let outcome = try spawn(arguments, streams: [inPath, outPath, errPath], environment: base.merging(environment) { $1 }, in: folder)
        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return (outcome.status ?? -1, read(outPath), read(errPath))
    }
}
