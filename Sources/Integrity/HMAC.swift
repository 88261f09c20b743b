/// HMAC-SHA-256 as specified in RFC 2104, checked against the RFC 4231 test vectors.
public struct HMACSHA256: Sendable {
    private var inner: SHA256
    private var outerKeyPad: [UInt8]

    /// Starts a MAC under `key`; keys longer than 64 bytes are hashed first, as RFC 2104 says.
    public init(key: [UInt8]) {
        var block = key.count > 64 ? SHA256.hash(key).bytes : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        outerKeyPad = block.map { $0 ^ 0x5c }
    }

    /// The MAC of `message` under `key` in one call.
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> SHA256Digest {
        var mac = HMACSHA256(key: key)
        mac.update(message)
        return mac.finalize()
    }

    /// Feeds message bytes.
    public mutating func update(_ bytes: [UInt8]) { inner.update(bytes) }

    /// Feeds message bytes from a buffer.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) { inner.update(buffer) }

    /// Returns the MAC; the value is consumed.
    public consuming func finalize() -> SHA256Digest {
        var outer = SHA256()
        outer.update(outerKeyPad)
        outer.update(inner.finalize().bytes)
        return outer.finalize()
    }
}
