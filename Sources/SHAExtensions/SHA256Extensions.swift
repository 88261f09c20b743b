// SHA-256's compression function on the x86 SHA extensions (SHA-NI: sha256rnds2, sha256msg1,
// sha256msg2), reached through clang's intrinsics. This module alone is compiled with
// `-msha -msse4.1` (Package.swift), so no other code can pick up those instructions; callers
// must check `SHA256Extensions.isAvailable` first, since a CPU without them stops the process
// with SIGILL.
//
// The state lives in two vectors as the instructions want it: ABEF and CDGH (FIPS 180-4's
// working variables a…h, most significant lane first). Each sha256rnds2 does two rounds with
// the low two words of its third operand (W[t] + K[t]); the message schedule builds W[16…63]
// four words at a time: W[t…t+3] = msg2(msg1(W[t-16…], W[t-12…]) + W[t-7…t-4], W[t-4…t-1]).

#if arch(x86_64)
import CPUFeatures
import _Builtin_intrinsics.intel

/// SHA-256 compression on the CPU's SHA extensions, when it has them.
public enum SHA256Extensions {
    /// Whether this CPU has the SHA extensions and the SSE4.1 and SSSE3 the code also uses
    /// (every such CPU has them).
    public static let isAvailable = CPUFeatures.has("sha_ni", "sse4_1", "ssse3")

    /// Compresses `count` 64-byte blocks at `blocks` into `state` (h0…h7), with FIPS 180-4's
    /// 64 round constants K at `constants` (the caller's: `Integrity` keeps the one copy).
    ///
    /// Clang defines the immediate-operand shuffles (`_mm_shuffle_epi32`, `_mm_alignr_epi8`,
    /// `_mm_blend_epi16`) as macros, which Swift does not import, so lanes move with
    /// `_mm_set_epi32`, the 64-bit unpacks and byte shuffles (`pshufb`) instead.
    public static func compress(_ state: UnsafeMutablePointer<UInt32>, blocks: UnsafeRawPointer, count: Int, constants: UnsafeRawPointer) {
        precondition(isAvailable, "the SHA extensions are used only where the CPU has them")
        var lane = Lane(state)
        for index in 0..<count {
            lane.start(blocks + index &* 64)
            for group in 0..<16 { lane.rounds(group, constants: constants) }
            lane.end()
        }
        lane.store(state)
    }

    /// Compresses `count` blocks at `first` into `firstState` and as many at `second` into
    /// `secondState`, two independent messages a round group at a time, so the rounds of one
    /// fill the latency of the other's. Measured here, 1.55× the bytes per second of one
    /// message (3.3 against 2.1 GB/s); three or four at once are slower again (out of registers).
    public static func compressPair(_ firstState: UnsafeMutablePointer<UInt32>, blocks first: UnsafeRawPointer,
                                    _ secondState: UnsafeMutablePointer<UInt32>, blocks second: UnsafeRawPointer,
                                    count: Int, constants: UnsafeRawPointer) {
        precondition(isAvailable, "the SHA extensions are used only where the CPU has them")
        var a = Lane(firstState), b = Lane(secondState)
        for index in 0..<count {
            a.start(first + index &* 64)
            b.start(second + index &* 64)
            for group in 0..<16 {
                a.rounds(group, constants: constants)
                b.rounds(group, constants: constants)
            }
            a.end()
            b.end()
        }
        a.store(firstState)
        b.store(secondState)
    }

    /// One message's working state: ABEF and CDGH, the 16 schedule words in four vectors, and
    /// the state as the block began.
    private struct Lane {
        var abef: __m128i, cdgh: __m128i
        var w0 = _mm_setzero_si128(), w1 = _mm_setzero_si128(), w2 = _mm_setzero_si128(), w3 = _mm_setzero_si128()
        var savedABEF = _mm_setzero_si128(), savedCDGH = _mm_setzero_si128()

        @inline(__always) init(_ state: UnsafeMutablePointer<UInt32>) {
            func int(_ word: UInt32) -> Int32 { Int32(bitPattern: word) }
            // Lanes from the most significant: A B E F and C D G H.
            abef = _mm_set_epi32(int(state[0]), int(state[1]), int(state[4]), int(state[5]))
            cdgh = _mm_set_epi32(int(state[2]), int(state[3]), int(state[6]), int(state[7]))
        }

