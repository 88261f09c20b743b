import CZlib
import Dispatch

/// Raw deflate of frame payloads, primed with a preset dictionary (one zlib stream, reused).
///
/// Each frame is compressed independently (the stream is reset and re-primed per frame) so any
/// frame inflates on its own. Not thread-safe: one compressor per thread.
package final class Compressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private let dictionary: [UInt8]
    private var level: Int32

    /// A compressor at zlib `level` (1 fastest … 9 smallest) priming with dictionary `dictionaryId`.
    /// `memoryLevel` (1…9) sizes zlib's hash table; every frame resets it, so small frames want
    /// a small one.
    package init(level: Int32, memoryLevel: Int32 = 8, dictionaryId: UInt32 = CompressionDictionary.currentId) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        dictionary = CompressionDictionary.bytes(forId: dictionaryId)!
        self.level = level
        // windowBits −15: raw deflate, no zlib header or Adler-32 (the frame has its own CRC).
        let status = czlib_deflateInit2(stream, level, -15, memoryLevel, Z_DEFAULT_STRATEGY)
        precondition(status == Z_OK, "deflateInit2 failed (\(status)): zlib is unusable")
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Sets the level for the next frames (small frames favour ratio, big ones speed).
    package func setLevel(_ newLevel: Int32) {
        guard newLevel != level else { return }
        deflateReset(stream)
        let status = deflateParams(stream, newLevel, Z_DEFAULT_STRATEGY)
        precondition(status == Z_OK, "deflateParams failed (\(status))")
        level = newLevel
    }

    /// Appends the deflated `input` to `output`; returns the number of bytes appended.
    ///
    /// By default the stream is primed with the preset dictionary and finished. For a frame
    /// compressed in parts (`ParallelDeflate`), a later part is primed with the 32 KiB of input
    /// before it (`primer`) and only the last part is `isFinal`; the others end with a sync flush
    /// (byte-aligned, not final), so the parts concatenate into one valid deflate stream.
    package func compress(_ input: UnsafeRawBufferPointer, primer: UnsafeRawBufferPointer? = nil, isFinal: Bool = true,
                          appendingTo output: inout [UInt8]) -> Int {
        deflateReset(stream)
        if let primer {
            _ = deflateSetDictionary(stream, primer.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(primer.count))
        } else {
            dictionary.withUnsafeBufferPointer { dict in
                _ = deflateSetDictionary(stream, dict.baseAddress, UInt32(dict.count))
            }
        }
        // deflateBound covers a finished stream; a sync flush adds at most an empty stored block.
        let bound = Int(deflateBound(stream, UInt(input.count))) + 16
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        let produced = output.withUnsafeMutableBytes { out -> Int in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = UInt32(input.count)
            stream.pointee.next_out = out.baseAddress!.advanced(by: start).assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(bound)
            let status = deflate(stream, isFinal ? Z_FINISH : Z_SYNC_FLUSH)
            precondition(status == (isFinal ? Z_STREAM_END : Z_OK) && stream.pointee.avail_in == 0,
                         "deflate into a deflateBound-sized buffer did not complete (\(status))")
            return bound - Int(stream.pointee.avail_out)
        }
        output.removeLast(bound - produced)
        return produced
    }
}

/// Deflates one big frame payload on two cores: the halves are compressed at the same time and
/// concatenated into one deflate stream (the technique of pigz). The second half is primed with
/// the 32 KiB before it, so its back-references stay valid when the whole stream is inflated.
/// Costs a few bytes of ratio per frame; halves the compression latency of a 1,000-event append.
package final class ParallelDeflate: @unchecked Sendable {
    // @unchecked Sendable: during `compress`, part 0 touches only `first`/`firstPart` and part 1
    // only `second`/`secondPart`; concurrentPerform returns after both, ordering the accesses.
    private let first = Compressor(level: PayloadEncoder.largeFrameLevel)
    private let second = Compressor(level: PayloadEncoder.largeFrameLevel)
    private var firstPart: [UInt8] = []
    private var secondPart: [UInt8] = []

    /// Inputs at least this long are split; the first half must cover a full 32 KiB window.
    package static let minimumInputLength = 128 << 10

    /// Two compressors at the large-frame level.
    package init() {}

    /// Appends the deflated `input` (at least `minimumInputLength` bytes) to `output`; returns the
    /// number of bytes appended.
    package func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) -> Int {
        precondition(input.count >= ParallelDeflate.minimumInputLength)
        let middle = input.count / 2
        // nonisolated(unsafe): the caller keeps `input` alive and unchanged until we return.
        nonisolated(unsafe) let input = input
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {
                firstPart.removeAll(keepingCapacity: true)
                _ = first.compress(UnsafeRawBufferPointer(rebasing: input[..<middle]), isFinal: false, appendingTo: &firstPart)
            } else {
                secondPart.removeAll(keepingCapacity: true)
                let primer = UnsafeRawBufferPointer(rebasing: input[(middle - 32768)..<middle])
                _ = second.compress(UnsafeRawBufferPointer(rebasing: input[middle...]), primer: primer, appendingTo: &secondPart)
            }
        }
        output.append(contentsOf: firstPart)
        output.append(contentsOf: secondPart)
        return firstPart.count + secondPart.count
    }
}

/// Raw inflate of frame payloads with the segment's preset dictionary.
///
/// Not thread-safe: one decompressor per reader.
package final class Decompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private var dictionaryId: UInt32 = 0
    private var dictionary: [UInt8] = []

    /// A decompressor; the dictionary is chosen per call.
    package init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = czlib_inflateInit2(stream, -15)
        precondition(status == Z_OK, "inflateInit2 failed (\(status)): zlib is unusable")
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates `input` into exactly `output.count` bytes; throws `.badPayload` unless the
    /// deflate stream ends exactly there and consumes all of `input`.
    package func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, dictionaryId: UInt32) throws(FrameError) {
        if dictionaryId != self.dictionaryId {
            guard let bytes = CompressionDictionary.bytes(forId: dictionaryId) else {
                throw FrameError(.unsupportedVersion, at: 0, "unknown compression dictionary id \(dictionaryId)")
            }
            dictionary = bytes
            self.dictionaryId = dictionaryId
        }
        inflateReset(stream)
        dictionary.withUnsafeBufferPointer { dict in
            _ = inflateSetDictionary(stream, dict.baseAddress, UInt32(dict.count))
        }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(output.count)
        let status = inflate(stream, Z_FINISH)
        guard status == Z_STREAM_END, stream.pointee.avail_out == 0, stream.pointee.avail_in == 0 else {
            throw FrameError(.badPayload, at: 0, "payload does not inflate to the declared \(output.count) bytes (zlib status \(status))")
        }
    }
}
