import Foundation
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
    static func spawn(_ arguments: [String], streams: [String?]) throws -> Outcome {
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
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, environ)
        try #require(result == 0, "posix_spawn: \(String(cString: strerror(result)))")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        return Outcome(pid: pid, status: status & 0x7F == 0 ? (status >> 8) & 0xFF : nil)
    }
}