        /// Loads the 64-byte block at `block` (big-endian words) and saves the state.
        @inline(__always) mutating func start(_ block: UnsafeRawPointer) {
            // Swaps the bytes of each 32-bit word.
            let byteSwap = _mm_set_epi64x(0x0C0D_0E0F_0809_0A0B, 0x0405_0607_0001_0203)
            savedABEF = abef
            savedCDGH = cdgh
            w0 = _mm_shuffle_epi8(block.loadUnaligned(as: __m128i.self), byteSwap)
            w1 = _mm_shuffle_epi8(block.loadUnaligned(fromByteOffset: 16, as: __m128i.self), byteSwap)
            w2 = _mm_shuffle_epi8(block.loadUnaligned(fromByteOffset: 32, as: __m128i.self), byteSwap)
            w3 = _mm_shuffle_epi8(block.loadUnaligned(fromByteOffset: 48, as: __m128i.self), byteSwap)
        }

        /// Rounds `4 × group` to `4 × group + 3`, building their schedule words past the first 16.
        @inline(__always) mutating func rounds(_ group: Int, constants: UnsafeRawPointer) {
            let words: __m128i
            switch group {
            case 0: words = w0
            case 1: words = w1
            case 2: words = w2
            case 3: words = w3
            default:
                // Words 1, 2, 3 of a vector into lanes 0, 1, 2 (lane 3 zero), and word 0 into
                // lane 3. (A mask byte is the source byte's index; 0x80 makes a zero byte.)
                let upperThree = _mm_set_epi64x(Int64(bitPattern: 0x8080_8080_0F0E_0D0C as UInt64), 0x0B0A_0908_0706_0504)
                let lowestLast = _mm_set_epi64x(0x0302_0100_8080_8080, Int64(bitPattern: 0x8080_8080_8080_8080 as UInt64))
                // W[t-7…t-4]: words 1…3 of w2 and word 0 of w3.
                let sevenBack = _mm_or_si128(_mm_shuffle_epi8(w2, upperThree), _mm_shuffle_epi8(w3, lowestLast))
                let next = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), sevenBack), w3)
                (w0, w1, w2, w3) = (w1, w2, w3, next)
                words = next
            }
            let sum = _mm_add_epi32(words, constants.loadUnaligned(fromByteOffset: group &* 16, as: __m128i.self))
            // Two rounds on W+K words 0 and 1, then two on words 2 and 3: the new ABEF of the
            // first pair is the CDGH of the second.
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sum)
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_unpackhi_epi64(sum, sum))
        }

        /// Adds the state the block began with.
        @inline(__always) mutating func end() {
            abef = _mm_add_epi32(abef, savedABEF)
            cdgh = _mm_add_epi32(cdgh, savedCDGH)
        }

        /// Writes h0…h7 back.
        @inline(__always) func store(_ state: UnsafeMutablePointer<UInt32>) {
            // Lanes from the least significant: F E B A and H G D C.
            withUnsafeBytes(of: abef) { lanes in
                state[5] = lanes.load(as: UInt32.self); state[4] = lanes.load(fromByteOffset: 4, as: UInt32.self)
                state[1] = lanes.load(fromByteOffset: 8, as: UInt32.self); state[0] = lanes.load(fromByteOffset: 12, as: UInt32.self)
            }
            withUnsafeBytes(of: cdgh) { lanes in
                state[7] = lanes.load(as: UInt32.self); state[6] = lanes.load(fromByteOffset: 4, as: UInt32.self)
                state[3] = lanes.load(fromByteOffset: 8, as: UInt32.self); state[2] = lanes.load(fromByteOffset: 12, as: UInt32.self)
            }
        }
    }
}
#else
/// SHA-256 compression on CPU extensions: none on this architecture.
public enum SHA256Extensions {
    public static let isAvailable = false
    public static func compress(_ state: UnsafeMutablePointer<UInt32>, blocks: UnsafeRawPointer, count: Int, constants: UnsafeRawPointer) {
        preconditionFailure("no SHA extensions on this architecture")
    }
    public static func compressPair(_ firstState: UnsafeMutablePointer<UInt32>, blocks first: UnsafeRawPointer,
                                    _ secondState: UnsafeMutablePointer<UInt32>, blocks second: UnsafeRawPointer,
                                    count: Int, constants: UnsafeRawPointer) {
        preconditionFailure("no SHA extensions on this architecture")
    }
}
#endif
