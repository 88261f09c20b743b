import Foundation

/// Runs blocking `work` (a child process, a socket wait) on a thread of its own and returns
/// its result. Swift Testing runs tests on the cooperative pool — two threads on a 2-core
/// machine — and the in-process servers of other tests answer on that pool too: a test that
/// blocks a pool thread while waiting for such a server can starve it until a timeout.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
