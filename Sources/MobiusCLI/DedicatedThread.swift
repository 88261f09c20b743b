import Foundation

/// Runs blocking work — file reads that may take a while — on a thread of its own while the
/// calling task suspends, so an async command never holds a thread of the cooperative pool.
enum DedicatedThread {
    /// Runs `work` on a new thread and returns what it returns (or throws what it throws).
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws(CommandFailure) -> T) async throws(CommandFailure) -> T {
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<T, CommandFailure>, Never>) in
            Thread { continuation.resume(returning: Result { () throws(CommandFailure) in try work() }) }.start()
        }
        return try result.get()
    }
}
