import Imaging
import TestSupport
import Testing

@Suite struct PNGDecoderTests {
    @Test func fixturesCoverEveryColourTypeBitDepthAndInterlace() {
        let combinations = Set(PNGFixture.all.map { "\($0.colorType)/\($0.bitDepth)/\($0.interlaced)" })
        let legal = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        for (colorType, depths) in legal {
            for depth in depths {
                #expect(combinations.contains("\(colorType)/\(depth)/false"))
                #expect(combinations.contains("\(colorType)/\(depth)/true"))
            }
        }
    }

    /// Every fixture decodes to exactly the frame Pillow decodes, with the header it declares.
    @Test(arguments: PNGFixture.all)
    func decodesLikePillow(_ fixture: PNGFixture) throws {
        let sink = try decode(fixture.png).get()
        let header = try #require(sink.header)
        #expect(sink.beginCount == 1)
        #expect(header.width == fixture.width && header.height == fixture.height)
        #expect(header.format == .png)
        #expect(header.isInterlaced == fixture.interlaced)
        #expect(header.sourceBitDepth == fixture.bitDepth)
        #expect(header.layout == expectedLayout(fixture))
        #expect(sink.frame == fixture.expectedFrame)
    }

    /// Non-interlaced rows arrive whole, top to bottom; Adam7 rows pass by pass with the pass geometry.
    @Test(arguments: PNGFixture.all)
    func deliversRowsInFileOrder(_ fixture: PNGFixture) throws {
        let sink = try decode(fixture.png).get()
        let geometry = sink.fragments.map { [$0.y, $0.xStart, $0.xStep, $0.pixelCount] }
        var expected: [[Int]] = []
        let passes = fixture.interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        for (x0, y0, dx, dy) in passes where x0 < fixture.width {
            let count = (fixture.width - x0 + dx - 1) / dx
            for y in stride(from: y0, to: fixture.height, by: dy) { expected.append([y, x0, dx, count]) }
        }
        #expect(geometry == expected)
    }

    /// Whole, byte by byte and in seeded random splits, the sink sees identical calls.
    @Test(arguments: PNGFixture.all)
    func splittingTheInputChangesNothing(_ fixture: PNGFixture) throws {
        let png = fixture.png
        let whole = try decode(png).get()
        let byteByByte = try decode(png, splits: Array(repeating: 1, count: png.count)).get()
        #expect(byteByByte.fragments == whole.fragments)
        #expect(byteByByte.header == whole.header)
        var generator = SeededGenerator(seed: UInt64(png.count))
        for _ in 0..<20 {
            let splits = randomSplits(count: png.count, maxPiece: 64, using: &generator)
            let split = try decode(png, splits: splits).get()
            #expect(split.fragments == whole.fragments, "splits \(splits)")
        }
    }

    /// An image larger than the staging buffer (several inflate refills, partial rows moved to its
    /// front, the previous row kept aside) decodes to the pattern it was made of, whole and split.
    /// Runs of Average and Paeth rows take the paired paths (1-, 3- and 4-byte pixels).
    @Test(arguments: [false, true], [(UInt8(2), 3), (0, 1), (6, 4)])
    func largeImageCrossesStagingBufferRefills(interlaced: Bool, format: (colorType: UInt8, channels: Int)) throws {
        let width = 700, height = 150, channels = format.channels
        func value(_ x: Int, _ y: Int, _ c: Int) -> UInt8 { UInt8(truncatingIfNeeded: x &* 3 &+ y &* 7 &+ c &* 50 &+ (x * y) >> 5 &+ (x ^ y) % 13) }
        var data: [UInt8] = []
        var rowNumber = 0
        let passes = interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        for (x0, y0, dx, dy) in passes {
            // Rows cycle through runs of Average and Paeth rows (paired and single), pass starts among them.
            var prior: [UInt8]?
            for y in stride(from: y0, to: height, by: dy) {
                let raw = stride(from: x0, to: width, by: dx).flatMap { x in (0..<channels).map { value(x, y, $0) } }
                let filter: UInt8 = [0, 1, 3, 3, 3, 4, 4, 4, 4, 2][rowNumber % 10]
                data.append(filter)
                data += raw.indices.map { i in
                    let a = i >= channels ? Int(raw[i - channels]) : 0
                    let b = Int(prior?[i] ?? 0), c = i >= channels ? Int(prior?[i - channels] ?? 0) : 0
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    let paeth = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                    return raw[i] &- UInt8([0, a, b, (a + b) / 2, paeth][Int(filter)])
                }
                prior = raw
                rowNumber += 1
            }
        }
        var builder = PNGBuilder()
        builder.header(width: UInt32(width), height: UInt32(height), colorType: format.colorType, interlace: interlaced ? 1 : 0)
        builder.imageData(data, chunkSize: 999)
        builder.end()

        let expected = (0..<height).flatMap { y in (0..<width).flatMap { x in (0..<channels).map { value(x, y, $0) } } }
        let whole = try decode(builder.bytes).get()
        #expect(whole.frame == expected)
        var generator = SeededGenerator(seed: 7)
        let split = try decode(builder.bytes, splits: randomSplits(count: builder.bytes.count, maxPiece: 5000, using: &generator)).get()
        #expect(split.fragments == whole.fragments)
    }

    /// A decoder copied mid-image is a value: the copy and the original finish independently.
    @Test(arguments: ["chunks-i", "basn2c16"])
    func copiesDecodeIndependently(_ name: String) throws {
        let png = try #require(PNGFixture.all.first { $0.name == name }).png
        let whole = try decode(png).get()
        var original = PNGDecoder()
        var originalSink = RecordingSink()
        let half = png.count / 2
        try png.withUnsafeBytes { bytes in
            try original.feed(UnsafeRawBufferPointer(rebasing: bytes[..<half]), into: &originalSink)
            var copy = original
            var copySink = originalSink
            let rest = UnsafeRawBufferPointer(rebasing: bytes[half...])
            try copy.feed(rest, into: &copySink)
            try copy.finish(into: &copySink)
            try original.feed(rest, into: &originalSink)
            try original.finish(into: &originalSink)
            #expect(copySink.fragments == whole.fragments)
        }
        #expect(originalSink.fragments == whole.fragments)
    }

    @Test func bytesAfterIENDAreIgnored() throws {
        let png = PNGBuilder.gray(width: 3, height: 2) + Array("trailing junk".utf8)
        let sink = try decode(png).get()
        #expect(sink.frame == [UInt8](repeating: 7, count: 6))
    }

    @Test func convenienceDecodeMatchesFeeding() throws {
        let fixture = PNGFixture.all[0]
        var sink = RecordingSink()
        try PNGDecoder.decode(fixture.png, into: &sink)
        #expect(sink.frame == fixture.expectedFrame)
    }

    private func expectedLayout(_ fixture: PNGFixture) -> PixelLayout {
        switch (fixture.colorType, fixture.bitDepth) {
        case (0, 16): .gray16
        case (0, _): .gray
        case (2, _): .rgb
        case (3, _): .palette(Palette(rgb: fixture.palette!))
        case (4, _): .grayAlpha
        default: .rgba
        }
    }
}
