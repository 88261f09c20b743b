/// gzip (RFC 1952) through zlib, in one call: for rotated log files, readable by `gunzip` and
/// `zcat`. Streams (backups) use `GzipEncoder` and `GzipDecoder` directly.
enum Gzip {
    /// `bytes` as one gzip member.
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        let encoder = GzipEncoder(level: level)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2 + 64)
        bytes.withUnsafeBytes { encoder.compress($0, appendingTo: &output) }
        encoder.finish(appendingTo: &output)
        return output
    }
}
