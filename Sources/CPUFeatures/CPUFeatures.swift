#if canImport(Glibc)
import Glibc
#endif

/// What the CPU can do beyond the baseline the project is compiled for (x86-64 without POPCNT,
/// SSE4 or SHA): the `flags` of /proc/cpuinfo, read once.
///
/// Code built for an extension lives in a module of its own, compiled with that extension
/// (`SHAExtensions`, `PopcountExtensions`), and runs only after its caller asked here: on a CPU
/// without the extension it would stop the process with SIGILL.
public enum CPUFeatures {
    /// The flags the kernel lists for the first CPU (`sha_ni`, `popcnt`, `sse4_1`, …); empty
    /// when /proc/cpuinfo cannot be read, which turns every extension off.
    public static let flags: Set<String> = readFlags() ?? []

    /// Whether the CPU lists every one of `names`.
    public static func has(_ names: String...) -> Bool {
        names.allSatisfy(flags.contains)
    }

    /// The `flags` line of /proc/cpuinfo, split into words; nil when it cannot be read.
    private static func readFlags() -> Set<String>? {
        #if canImport(Glibc)
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            let text = String(cString: line!)
            guard text.hasPrefix("flags") else { continue }
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == ":" })
            return Set(words.dropFirst().map(String.init))
        }
        #endif
        return nil
    }
}
