import Imaging
import Testing

/// Hostile and malformed inputs: each refused with the right code, a location, and no crash.
@Suite struct PNGHostileInputTests {
    private func refusal(_ bytes: [UInt8], limits: DecodingLimits = DecodingLimits()) -> ImagingError? {
        if case .failure(let error) = decode(bytes, limits: limits) { return error }
        return nil
    }

    /// A 4×3 8-bit grey image whose rows (filter bytes included) are `rows`, in one IDAT.
    private func gray(rows: [[UInt8]], width: UInt32 = 4, height: UInt32 = 3, tail: [UInt8] = []) -> [UInt8] {
        var builder = PNGBuilder()
        builder.header(width: width, height: height)
        builder.chunk("IDAT", zlibCompress(rows.flatMap { $0 }) + tail)
        builder.end()
        return builder.bytes
    }

    private let goodRows: [[UInt8]] = Array(repeating: [0, 1, 2, 3, 4], count: 3)

    @Test func emptyFileIsTruncated() {
        let error = refusal([])
        #expect(error?.code == .truncated)
        #expect(error?.offset == 0)
    }

    @Test func signatureAloneIsTruncated() {
        #expect(refusal(PNGBuilder.signature)?.code == .truncated)
    }

    @Test(arguments: [Array("GIF89a".utf8), Array("P6\n1 1\n255\n".utf8), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x00]])
    func otherFormatsAreUnrecognized(_ bytes: [UInt8]) {
        #expect(refusal(bytes)?.code == .unrecognizedFormat)
    }

    /// Cutting a valid file anywhere, chunk headers, data, CRCs and IDAT included, is `.truncated`
    /// at the cut.
    @Test(arguments: ["chunks-n", "basi3p04", "basn0g16"])
    func truncationAtEveryOffsetIsTruncated(_ name: String) throws {
        let png = try #require(PNGFixture.all.first { $0.name == name }).png
        for length in 0..<png.count {
            let error = refusal(Array(png[..<length]))
            #expect(error?.code == .truncated, "cut at \(length): \(String(describing: error))")
            #expect(error?.offset == length)
        }
    }

    /// Corrupting any byte of any chunk's CRC, or the data it covers, is `.badChecksum` for that chunk.
    @Test func everyChunkCRCIsChecked() throws {
        let png = try #require(PNGFixture.all.first { $0.name == "chunks-n" }).png
        var offset = 8
        var checked: Set<String> = []
        while offset < png.count {
            let length = Int(png[offset]) << 24 | Int(png[offset + 1]) << 16 | Int(png[offset + 2]) << 8 | Int(png[offset + 3])
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            // The first and last CRC byte, and the middle data byte when there is data.
            for target in [offset + 8 + length, offset + 11 + length] + (length > 0 ? [offset + 8 + length / 2] : []) {
                var bad = png
                bad[target] ^= 0x10
                let error = refusal(bad)
                // A corrupted IDAT byte may upset zlib or a filter byte before the CRC is reached.
                let allowed: [ImagingError.Code] = type == "IDAT" && target < offset + 8 + length
                    ? [.badChecksum, .badCompressedData, .badFilter] : [.badChecksum]
                #expect(error.map { allowed.contains($0.code) } == true, "\(type) byte \(target): \(String(describing: error))")
                if error?.code == .badChecksum {
                    #expect(error?.chunk == type)
                    #expect(error?.offset == offset)
                }
            }
            checked.insert(type)
            offset += 12 + length
        }
        #expect(checked == ["IHDR", "gAMA", "tEXt", "prIv", "IDAT", "zzZz", "IEND"])
    }

    @Test(arguments: [(UInt32(0), UInt32(5)), (5, 0), (0, 0), (0x8000_0000, 1), (1, 0xFFFF_FFFF)])
    func zeroOrOversizedDimensionsAreBadHeaders(width: UInt32, height: UInt32) {
        var builder = PNGBuilder()
        builder.header(width: width, height: height)
        let error = refusal(builder.bytes)
        #expect(error?.code == .badHeader)
        #expect(error?.chunk == "IHDR" && error?.offset == 8)
    }

    /// A tiny file claiming gigapixels is refused from IHDR, before anything is allocated or inflated.
    @Test func hugeImagesAreRefusedFromTheHeader() {
        var builder = PNGBuilder()
        builder.header(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF)
        builder.imageData([0, 0, 0])
        builder.end()
        #expect(refusal(builder.bytes)?.code == .tooManyPixels)

        let small = PNGBuilder.gray(width: 100, height: 100)
        #expect(refusal(small, limits: DecodingLimits(maxPixelCount: 9_999))?.code == .tooManyPixels)
        #expect(refusal(small, limits: DecodingLimits(maxPixelCount: 10_000)) == nil)
        #expect(refusal(small, limits: DecodingLimits(maxDecompressedByteCount: 10_099))?.code == .tooMuchData)
    }

    @Test func interlacedImagesHaveTheirOwnPixelLimit() throws {
        let interlaced = try #require(PNGFixture.all.first { $0.name == "basi2c08" }).png
        let limits = DecodingLimits(maxInterlacedPixelCount: 13 * 11 - 1)
        #expect(refusal(interlaced, limits: limits)?.code == .tooManyPixels)
        let plain = try #require(PNGFixture.all.first { $0.name == "basn2c08" }).png
        #expect(refusal(plain, limits: limits) == nil)
    }

    /// Every colour type and bit depth pairing the specification does not list is refused.
    @Test func illegalDepthAndColourTypeCombinationsAreRefused() {
        let legal: [UInt8: [UInt8]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        for colorType in UInt8(0)...7 {
            for depth: UInt8 in [0, 1, 2, 3, 4, 5, 8, 12, 16, 32] where legal[colorType]?.contains(depth) != true {
                var builder = PNGBuilder()
                builder.header(width: 1, height: 1, bitDepth: depth, colorType: colorType)
                #expect(refusal(builder.bytes)?.code == .badHeader, "type \(colorType) depth \(depth)")
            }
        }
    }

    /// Compression method 1, filter method 1, interlace method 2.
    @Test(arguments: [(10, 1), (11, 1), (12, 2)])
    func unknownMethodsAreBadHeaders(index: Int, value: UInt8) {
        var data: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]
        data[index] = value
        var builder = PNGBuilder()
        builder.chunk("IHDR", data)
        #expect(refusal(builder.bytes)?.code == .badHeader)
    }

    @Test func wrongIHDRLengthIsABadHeader() {
        var builder = PNGBuilder()
        builder.chunk("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0])
        #expect(refusal(builder.bytes)?.code == .badHeader)
    }

    @Test(arguments: [UInt8(5), 6, 0x80, 0xFF])
    func filterTypesAboveFourAreRefused(_ filter: UInt8) {
        let error = refusal(gray(rows: [[0, 1, 2, 3, 4], [filter, 1, 2, 3, 4], [0, 1, 2, 3, 4]]))
        #expect(error?.code == .badFilter)
        #expect(error?.chunk == "IDAT")
    }

    @Test func paletteIndicesBeyondThePaletteAreRefused() {
        for (depth, index): (UInt8, UInt8) in [(8, 2), (8, 255), (4, 0x02), (2, 0x80), (1, 0x40)] {
            var builder = PNGBuilder()
            builder.header(width: 2, height: 1, bitDepth: depth, colorType: 3)
            // Two entries for 8-bit images, two for 1-bit (full), but 1-bit index 1 is in range,
            // so give 1-bit images a one-entry palette.
            builder.chunk("PLTE", depth == 1 ? [9, 9, 9] : [1, 2, 3, 4, 5, 6])
            builder.imageData(depth == 8 ? [0, 0, index] : [0, index])
            builder.end()
            #expect(refusal(builder.bytes)?.code == .badPalette, "depth \(depth) index \(index)")
        }
    }

    @Test func paletteImagesWithoutPLTEAreRefused() {
        var builder = PNGBuilder()
        builder.header(width: 1, height: 1, colorType: 3)
        builder.imageData([0, 0])
        builder.end()
        let error = refusal(builder.bytes)
        #expect(error?.code == .badPalette)
        #expect(error?.chunk == "IDAT")
    }

    @Test func imageDataShortOfTheImageIsTruncated() {
        let error = refusal(gray(rows: Array(goodRows.prefix(2))))
        #expect(error?.code == .truncated)
        #expect(error?.message.contains("2 of 3") == true)
        // One byte short of the last row.
        #expect(refusal(gray(rows: goodRows.prefix(2) + [[0, 1, 2, 3]]))?.code == .truncated)
    }

    @Test func imageDataBeyondTheImageIsTooMuchData() {
        #expect(refusal(gray(rows: goodRows + [[0]]))?.code == .tooMuchData)
        #expect(refusal(gray(rows: goodRows + [goodRows[0]]))?.code == .tooMuchData)
        // Compressed bytes after the end of the zlib stream.
        #expect(refusal(gray(rows: goodRows, tail: [0x03, 0x00]))?.code == .tooMuchData)
    }

    @Test func unterminatedZlibStreamIsTruncated() {
        var builder = PNGBuilder()
        builder.header(width: 4, height: 3)
        builder.chunk("IDAT", Array(zlibCompress(goodRows.flatMap { $0 }).dropLast(4)))  // no Adler-32
        builder.end()
        #expect(refusal(builder.bytes)?.code == .truncated)
    }

    /// By design the Adler-32 is not verified (chunk CRCs cover the data); its bytes must be present.
    @Test func wrongAdler32IsAcceptedWhenTheCRCsAreRight() throws {
        var stream = zlibCompress(goodRows.flatMap { $0 })
        stream[stream.count - 1] ^= 0xFF
        var builder = PNGBuilder()
        builder.header(width: 4, height: 3)
        builder.chunk("IDAT", stream)
        builder.end()
        #expect(try decode(builder.bytes).get().frame == goodRows.flatMap { $0.dropFirst() })
    }

    @Test func corruptZlibStreamIsBadCompressedData() {
        var stream = zlibCompress(goodRows.flatMap { $0 })
        stream[0] = 0x78
        stream[1] = 0x00  // header check bits wrong
        var builder = PNGBuilder()
        builder.header(width: 4, height: 3)
        builder.chunk("IDAT", stream)
        builder.end()
        #expect(refusal(builder.bytes)?.code == .badCompressedData)
    }

    /// A zlib bomb within the pixel limit: 1000×1000 claimed, 64 MiB of zeros inflated. Inflate
    /// stops where the image does, so the excess is refused without being produced.
    @Test func zlibBombIsRefusedAtTheImageSize() {
        var builder = PNGBuilder()
        builder.header(width: 1000, height: 1000)
        builder.imageData([UInt8](repeating: 0, count: 64 << 20))
        builder.end()
        #expect(builder.bytes.count < 100_000)
        #expect(refusal(builder.bytes)?.code == .tooMuchData)
    }

    /// A length field of 0xFFFFFFF0 is refused from the chunk header, before any data is awaited.
    @Test func hugeChunkLengthsAreRefusedWithoutBuffering() {
        var builder = PNGBuilder()
        builder.header(width: 1, height: 1)
        builder.bytes += bigEndian(0xFFFF_FFF0) + Array("tEXt".utf8) + [1, 2, 3]
        let error = refusal(builder.bytes)
        #expect(error?.code == .malformed)
        #expect(error?.offset == 33)

        // Within PNG's bound but above the configured limit.
        var limited = PNGBuilder()
        limited.header(width: 1, height: 1)
        limited.bytes += bigEndian(0x7FFF_FFF0) + Array("IDAT".utf8)
        #expect(refusal(limited.bytes, limits: DecodingLimits(maxChunkLength: 1 << 20))?.code == .tooMuchData)
        // Within every limit: streamed, so the decoder simply waits for data that never comes.
        #expect(refusal(limited.bytes)?.code == .truncated)
    }

    @Test func chunkOrderIsEnforced() {
        func file(_ build: (inout PNGBuilder) -> Void) -> [UInt8] {
            var builder = PNGBuilder()
            build(&builder)
            return builder.bytes
        }
        let rows = goodRows.flatMap { $0 }
        let cases: [(String, [UInt8])] = [
            ("IDAT before IHDR", file { $0.imageData(rows); $0.header(width: 4, height: 3); $0.end() }),
            ("two IHDR", file { $0.header(width: 4, height: 3); $0.header(width: 4, height: 3); $0.imageData(rows); $0.end() }),
            ("PLTE after IDAT", file { $0.header(width: 4, height: 1, colorType: 2); $0.imageData(Array(rows.prefix(13))); $0.chunk("PLTE", [1, 2, 3]); $0.end() }),
            ("PLTE in grey", file { $0.header(width: 4, height: 3); $0.chunk("PLTE", [1, 2, 3]); $0.imageData(rows); $0.end() }),
            ("two PLTE", file { $0.header(width: 4, height: 3, colorType: 3); $0.chunk("PLTE", [1, 2, 3]); $0.chunk("PLTE", [1, 2, 3]) }),
            ("split IDAT run", file { $0.header(width: 4, height: 3); $0.imageData(rows); $0.chunk("tEXt", [0x41, 0]); $0.chunk("IDAT", []); $0.end() }),
            ("IEND without IDAT", file { $0.header(width: 4, height: 3); $0.end() }),
            ("tRNS before PLTE", file { $0.header(width: 4, height: 3, colorType: 3); $0.chunk("tRNS", [0]); $0.chunk("PLTE", [1, 2, 3]) }),
            ("tRNS after IDAT", file { $0.header(width: 4, height: 3); $0.imageData(rows); $0.chunk("tRNS", [0, 0]); $0.end() }),
        ]
        for (name, bytes) in cases {
            #expect(refusal(bytes)?.code == .badChunkOrder, "\(name)")
        }
    }

    @Test func malformedChunksAreRefused() {
        let rows = goodRows.flatMap { $0 }
        var unknownCritical = PNGBuilder()
        unknownCritical.header(width: 4, height: 3)
        unknownCritical.chunk("ABCD", [])
        #expect(refusal(unknownCritical.bytes)?.code == .malformed)
        #expect(refusal(unknownCritical.bytes)?.chunk == "ABCD")

        var badType = PNGBuilder()
        badType.header(width: 4, height: 3)
        badType.chunk("ID4T", rows)
        #expect(refusal(badType.bytes)?.code == .malformed)

        var longIEND = PNGBuilder()
        longIEND.header(width: 4, height: 3)
        longIEND.imageData(rows)
        longIEND.chunk("IEND", [0])
        #expect(refusal(longIEND.bytes)?.code == .malformed)

        for (colorType, length) in [(UInt8(0), 6), (0, 1), (2, 2)] {
            var badTransparency = PNGBuilder()
            badTransparency.header(width: 4, height: 3, colorType: colorType)
            badTransparency.chunk("tRNS", [UInt8](repeating: 0, count: length))
            #expect(refusal(badTransparency.bytes)?.code == .malformed)
        }
        var longTransparency = PNGBuilder()
        longTransparency.header(width: 4, height: 3, colorType: 3)
        longTransparency.chunk("PLTE", [1, 2, 3])
        longTransparency.chunk("tRNS", [0, 0])
        #expect(refusal(longTransparency.bytes)?.code == .malformed)

        for length in [0, 4, 771] {
            var badPalette = PNGBuilder()
            badPalette.header(width: 4, height: 3, colorType: 3)
            badPalette.chunk("PLTE", [UInt8](repeating: 0, count: length))
            #expect(refusal(badPalette.bytes)?.code == .badPalette)
        }
    }

    @Test func missingIENDIsTruncated() {
        var builder = PNGBuilder()
        builder.header(width: 4, height: 3)
        builder.imageData(goodRows.flatMap { $0 })
        #expect(refusal(builder.bytes)?.code == .truncated)
    }

    @Test func aFailedDecoderRefusesFurtherInput() {
        var decoder = PNGDecoder()
        var sink = RecordingSink()
        let garbage: [UInt8] = [1, 2, 3]
        garbage.withUnsafeBytes { buffer in
            #expect(throws: ImagingError.self) { try decoder.feed(buffer, into: &sink) }
            #expect(throws: ImagingError.self) { try decoder.feed(buffer, into: &sink) }
        }
        #expect(throws: ImagingError.self) { try decoder.finish(into: &sink) }
    }

    /// Errors from the sink stop decoding and reach the caller unchanged.
    @Test func sinkErrorsPropagate() {
        struct RefusingSink: RowSink {
            mutating func begin(_ header: ImageHeader) throws(ImagingError) {}
            mutating func consume(_ fragment: RowFragment) throws(ImagingError) {
                if fragment.y == 1 { throw ImagingError(.malformed, "sink says no") }
            }
        }
        var sink = RefusingSink()
        #expect(throws: ImagingError(.malformed, "sink says no")) {
            try PNGDecoder.decode(PNGBuilder.gray(width: 2, height: 3), into: &sink)
        }
    }

    @Test func errorsNameTheirPlace() {
        var builder = PNGBuilder()
        builder.header(width: 0, height: 1)
        let error = refusal(builder.bytes)
        #expect(error?.description == "image size 0×1 is invalid: width and height must be 1 ... 2147483647 (chunk IHDR, byte 8)")
    }
}
