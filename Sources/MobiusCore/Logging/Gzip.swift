import CZlib

/// gzip (RFC 1952) through zlib, for rotated log files: readable by `gunzip` and `zcat`.
enum Gzip {
    /// `bytes` as one gzip member.
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: zlib writes the gzip header and trailer (CRC-32, length).
        guard czlib_deflateInit2(&stream, level, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK else {
            preconditionFailure("deflateInit2 for gzip failed: zlib is unusable")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(bytes.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        let produced = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "gzip into a deflateBound-sized buffer did not finish (\(status))")
                return out.count - Int(stream.avail_out)
            }
        }
        output.removeLast(output.count - produced)
        return output
    }
}
