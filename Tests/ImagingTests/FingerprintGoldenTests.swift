import Imaging
import Testing

/// End to end: committed files hashed by `Fingerprinter`/`FingerprintStream` must print exactly
/// what ImageHash 4.3.2 printed for them (goldens from tools/make-golden).
@Suite struct FingerprintGoldenTests {
    static let sizes = [8, 16, 5]

    @Test("PNM fixtures hash like ImageHash", arguments: DHashFixtures.names("pnm"), sizes)
    func pnmHashesMatchImageHash(file: String, size: Int) throws {
        let entry = DHashFixtures.entry("pnm", file)
        let fingerprint = try Fingerprinter.fingerprint(DHashFixtures.bytes(file), size: size)
        #expect(fingerprint.hash.hex == (entry["hashes"] as! [String: String])[String(size)])
        #expect(fingerprint.width == entry["width"] as! Int && fingerprint.height == entry["height"] as! Int)
        #expect(fingerprint.format == .pnm)
    }

    @Test("streamed in random chunks, the hash is the same", arguments: ["pnm", "png"].flatMap { section in DHashFixtures.names(section).map { [section, $0] } })
    func chunkingDoesNotChangeTheHash(fixture: [String]) throws {
        let (section, file) = (fixture[0], fixture[1])
        var stream = FingerprintStream()
        for piece in Splitting.random.pieces(of: DHashFixtures.bytes(file), seed: 99) { try stream.feed(piece) }
        let entry = DHashFixtures.entry(section, file)
        #expect(try stream.finish().hash.hex == (entry["hashes"] as! [String: String])["8"])
    }

    @Test("rows of layouts PNM cannot express hash like ImageHash", arguments: DHashFixtures.names("raw"), sizes)
    func rawRowsHashLikeImageHash(file: String, size: Int) throws {
        let entry = DHashFixtures.entry("raw", file)
        let layout: PixelLayout = switch entry["layout"] as! String {
        case "palette": .palette(Palette(rgb: DHashFixtures.bytes(hex: entry["palette"] as! String)))
        case "grayAlpha": .grayAlpha
        case "rgba": .rgba
        case "rgb": .rgb
        default: .gray16
        }
        let thumbnail = try ThumbnailBuilderTests.thumbnail(
            of: DHashFixtures.bytes(file), width: entry["width"] as! Int, height: entry["height"] as! Int, size: size, layout: layout
        )
        #expect(DifferenceHash(thumbnail: thumbnail, size: size).hex == (entry["hashes"] as! [String: String])[String(size)])
    }

    @Test func sixteenBitGreyDeviatesFromPillowOnPurpose() {
        // Pillow clips 16-bit grey to white, so its hash is all zeros; ours hashes the high byte.
        for entry in DHashFixtures.section("pnm") + DHashFixtures.section("raw") where entry["deviation"] != nil {
            let ours = (entry["hashes"] as! [String: String])["8"]!
            let pillows = (entry["pillowHashes"] as! [String: String])["8"]!
            #expect(ours != pillows, "\(entry["file"]!)")
        }
    }

    // PNG goldens: every colour type × bit depth × interlace, in goldens.json's "png" section.
    @Test("PNG fixtures hash like ImageHash", arguments: DHashFixtures.names("png"))
    func pngHashesMatchImageHash(file: String) throws {
        let entry = DHashFixtures.entry("png", file)
        let fingerprint = try Fingerprinter.fingerprint(DHashFixtures.bytes(file))
        #expect(fingerprint.hash.hex == (entry["hashes"] as! [String: String])["8"])
        #expect(fingerprint.format == .png)
    }

    @Test func unknownAndEmptyInputAreRefused() {
        #expect { _ = try Fingerprinter.fingerprint([UInt8]()) } throws: { ($0 as? ImagingError)?.code == .truncated }
        #expect { _ = try Fingerprinter.fingerprint(Array("GIF89a".utf8)) } throws: { ($0 as? ImagingError)?.code == .unrecognizedFormat }
        #expect { _ = try Fingerprinter.fingerprint([0x89, 0x50, 0x4F]) } throws: { ($0 as? ImagingError)?.code == .unrecognizedFormat }
        #expect { _ = try Fingerprinter.fingerprint(Array("P0".utf8)) } throws: { ($0 as? ImagingError)?.code == .unrecognizedFormat }
        // Prefixes of a valid signature are cut-short files, not foreign ones.
        #expect { _ = try Fingerprinter.fingerprint([0x89, 0x50]) } throws: { ($0 as? ImagingError)?.code == .truncated }
        #expect { _ = try Fingerprinter.fingerprint([UInt8(ascii: "P")]) } throws: { ($0 as? ImagingError)?.code == .truncated }
    }
}
