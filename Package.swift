// swift-tools-version:6.1
//
// mobius-dhash: an event-sourced image-fingerprint service.
// No package dependencies: the toolchain's libraries plus zlib through a system-library target.
import PackageDescription

let package = Package(
    name: "mobius-dhash",
    products: [
        .executable(name: "mobius-dhash", targets: ["mobius-dhash"]),
        .library(name: "Journal", targets: ["Journal"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "HTTP", targets: ["HTTP"]),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Linux headers the Glibc module leaves out (epoll, eventfd, accept4, pipe2); libc itself, nothing linked.
        .systemLibrary(name: "CLinux"),
        // The one syscall funnel: files, flock, sockets, epoll, inotify; errno typed; faults injectable in tests.
        .target(name: "POSIX", dependencies: ["CLinux"]),
        // SHA-256 on the CPU's SHA extensions: the only module built with -msha -msse4.1, so no
        // other code can use those instructions on a CPU without them (callers check first).
        .target(name: "SHAExtensions", dependencies: ["CPUFeatures"], swiftSettings: [.unsafeFlags(["-Xcc", "-msha", "-Xcc", "-msse4.1"])]),
        // The Hamming scan on POPCNT: the only module built with -mpopcnt, for the same reason.
        .target(name: "PopcountExtensions", dependencies: ["CPUFeatures"], swiftSettings: [.unsafeFlags(["-Xcc", "-mpopcnt"])]),
        // Which of those extensions this CPU has (/proc/cpuinfo).
        .target(name: "CPUFeatures"),
        .target(name: "Integrity", dependencies: ["CZlib", "SHAExtensions"]),
        .target(name: "Journal", dependencies: ["Integrity", "JSON", "POSIX", "CZlib"]),
        .target(name: "Imaging", dependencies: ["CZlib", "PopcountExtensions"]),
        // A leaf: the standard library only, so it is fast and portable.
        .target(name: "JSON"),
        // The project's benchmarks (called by `bench`); Foundation is allowed here, for comparisons.
        .target(name: "MobiusBench", dependencies: ["Journal", "Imaging", "JSON", "Integrity", "MobiusCore"]),
        // Events, projections, snapshots and the engine; folds are pure, the engine owns files.
        .target(name: "MobiusCore", dependencies: ["Journal", "Imaging", "JSON", "Integrity", "POSIX", "CZlib"]),
        .target(name: "MobiusAPI", dependencies: ["HTTP", "MobiusCore", "Journal", "JSON", "Integrity", "POSIX"]),
        .target(name: "MobiusCLI", dependencies: ["Journal", "Imaging", "Integrity", "JSON", "MobiusBench", "MobiusCore", "MobiusAPI", "HTTP", "POSIX", "CLinux"]),
        .executableTarget(name: "mobius-dhash", dependencies: ["MobiusCLI"]),
        // HTTP/1.1 server on the system layer: a pure parser and connection state machine, an epoll loop, a worker pool.
        .target(name: "HTTP", dependencies: ["POSIX"]),
        .target(name: "TestSupport", dependencies: ["Journal", "POSIX"]),
        .testTarget(name: "IntegrityTests", dependencies: ["Integrity", "SHAExtensions", "TestSupport"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "MobiusAPITests", dependencies: ["MobiusAPI", "MobiusCore", "HTTP", "Journal", "POSIX", "TestSupport"]),
        .testTarget(name: "MobiusCoreTests", dependencies: ["MobiusCore", "Journal", "JSON", "Imaging", "Integrity", "POSIX", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "POSIX"]),
        .testTarget(name: "POSIXTests", dependencies: ["POSIX", "TestSupport"]),
        .testTarget(name: "JournalTests", dependencies: ["Journal", "Integrity", "POSIX", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ImagingTests",
            dependencies: ["Imaging", "PopcountExtensions", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "MobiusBenchTests", dependencies: ["MobiusBench", "Imaging", "MobiusCore"]),
        .testTarget(
            name: "MobiusCLITests",
            dependencies: ["MobiusCLI", "MobiusCore", "MobiusAPI", "HTTP", "Journal", "POSIX", "CLinux", "TestSupport"],
            // Read through #filePath, so that RECORD_GOLDEN=1 can write them where they are committed.
            exclude: ["Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
