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
import _Builtin_intrinsics.intel
import Glibc

/// SHA-256 compression on the CPU's SHA extensions, when it has them.
public enum SHA256Extensions {
    /// Whether this CPU has the SHA extensions (and SSE4.1, which every such CPU has): the
    /// `sha_ni` and `sse4_1` flags of /proc/cpuinfo, read once.
    public static let isAvailable: Bool = {
        guard let flags = cpuFlags() else { return false }
        return flags.contains("sha_ni") && flags.contains("sse4_1") && flags.contains("ssse3")
    }()

    /// Compresses `count` 64-byte blocks at `blocks` into `state` (h0…h7).
    ///
    /// Clang defines the immediate-operand shuffles (`_mm_shuffle_epi32`, `_mm_alignr_epi8`,
    /// `_mm_blend_epi16`) as macros, which Swift does not import, so lanes move with
    /// `_mm_set_epi32`, the 64-bit unpacks and byte shuffles (`pshufb`) instead.
    public static func compress(_ state: UnsafeMutablePointer<UInt32>, blocks: UnsafeRawPointer, count: Int) {
        precondition(isAvailable, "the SHA extensions are used only where the CPU has them")
        func int(_ word: UInt32) -> Int32 { Int32(bitPattern: word) }
        // Lanes from the most significant: A B E F and C D G H.
        var abef = _mm_set_epi32(int(state[0]), int(state[1]), int(state[4]), int(state[5]))
        var cdgh = _mm_set_epi32(int(state[2]), int(state[3]), int(state[6]), int(state[7]))
        // Swaps the bytes of each 32-bit word: the message is big-endian.
        let byteSwap = _mm_set_epi64x(0x0C0D_0E0F_0809_0A0B, 0x0405_0607_0001_0203)
        // Words 1, 2, 3 of a vector into lanes 0, 1, 2 (lane 3 zero), and word 0 into lane 3.
        // (A mask byte is the source byte's index; 0x80 makes a zero byte.)
        let upperThree = _mm_set_epi64x(Int64(bitPattern: 0x8080_8080_0F0E_0D0C as UInt64), 0x0B0A_0908_0706_0504)
        let lowestLast = _mm_set_epi64x(0x0302_0100_8080_8080, Int64(bitPattern: 0x8080_8080_8080_8080 as UInt64))
        roundConstants.withUnsafeBytes { constants in
            for index in 0..<count {
                let block = blocks + index &* 64
                let savedABEF = abef, savedCDGH = cdgh
                var w0 = _mm_shuffle_epi8(block.loadUnaligned(as: __m128i.self), byteSwap)
                var w1 = _mm_shuffle_epi8(block.loadUnaligned(fromByteOffset: 16, as: __m128i.self), byteSwap)
                var w2 = _mm_shuffle_epi8(block.loadUnaligned(fromByteOffset: 32, as: __m128i.self), byteSwap)
                var w3 = _mm_shuffle_epi8(block.loadUnaligned(fromByteOffset: 48, as: __m128i.self), byteSwap)
                for group in 0..<16 {
                    let words: __m128i
                    switch group {
                    case 0: words = w0
                    case 1: words = w1
                    case 2: words = w2
                    case 3: words = w3
                    default:
                        // W[t-7…t-4]: words 1…3 of w2 and word 0 of w3.
                        let sevenBack = _mm_or_si128(_mm_shuffle_epi8(w2, upperThree), _mm_shuffle_epi8(w3, lowestLast))
                        let next = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), sevenBack), w3)
                        (w0, w1, w2, w3) = (w1, w2, w3, next)
                        words = next
                    }
                    let sum = _mm_add_epi32(words, constants.loadUnaligned(fromByteOffset: group &* 16, as: __m128i.self))
                    // Two rounds on W+K words 0 and 1, then two on words 2 and 3: the new ABEF
                    // of the first pair is the CDGH of the second.
                    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sum)
                    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_unpackhi_epi64(sum, sum))
                }
                abef = _mm_add_epi32(abef, savedABEF)
                cdgh = _mm_add_epi32(cdgh, savedCDGH)
            }
        }
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

    /// FIPS 180-4's K, four to a vector.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// The `flags` line of /proc/cpuinfo, split into words; nil when it cannot be read.
    private static func cpuFlags() -> Set<Substring>? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            let text = String(cString: line!)
            if text.hasPrefix("flags") { return Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == ":" })) }
        }
        return nil
    }
}
#else
/// SHA-256 compression on CPU extensions: none on this architecture.
public enum SHA256Extensions {
    public static let isAvailable = false
    public static func compress(_ state: UnsafeMutablePointer<UInt32>, blocks: UnsafeRawPointer, count: Int) {
        preconditionFailure("no SHA extensions on this architecture")
    }
}
#endif
