@testable import Imaging
import Testing
import TestSupport

@Suite struct ThumbnailBuilderTests {
    static let thumbnails = DHashFixtures.names("thumbnails")

    /// Feeds grey rows, top to bottom, and returns the thumbnail.
    static func thumbnail(of pixels: [UInt8], width: Int, height: Int, size: Int = 8, layout: PixelLayout = .gray) throws(ImagingError) -> [UInt8] {
        var builder = ThumbnailBuilder(width: size + 1, height: size)
        try builder.begin(ImageHeader(width: width, height: height, layout: layout, format: .pnm, isInterlaced: false, sourceBitDepth: 8))
        let rowBytes = width * layout.bytesPerPixel
        for y in 0..<height {
            let row = Array(pixels[y * rowBytes..<(y + 1) * rowBytes])
            try row.withBytes { (bytes) throws(ImagingError) in
                try builder.consume(RowFragment(y: y, xStart: 0, xStep: 1, pixelCount: width, bytes: bytes))
            }
        }
        return try builder.finish()
    }

    @Test("thumbnails equal Pillow's resize((N+1, N), LANCZOS), both pass orders", arguments: thumbnails)
    func thumbnailMatchesPillow(file: String) throws {
        let entry = DHashFixtures.entry("thumbnails", file)
        let width = entry["width"] as! Int, height = entry["height"] as! Int, size = entry["size"] as! Int
        let result = try Self.thumbnail(of: DHashFixtures.bytes(file), width: width, height: height, size: size)
        #expect(result == DHashFixtures.bytes(hex: entry["thumbnail"] as! String))
    }

    @Test func passOrderFollowsPillow13() {
        func isVerticalFirst(_ width: Int, _ height: Int) -> Bool {
            ResamplePlan(header: ImageHeader(width: width, height: height, layout: .gray, format: .pnm, isInterlaced: false, sourceBitDepth: 8), width: 9, height: 8).isVerticalFirst
        }
        #expect(isVerticalFirst(40, 180))
        #expect(!isVerticalFirst(180, 40))
        #expect(isVerticalFirst(5, 100)) // width grows, height shrinks
        #expect(!isVerticalFirst(3, 3)) // both grow
        #expect(!isVerticalFirst(100, 8)) // height unchanged: one pass
        #expect(!isVerticalFirst(29, 48)) // 40 = 2 × 20: not more than twice
        #expect(isVerticalFirst(29, 49))
    }

    @Test("Lanczos weights equal the transcription checked against Pillow", arguments: DHashFixtures.section("coefficients").indices)
    func coefficientsMatch(index: Int) {
        let entry = DHashFixtures.section("coefficients")[index]
        let coefficients = LanczosCoefficients(inputSize: entry["input"] as! Int, outputSize: entry["output"] as! Int, axis: .vertical)
        #expect(coefficients.windowStarts == entry["starts"] as! [Int])
        #expect(coefficients.windowCounts == entry["counts"] as! [Int])
        let expected = entry["weights"] as! [[Int]]
        for (output, weights) in expected.enumerated() {
            let actual = coefficients.weights[output * coefficients.stride..<output * coefficients.stride + weights.count].map(Int.init)
            #expect(actual == weights, "output \(output)")
        }
    }

    /// The split-weight horizontal pass equals the plain 32-bit sum `2²¹ + Σ pixel × weight` on
    /// random rows, windows from a few samples to 13 334 (the 20000-wide case) included.
    @Test(arguments: [(9, 9), (10, 9), (31, 9), (640, 9), (2480, 9), (20_000, 9), (300, 17), (5, 9)])
    func splitWeightResamplingEqualsThePlainSum(inputSize: Int, outputSize: Int) {
        var generator = SeededGenerator(seed: UInt64(inputSize * 100 + outputSize))
        let coefficients = LanczosCoefficients(inputSize: inputSize, outputSize: outputSize, axis: .horizontal)
        let plain = LanczosCoefficients(inputSize: inputSize, outputSize: outputSize, axis: .vertical)
        #expect(coefficients.windowStarts == plain.windowStarts && coefficients.windowCounts == plain.windowCounts)
        for trial in 0..<4 {
            // Extremes too: all 255 maximises the sums, alternating 0/255 stresses the negative lobes.
            let row: [UInt8] = (0..<inputSize).map { x in
                switch trial {
                case 0: 255
                case 1: x % 2 == 0 ? 0 : 255
                default: UInt8.random(in: 0...255, using: &generator)
                }
            }
            var actual = [UInt8](repeating: 0, count: outputSize)
            row.withUnsafeBufferPointer { source in
                actual.withUnsafeMutableBufferPointer { coefficients.resample(source.baseAddress!, into: $0.baseAddress!) }
            }
            let expected = (0..<outputSize).map { index in
                var sum = LanczosCoefficients.roundingBias
                for x in 0..<coefficients.windowCounts[index] {
                    sum &+= Int32(row[coefficients.windowStarts[index] + x]) &* plain.weights[index * plain.stride + x]
                }
                return LanczosCoefficients.clip(sum)
            }
            #expect(actual == expected, "trial \(trial)")
        }
    }

    @Test func rgbLumaEqualsPillowsConvertL() {
        let goldens = DHashFixtures.goldens["luma"] as! [[Int]]
        #expect(goldens.count > 250)
        for golden in goldens {
            #expect(LumaConverter.luma(UInt8(golden[0]), UInt8(golden[1]), UInt8(golden[2])) == UInt8(golden[3]), "\(golden)")
        }
    }

