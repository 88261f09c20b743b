/// Pillow 13's mapping of a PNM sample to the value it stores, as a lookup table.
///
/// Pillow stores `min(outMax, round(value / maxval × outMax))`, computed in double precision
/// and rounded half to even (Python's `round`), where `outMax` is 255 for 8-bit results and
/// 65535 for the 16-bit grey (mode "I") that maxval above 255 gives a graymap. Binary files
/// may hold samples above maxval; they clip to `outMax`. (Plain files refuse them instead: the
/// decoder checks that before the lookup.) maxval 255 and 65535 map every value to itself.
struct PNMSampleScale {
    /// The stored value of each possible input sample (256 or 65536 entries).
    let table: [UInt16]

    /// The table for samples read with `maxValue`, scaled to 0 … `outMax`.
    init(maxValue: Int, outMax: Int) {
        let count = maxValue > 255 ? 65536 : 256
        let divisor = Double(maxValue)
        let scale = Double(outMax)
        table = (0..<count).map { value in
            let scaled = (Double(value) / divisor * scale).rounded(.toNearestOrEven)
            return UInt16(min(Double(outMax), scaled))
        }
    }

    /// True when every sample maps to itself, so rows can be passed on untouched.
    static func isIdentity(maxValue: Int, outMax: Int) -> Bool { maxValue == outMax }
}
