import CZlib

/// Why gzip input could not be decompressed.
struct GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What zlib said, or what is wrong with the stream's end.
    var message: String
    /// Compressed bytes consumed before the problem showed.
    var offset: Int

    var description: String { "\(message) (after \(offset) compressed bytes)" }
}

/// Reads one gzip (RFC 1952) member fed in pieces, through zlib: `decompress` each piece as it
/// arrives, then `finish` to check that the member ended, with its CRC-32 and length checked.
///
/// Exactly one member is accepted: bytes after its trailer are an error (what `create` writes
/// has none; a second member would be data no manifest describes). Not thread-safe.
final class GzipDecoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch: [UInt8]
    private var consumed = 0
    /// The member's trailer has been read and checked.
    private(set) var isAtEnd = false

    /// Output is handed out in pieces of at most this size.
    private static let scratchBytes = 1 << 20

    /// A decoder expecting a gzip header.
    init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        scratch = [UInt8](repeating: 0, count: GzipDecoder.scratchBytes)
        // windowBits 15 + 16: a gzip wrapper only (not zlib, not raw deflate).
        let status = czlib_inflateInit2(stream, 15 + 16)
        precondition(status == Z_OK, "inflateInit2 for gzip failed (\(status)): zlib is unusable")
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Decompresses `input`, handing each piece of output to `body` (valid only during the call).
    func decompress<E: Error>(_ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(GzipOrBodyError<E>) {
        guard input.count > 0 else { return }
        guard !isAtEnd else { throw .gzip(GzipError(message: "there are bytes after the end of the gzip stream", offset: consumed)) }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(input.count)
        while true {
            let before = Int(stream.pointee.avail_in)
            let (status, produced) = scratch.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(out.count)
                let status = inflate(stream, Z_NO_FLUSH)
                return (status, out.count - Int(stream.pointee.avail_out))
            }
            consumed += before - Int(stream.pointee.avail_in)
            if produced > 0 {
                let outcome = scratch.withUnsafeBytes { raw in
                    Result { () throws(E) in try body(UnsafeRawBufferPointer(rebasing: raw[..<produced])) }
                }
                if case .failure(let error) = outcome { throw .body(error) }
            }
            switch status {
            case Z_STREAM_END:
                isAtEnd = true
                if stream.pointee.avail_in > 0 {
                    throw .gzip(GzipError(message: "there are bytes after the end of the gzip stream", offset: consumed))
                }
                return
            case Z_BUF_ERROR where stream.pointee.avail_in == 0, Z_OK:
                // No progress (Z_BUF_ERROR) is fine once the input is used up: more comes next call.
                // A full output buffer may leave output inside zlib: call again until it has room to spare.
                if stream.pointee.avail_in == 0 && produced < scratch.count { return }
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw .gzip(GzipError(message: "the gzip stream is damaged: \(detail)", offset: consumed))
            }
        }
    }

    /// Checks that the input ended with the member's trailer (nothing cut off).
    func finish() throws(GzipError) {
        guard isAtEnd else { throw GzipError(message: "the gzip stream is cut off (no end-of-stream trailer)", offset: consumed) }
    }
}

/// A failure of `GzipDecoder.decompress`: the stream's own, or one thrown by the caller's body.
enum GzipOrBodyError<E: Error>: Error {
    /// The compressed input is damaged.
    case gzip(GzipError)
    /// The body refused the output.
    case body(E)
}
