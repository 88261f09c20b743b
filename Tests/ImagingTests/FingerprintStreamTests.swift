import Imaging
import Testing

@Suite struct FingerprintStreamTests {
    /// Fed byte by byte, the stream reports completion exactly at the last byte the image needs
    /// (IEND's CRC, the last raster byte, the whitespace after the last plain sample), so a reader
    /// can stop there; later bytes change nothing.
    @Test(arguments: [
        ("png", PNGBuilder.gray(width: 5, height: 4)),
        ("binary pnm", Array("P5\n3 2\n255\n".utf8) + [1, 2, 3, 4, 5, 6]),
        ("plain pnm", Array("P2\n3 2\n255\n1 2 3\n4 5 6\n".utf8)),
    ])
    func completesAtTheLastByteTheImageNeeds(kind: String, image: [UInt8]) throws {
        var stream = FingerprintStream()
        for (index, byte) in image.enumerated() {
            #expect(!stream.isComplete, "\(kind): complete before byte \(index)")
            try stream.feed([byte])
        }
        #expect(stream.isComplete, "\(kind)")
        try stream.feed(Array("trailing bytes".utf8))
        #expect(try stream.finish() == Fingerprinter.fingerprint(image))
    }

    /// A plain sample that runs to the end of the input is only known to be finished at `finish`.
    @Test func aPlainRasterEndingInsideItsLastNumberCompletesOnlyAtFinish() throws {
        var stream = FingerprintStream()
        try stream.feed(Array("P2\n2 1\n255\n10 200".utf8))
        #expect(!stream.isComplete)
        #expect(try stream.finish().width == 2)
    }
}
