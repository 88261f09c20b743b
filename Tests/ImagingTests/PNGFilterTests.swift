@testable import Imaging
import TestSupport
import Testing

/// The filter loops against a literal transcription of the PNG specification's formulas.
@Suite struct PNGFilterTests {
    /// The specification's reconstruction, byte by byte, with no shortcuts.
    private func reference(type: UInt8, row: [UInt8], prior: [UInt8], stride: Int) -> [UInt8] {
        var out = row
        for i in 0..<row.count {
            let a = i >= stride ? Int(out[i - stride]) : 0
            let b = Int(prior[i])
            let c = i >= stride ? Int(prior[i - stride]) : 0
            let predictor: Int
            switch type {
            case 1: predictor = a
            case 2: predictor = b
            case 3: predictor = (a + b) / 2
            case 4:
                let p = a + b - c
                let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
            default: predictor = 0
            }
            out[i] = UInt8((Int(row[i]) + predictor) & 0xFF)
        }
        return out
    }

    @Test(arguments: [1, 2, 3, 4, 6, 8])
    func everyFilterMatchesTheSpecification(stride: Int) {
        var generator = SeededGenerator(seed: UInt64(stride))
        for type in UInt8(0)...4 {
            for count in [stride, stride * 2, stride * 7 + stride, 96] where count % stride == 0 {
                // Extremes matter for Paeth's ties and Average's carry: mix them with random bytes.
                let pick: () -> UInt8 = { [0, 1, 127, 128, 254, 255, UInt8.random(in: 0...255, using: &generator)].randomElement(using: &generator)! }
                let row = (0..<count).map { _ in pick() }
                let prior = (0..<count).map { _ in pick() }
                // The decoder leaves 16 bytes of slack after both rows for vector loads; so does this.
                let slack = [UInt8](repeating: 0xA5, count: 16)
                var actual = row + slack
                let paddedPrior = prior + slack
                let accepted = actual.withUnsafeMutableBufferPointer { rowBuffer in
                    paddedPrior.withUnsafeBufferPointer { priorBuffer in
                        PNGFilter.reconstruct(type: type, row: rowBuffer.baseAddress!, prior: priorBuffer.baseAddress!, count: count, stride: stride)
                    }
                }
                #expect(accepted)
                #expect(actual == reference(type: type, row: row, prior: prior, stride: stride) + slack, "type \(type) stride \(stride) count \(count)")
            }
        }
    }

    /// Two Average or Paeth rows reconstructed together equal the two reconstructed one after the other.
    @Test(arguments: [UInt8(3), 4], [1, 3, 4])
    func pairedRowsMatchTwoSingleRows(type: UInt8, stride: Int) {
        for pixels in [1, 2, 17, 256] {
            var generator = SeededGenerator(seed: UInt64(stride * 1000 + pixels))
            let count = stride * pixels
            let slack = [UInt8](repeating: 0xA5, count: 16)
            let prior = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let first = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let second = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expectedFirst = reference(type: type, row: first, prior: prior, stride: stride)
            let expectedSecond = reference(type: type, row: second, prior: expectedFirst, stride: stride)
            var actualFirst = first + slack, actualSecond = second + slack
            let paddedPrior = prior + slack
            #expect(PNGFilter.canPairRows(type: type, stride: stride))
            actualFirst.withUnsafeMutableBufferPointer { f in
                actualSecond.withUnsafeMutableBufferPointer { s in
                    paddedPrior.withUnsafeBufferPointer { p in
                        PNGFilter.reconstructPair(type: type, first: f.baseAddress!, prior: p.baseAddress!, second: s.baseAddress!, count: count, stride: stride)
                    }
                }
            }
            #expect(actualFirst == expectedFirst + slack, "\(pixels) pixels")
            #expect(actualSecond == expectedSecond + slack, "\(pixels) pixels")
        }
    }

    @Test func onlyAverageAndPaethRowsOfSomeStridesArePaired() {
        #expect(!PNGFilter.canPairRows(type: 1, stride: 1))
        #expect(!PNGFilter.canPairRows(type: 2, stride: 4))
        #expect(!PNGFilter.canPairRows(type: 4, stride: 2))
        #expect(!PNGFilter.canPairRows(type: 3, stride: 8))
    }

    @Test func unknownFilterTypesAreRejectedAndLeaveTheRowAlone() {
        var row: [UInt8] = [1, 2, 3]
        let prior: [UInt8] = [4, 5, 6]
        let accepted = row.withUnsafeMutableBufferPointer { r in
            prior.withUnsafeBufferPointer { PNGFilter.reconstruct(type: 5, row: r.baseAddress!, prior: $0.baseAddress!, count: 3, stride: 1) }
        }
        #expect(!accepted)
        #expect(row == [1, 2, 3])
    }

    /// Adam7 passes tile the image: every pixel of every size up to 17×17 is in exactly one pass.
    @Test func adam7PassesCoverEveryPixelOnce() {
        for width in 1...17 {
            for height in 1...17 {
                var seen = [Int](repeating: 0, count: width * height)
                for pass in PNGPass.passes(width: width, height: height, isInterlaced: true) {
                    #expect(pass.width > 0 && pass.height > 0)
                    for j in 0..<pass.height {
                        for i in 0..<pass.width { seen[(pass.yStart + j * pass.yStep) * width + pass.xStart + i * pass.xStep] += 1 }
                    }
                }
                #expect(seen.allSatisfy { $0 == 1 }, "\(width)×\(height)")
            }
        }
    }
}
