@testable import JSON
import Testing

/// The error `body` throws, nil if it succeeds (any other error fails the test).
func jsonError(_ body: () throws -> Void) -> JSONError? {
    do {
        try body()
        return nil
    } catch let error as JSONError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// Runs `body` with a reader over the UTF-8 of `text`.
func withReader<T>(_ text: String, maximumDepth: Int = 64, _ body: (inout JSONReader) throws -> T) throws -> T {
    try withReader(Array(text.utf8), maximumDepth: maximumDepth, body)
}

/// Runs `body` with a reader over `bytes`.
func withReader<T>(_ bytes: [UInt8], maximumDepth: Int = 64, _ body: (inout JSONReader) throws -> T) throws -> T {
    try bytes.withUnsafeBytes { raw in
        var reader = JSONReader(raw, maximumDepth: maximumDepth)
        return try body(&reader)
    }
}

/// Skips one whole document: the reader's strictness on any top-level value.
func readWholeDocument(_ bytes: [UInt8], maximumDepth: Int = 64) throws {
    try withReader(bytes, maximumDepth: maximumDepth) { reader in
        try reader.skipValue()
        try reader.finish()
    }
}

/// What a writer produced, as text; records an issue if `finish()` refused it.
func written(keyOrder: JSONWriter.KeyOrder = .asWritten, _ body: (inout JSONWriter) -> Void) -> String {
    var writer = JSONWriter(keyOrder: keyOrder)
    body(&writer)
    do {
        return String(decoding: try writer.finish(), as: UTF8.self)
    } catch {
        Issue.record("writer refused: \(error)")
        return ""
    }
}

/// The error a writer's `finish()` throws after `body`, nil if it accepts.
func writerError(keyOrder: JSONWriter.KeyOrder = .asWritten, _ body: (inout JSONWriter) -> Void) -> JSONError? {
    var writer = JSONWriter(keyOrder: keyOrder)
    body(&writer)
    return jsonError { _ = try writer.finish() }
}

/// SplitMix64, so random tests replay from their seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
