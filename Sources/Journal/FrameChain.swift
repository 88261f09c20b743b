import Integrity

/// The running SHA-256 hash chain over frames (see CHAIN in JournalFormat.swift).
package struct FrameChain: Sendable {
    /// The chain value after the last frame fed (or the starting value).
    package private(set) var value: SHA256Digest

    /// A chain continuing from `value` (zero before the journal's first frame).
    package init(startingAt value: SHA256Digest = .zero) { self.value = value }

    /// chain_n = SHA-256(chain_{n−1} ‖ hashed header ‖ stored payload).
    package static func next(_ previous: SHA256Digest, hashedHeader: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(previous.bytes)
        hasher.update(hashedHeader)
        hasher.update(payload)
        return hasher.finalize()
    }

    /// Advances over `frame` if its tag matches the recomputed chain value; returns false (and
    /// stays put) if it does not.
    package mutating func advance(over frame: Frame) -> Bool {
        let next = FrameChain.next(value, hashedHeader: frame.hashedHeader, payload: frame.payload)
        guard FrameChain.tag(of: next) == frame.header.chainTag else { return false }
        value = next
        return true
    }

    /// The 8-byte tag of a chain value, loaded as the frame header stores it.
    package static func tag(of chain: SHA256Digest) -> UInt64 {
        chain.bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }
}
