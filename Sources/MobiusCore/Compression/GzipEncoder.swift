import CZlib

/// One gzip (RFC 1952) member written in pieces through zlib: feed it with `compress`, end it
/// with `finish`.
///
/// zlib writes the 10-byte header (no name, mtime 0, OS 3 = Unix) and the trailer (CRC-32 and
/// length of the input), so `gunzip`, `zcat` and `tar -xzf` read the output. Not thread-safe:
/// one encoder per stream.
final class GzipEncoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch: [UInt8]
    private var isFinished = false

    /// Output is gathered in pieces of this size.
    private static let scratchBytes = 256 << 10

    /// An encoder at zlib `level` (1 fastest … 9 smallest).
    init(level: Int32) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        scratch = [UInt8](repeating: 0, count: GzipEncoder.scratchBytes)
        // windowBits 15 + 16: zlib writes the gzip header and trailer (CRC-32, length).
        let status = czlib_deflateInit2(stream, level, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        precondition(status == Z_OK, "deflateInit2 for gzip failed (\(status)): zlib is unusable")
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `input`, appending whatever compressed bytes zlib has ready to `output`.
    func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        precondition(!isFinished, "compress after finish")
        guard input.count > 0 else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(input.count)
        while stream.pointee.avail_in > 0 { run(Z_NO_FLUSH, appendingTo: &output) }
    }

    /// Input bytes taken so far.
    var totalIn: Int { Int(stream.pointee.total_in) }
    /// Compressed bytes produced so far (zlib may hold up to a block more).
    var totalOut: Int { Int(stream.pointee.total_out) }

    /// Switches to zlib `level` for the input that follows (0 stores it): what was fed so far
    /// is compressed at the old level first, its output appended to `output`.
    func setLevel(_ level: Int32, appendingTo output: inout [UInt8]) {
        precondition(!isFinished, "setLevel after finish")
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        // Z_BLOCK until zlib holds nothing back, so deflateParams never lacks output room.
        while true {
            run(Z_BLOCK, appendingTo: &output)
            if stream.pointee.avail_out > 0 { break }
        }
        let status = scratch.withUnsafeMutableBufferPointer { out -> Int32 in
            stream.pointee.next_out = out.baseAddress
            stream.pointee.avail_out = UInt32(out.count)
            let status = deflateParams(stream, level, Z_DEFAULT_STRATEGY)
            output.append(contentsOf: out[..<(out.count - Int(stream.pointee.avail_out))])
            return status
        }
        precondition(status == Z_OK, "deflateParams failed (\(status))")
    }

    /// Ends the member: appends the rest of the compressed stream and the trailer.
    func finish(appendingTo output: inout [UInt8]) {
        precondition(!isFinished, "finish twice")
        isFinished = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        while run(Z_FINISH, appendingTo: &output) != Z_STREAM_END {}
    }

    /// One `deflate` call into the scratch buffer, whose output is appended to `output`.
    @discardableResult
    private func run(_ flush: Int32, appendingTo output: inout [UInt8]) -> Int32 {
        let (status, produced) = scratch.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
            stream.pointee.next_out = out.baseAddress
            stream.pointee.avail_out = UInt32(out.count)
            let status = deflate(stream, flush)
            return (status, out.count - Int(stream.pointee.avail_out))
        }
        // Z_BUF_ERROR means "no progress possible": only a flush with nothing left to flush gets it.
        precondition(status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && stream.pointee.avail_in == 0),
                     "deflate failed (\(status)): zlib is unusable")
        output.append(contentsOf: scratch[..<produced])
        return status
    }
}
