import Dispatch
import Integrity

/// The SHA-256 of some bytes, computed on a thread of Dispatch's while the caller goes on.
final class BackgroundDigest: @unchecked Sendable {
    /// Written once, by the hashing thread, before it signals `finished`; read after the wait.
    private var digest: SHA256Digest?
    private let finished = DispatchSemaphore(value: 0)

    /// Starts hashing `bytes`.
    init(of bytes: [UInt8]) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.digest = SHA256.hash(bytes)
            self.finished.signal()
        }
    }

    /// The digest, once computed.
    func wait() -> SHA256Digest {
        finished.wait()
        return digest!
    }
}

/// A SHA-256 fed in pieces that are hashed on a thread of Dispatch's, in order, while the
/// caller produces the next.
final class BackgroundHasher: @unchecked Sendable {
    /// Used only on `queue`.
    private var hasher = SHA256()
    private let queue = DispatchQueue(label: "mobius.background-hasher", qos: .userInitiated)

    /// Queues `piece` to be hashed after those before it.
    func feed(_ piece: [UInt8]) {
        queue.async { self.hasher.update(piece) }
    }

    /// The digest of every piece fed, once they are hashed.
    func finish() -> SHA256Digest {
        queue.sync { hasher.finalize() }
    }
}
