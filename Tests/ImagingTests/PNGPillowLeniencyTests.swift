import Imaging
import Testing

/// Files that break PNG's chunk rules in ways Pillow 13 accepts (checked with
/// `tools/check-real-world`'s Pillow on the same bytes): each decodes to exactly the rows of the
/// same image without the offending chunk, so the fingerprint matches ImageHash's.
@Suite struct PNGPillowLeniencyTests {
    private static let width: UInt32 = 4
    private static let height: UInt32 = 3
    private static let palette: [UInt8] = [10, 200, 30, 250, 5, 90]

    /// Filtered rows: grey values, RGB triples, grey + alpha pairs or palette indices (0 or 1).
    private static func rows(colorType: UInt8) -> [UInt8] {
        let samplesPerRow = Int(width) * [0: 1, 2: 3, 3: 1, 4: 2][colorType]!
        var rows: [UInt8] = []
        for y in 0..<Int(height) {
            rows.append(0)
            for x in 0..<samplesPerRow {
                rows.append(colorType == 3 ? UInt8((x + y) % 2) : UInt8(truncatingIfNeeded: x * 40 + y * 7))
            }
        }
        return rows
    }

    /// An image of `colorType` with `extra` chunks before IDAT and `trailing` ones after it.
    private static func file(colorType: UInt8, extra: [(String, [UInt8])] = [], trailing: [(String, [UInt8])] = []) -> [UInt8] {
        var builder = PNGBuilder()
        builder.header(width: width, height: height, colorType: colorType)
        if colorType == 3 && !extra.contains(where: { $0.0 == "PLTE" }) { builder.chunk("PLTE", palette) }
        for (type, data) in extra { builder.chunk(type, data) }
        builder.imageData(rows(colorType: colorType))
        for (type, data) in trailing { builder.chunk(type, data) }
        builder.end()
        return builder.bytes
    }

    /// (name, colour type, chunks before IDAT, chunks after IDAT).
    static let cases: [(String, UInt8, [(String, [UInt8])], [(String, [UInt8])])] = [
        ("grey tRNS longer than 2 bytes", 0, [("tRNS", [0, 1, 0, 2, 0, 3])], []),
        ("RGB tRNS longer than 6 bytes", 2, [("tRNS", [UInt8](repeating: 0, count: 8))], []),
        ("palette tRNS longer than PLTE", 3, [("PLTE", palette), ("tRNS", [0, 0, 0])], []),
        ("empty palette tRNS", 3, [("PLTE", palette), ("tRNS", [])], []),
        ("tRNS before PLTE", 3, [("tRNS", [0]), ("PLTE", palette)], []),
        ("two tRNS", 0, [("tRNS", [0, 1]), ("tRNS", [0, 2])], []),
        ("tRNS after IDAT", 0, [], [("tRNS", [0, 1])]),
        ("tRNS in grey + alpha", 4, [("tRNS", [0])], []),
        ("PLTE in grey", 0, [("PLTE", [1, 2, 3, 4])], []),
        ("PLTE after IDAT in RGB", 2, [], [("PLTE", [1, 2, 3])]),
        ("two PLTE, the last wins", 3, [("PLTE", [0, 0, 0, 0, 0, 0]), ("PLTE", palette)], []),
        ("PLTE after IDAT in a palette image", 3, [], [("PLTE", [0, 0, 0])]),
    ]

    @Test(arguments: cases.indices)
    func acceptedLikePillow(_ index: Int) throws {
        let (name, colorType, extra, trailing) = Self.cases[index]
        let reference = try decode(Self.file(colorType: colorType)).get()
        let lenient = decode(Self.file(colorType: colorType, extra: extra, trailing: trailing))
        guard case .success(let sink) = lenient else {
            Issue.record("\(name): refused: \(lenient)")
            return
        }
        #expect(sink.header == reference.header, "\(name)")
        #expect(sink.frame != nil && sink.frame == reference.frame, "\(name)")
    }
}
