/// One pass of a PNG's image data: the sub-image whose scanlines are stored consecutively.
///
/// A non-interlaced image has one pass covering every pixel. Adam7 has seven, each taking the
/// pixels at `(xStart + i·xStep, yStart + j·yStep)`; passes with no pixels are absent from the
/// data (they have not even filter bytes), so `passes(width:height:isInterlaced:)` leaves them out.
struct PNGPass: Equatable {
    /// Adam7's pass number, 1 ... 7 (1 for a non-interlaced image).
    let number: Int
    /// Column of the pass's first pixel in each row.
    let xStart: Int
    /// Row of the pass's first row.
    let yStart: Int
    /// Column distance between the pass's pixels.
    let xStep: Int
    /// Row distance between the pass's rows.
    let yStep: Int
    /// Pixels per pass row, at least 1.
    let width: Int
    /// Rows in the pass, at least 1.
    let height: Int

    /// Adam7's origin and step per pass, from the PNG specification: (xStart, yStart, xStep, yStep).
    private static let adam7: [(Int, Int, Int, Int)] = [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ]

    /// The non-empty passes of a `width` × `height` image, in the order the file stores them.
    static func passes(width: Int, height: Int, isInterlaced: Bool) -> [PNGPass] {
        guard isInterlaced else {
            return [PNGPass(number: 1, xStart: 0, yStart: 0, xStep: 1, yStep: 1, width: width, height: height)]
        }
        var result: [PNGPass] = []
        for (index, (xStart, yStart, xStep, yStep)) in adam7.enumerated() {
            let passWidth = width > xStart ? (width - xStart + xStep - 1) / xStep : 0
            let passHeight = height > yStart ? (height - yStart + yStep - 1) / yStep : 0
            if passWidth > 0 && passHeight > 0 {
                result.append(PNGPass(number: index + 1, xStart: xStart, yStart: yStart, xStep: xStep, yStep: yStep, width: passWidth, height: passHeight))
            }
        }
        return result
    }
}
