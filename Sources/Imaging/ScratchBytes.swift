/// A fixed-size, uninitialised-then-zeroed byte buffer owned by a value type.
///
/// Decoders and the pipeline keep row buffers in one of these rather than in `[UInt8]`, so hot
/// loops work on raw pointers without closures (whose `rethrows` would erase typed errors). The
/// owner calls `makeUnique` before writing, which keeps value semantics: a copied decoder
/// never shares a buffer it writes to.
final class ScratchBytes {
    /// The bytes; valid while this object lives.
    let pointer: UnsafeMutableRawPointer
    /// Size in bytes.
    let count: Int

    /// Allocates `count` zeroed bytes.
    init(count: Int) {
        self.count = count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    /// The bytes as `UInt8`.
    var bytes: UnsafeMutablePointer<UInt8> { pointer.assumingMemoryBound(to: UInt8.self) }

    /// A new buffer holding the same bytes.
    func copy() -> ScratchBytes {
        let result = ScratchBytes(count: count)
        result.pointer.copyMemory(from: pointer, byteCount: count)
        return result
    }

    /// Replaces `buffer` by a private copy when another value shares it.
    static func makeUnique(_ buffer: inout ScratchBytes) {
        if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
    }
}