    @Test func everyLayoutReducesToTheSameLuma() {
        let palette = Palette(rgb: [10, 20, 30, 200, 100, 50, 255, 255, 255])
        var target = [UInt8](repeating: 0, count: 3)
        let cases: [(PixelLayout, [UInt8], [UInt8])] = [
            (.gray, [5, 6, 7], [5, 6, 7]),
            (.grayAlpha, [5, 0, 6, 128, 7, 255], [5, 6, 7]),
            (.rgb, [10, 20, 30, 200, 100, 50, 255, 255, 255], [18, 124, 255]),
            (.rgba, [10, 20, 30, 0, 200, 100, 50, 9, 255, 255, 255, 255], [18, 124, 255]),
            (.palette(palette), [0, 1, 2], [18, 124, 255]),
            (.gray16, [0x12, 0xFF, 0xAB, 0x00, 0xFF, 0xFF], [0x12, 0xAB, 0xFF]),
        ]
        for (layout, source, expected) in cases {
            source.withUnsafeBufferPointer { source in
                LumaConverter(layout: layout).convert(source.baseAddress!, count: 3, into: &target)
            }
            #expect(target == expected, "\(layout)")
        }
    }

    @Test("Adam7 fragments in pass order give the same thumbnail as whole rows", arguments: [(31, 23), (1, 1), (3, 2), (40, 180)])
    func interlacedFragmentsGiveTheSameThumbnail(width: Int, height: Int) throws {
        var generator = SeededGenerator(seed: UInt64(width * 1000 + height))
        let pixels = (0..<width * height * 3).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let expected = try Self.thumbnail(of: pixels, width: width, height: height, layout: .rgb)
        var builder = ThumbnailBuilder(width: 9, height: 8)
        try builder.begin(ImageHeader(width: width, height: height, layout: .rgb, format: .png, isInterlaced: true, sourceBitDepth: 8))
        for (x0, y0, dx, dy) in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)] {
            for y in stride(from: y0, to: height, by: dy) {
                let columns = Array(stride(from: x0, to: width, by: dx))
                guard !columns.isEmpty else { continue }
                let fragment = columns.flatMap { pixels[(y * width + $0) * 3..<(y * width + $0) * 3 + 3] }
                try fragment.withBytes { (bytes) throws(ImagingError) in
                    try builder.consume(RowFragment(y: y, xStart: x0, xStep: dx, pixelCount: columns.count, bytes: bytes))
                }
            }
        }
        #expect(try builder.finish() == expected)
    }

    @Test func interlacedImagesBeyondTheirLimitAreRefusedBeforeBuffering() {
        var builder = ThumbnailBuilder(width: 9, height: 8, limits: DecodingLimits(maxInterlacedPixelCount: 1000))
        #expect { try builder.begin(ImageHeader(width: 100, height: 11, layout: .gray, format: .png, isInterlaced: true, sourceBitDepth: 8)) }
            throws: { ($0 as? ImagingError)?.code == .tooManyPixels }
    }

    @Test func overlongSidesAreRefusedBeforeTheWeightsAreBuilt() {
        for (width, height) in [(ThumbnailBuilder.maxSideLength + 1, 1), (1, ThumbnailBuilder.maxSideLength + 1)] {
            var builder = ThumbnailBuilder(width: 9, height: 8)
            #expect { try builder.begin(ImageHeader(width: width, height: height, layout: .gray, format: .pnm, isInterlaced: false, sourceBitDepth: 8)) }
                throws: { ($0 as? ImagingError)?.code == .tooManyPixels }
        }
    }

    @Test func rowsOutOfOrderOrMissingAreRefused() throws {
        var builder = ThumbnailBuilder(width: 9, height: 8)
        try builder.begin(ImageHeader(width: 4, height: 3, layout: .gray, format: .pnm, isInterlaced: false, sourceBitDepth: 8))
        let row: [UInt8] = [1, 2, 3, 4]
        #expect { try row.withBytes { (bytes) throws(ImagingError) in try builder.consume(RowFragment(y: 1, xStart: 0, xStep: 1, pixelCount: 4, bytes: bytes)) } }
            throws: { ($0 as? ImagingError)?.code == .malformed }
        try row.withBytes { (bytes) throws(ImagingError) in try builder.consume(RowFragment(y: 0, xStart: 0, xStep: 1, pixelCount: 4, bytes: bytes)) }
        #expect { _ = try builder.finish() } throws: { ($0 as? ImagingError)?.code == .truncated }
    }

    /// Fragments whose numbers overflow when multiplied are refused, not trapped on: a RowSink's
    /// caller may be any decoder.
    @Test(arguments: [
        (true, 0, 1, Int.max), (true, 0, Int.max, 2), (true, Int.max, 1, 1), (true, 3, 2, 2),
        (false, 0, 1, Int.max), (false, 0, 1, -1),
    ])
    func fragmentsWithImpossibleNumbersAreRefused(isInterlaced: Bool, xStart: Int, xStep: Int, pixelCount: Int) throws {
        var builder = ThumbnailBuilder(width: 9, height: 8)
        try builder.begin(ImageHeader(width: 4, height: 3, layout: .rgb, format: .png, isInterlaced: isInterlaced, sourceBitDepth: 8))
        let bytes = [UInt8](repeating: 9, count: 12)
        #expect {
            try bytes.withBytes { (bytes) throws(ImagingError) in
                try builder.consume(RowFragment(y: 0, xStart: xStart, xStep: xStep, pixelCount: pixelCount, bytes: bytes))
            }
        } throws: { ($0 as? ImagingError)?.code == .malformed }
    }
}
