import Imaging
import TestSupport
import Testing

/// Seeded random damage to valid fixtures: every mutant decodes or throws `ImagingError`, never
/// crashes or hangs; a mutant that decodes paints every pixel exactly once; and splitting the
/// input never changes the outcome.
@Suite struct PNGMutationTests {
    @Test(arguments: 0..<16)
    func mutantsDecodeOrThrowNeverCrash(round: Int) {
        var generator = SeededGenerator(seed: 0x5EED_0000 + UInt64(round))
        var decoded = 0
        var refused: [ImagingError.Code: Int] = [:]
        for _ in 0..<500 {
            let fixture = PNGFixture.all.randomElement(using: &generator)!
            var png = fixture.png
            for _ in 0...Int.random(in: 0...3, using: &generator) { mutate(&png, using: &generator) }
            // Half the time repair the CRCs, so damage reaches the header, zlib and filter checks.
            if Bool.random(using: &generator) { repairCRCs(&png) }

            switch decode(png) {
            case .success(let sink):
                decoded += 1
                #expect(sink.frame != nil, "\(fixture.name) mutant decoded without painting each pixel once")
            case .failure(let error):
                refused[error.code, default: 0] += 1
                #expect(!error.message.isEmpty && error.offset != nil)
            }
            if Int.random(in: 0..<10, using: &generator) == 0 {
                let splits = randomSplits(count: png.count, maxPiece: 17, using: &generator)
                #expect(outcome(decode(png, splits: splits)) == outcome(decode(png)))
            }
        }
        // The loop must reach deep checks, not just stop at the first CRC.
        #expect(decoded > 0)
        #expect(refused.count >= 8, "refusals \(refused)")
    }

    /// What a decode produced, comparable across splits: the rows, or where and why it failed.
    private struct Outcome: Equatable {
        var fragments: [RecordingSink.Fragment] = []
        var code: ImagingError.Code?
        var offset: Int?
    }

    private func outcome(_ result: Result<RecordingSink, ImagingError>) -> Outcome {
        switch result {
        case .success(let sink): Outcome(fragments: sink.fragments)
        case .failure(let error): Outcome(code: error.code, offset: error.offset)
        }
    }

    private func mutate(_ png: inout [UInt8], using generator: inout SeededGenerator) {
        guard !png.isEmpty else { return }
        let at = Int.random(in: 0..<png.count, using: &generator)
        switch Int.random(in: 0..<6, using: &generator) {
        case 0: png[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
        case 1: png[at] = UInt8.random(in: 0...255, using: &generator)
        case 2: png.removeSubrange(at...)
        case 3: png.insert(contentsOf: (0..<Int.random(in: 1...8, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }, at: at)
        case 4: png.removeSubrange(at..<min(png.count, at + Int.random(in: 1...16, using: &generator)))
        default:
            // Overwrite a byte with an extreme value: lengths, dimensions and depths love these.
            png[at] = [0x00, 0xFF, 0x7F, 0x80].randomElement(using: &generator)!
        }
    }

    /// Recomputes the CRC of every chunk whose bytes are all present.
    private func repairCRCs(_ png: inout [UInt8]) {
        var offset = 8
        while offset + 12 <= png.count {
            let length = Int(png[offset]) << 24 | Int(png[offset + 1]) << 16 | Int(png[offset + 2]) << 8 | Int(png[offset + 3])
            guard length <= png.count - offset - 12 else { return }
            let crc = bigEndian(crc32Of(Array(png[(offset + 4)..<(offset + 8 + length)])))
            png.replaceSubrange((offset + 8 + length)..<(offset + 12 + length), with: crc)
            offset += 12 + length
        }
    }
}
