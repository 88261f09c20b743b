/// Binary PGM images whose dHashes differ by seed: a seeded pattern of 9×8 blocks.
package enum GeneratedImage {
    /// A `width`×`height` binary PGM (P5) of seeded blocks.
    package static func pgm(seed: UInt64, width: Int = 36, height: Int = 32) -> [UInt8] {
        var random = SeededGenerator(seed: seed)
        let blocks = (0..<72).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        var bytes = Array("P5\n\(width) \(height)\n255\n".utf8)
        bytes.reserveCapacity(bytes.count + width * height)
        for y in 0..<height {
            for x in 0..<width { bytes.append(blocks[(y * 8 / height) * 9 + x * 9 / width]) }
        }
        return bytes
    }
}
