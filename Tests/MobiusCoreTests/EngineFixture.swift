import Foundation
import Journal
@testable import MobiusCore
import Synchronization
import TestSupport

/// A data folder in a temporary directory, an engine configuration over it with a clock the
/// test moves, and generated images.
final class EngineFixture: Sendable {
    let directory: TemporaryDirectory
    let clock = TestClock()
    let warnings = WarningLog()

    init() throws {
        directory = try TemporaryDirectory("mobius-engine")
    }

    deinit { directory.remove() }

    /// The configuration of the data folder (automatic snapshots off unless set).
    func configuration(_ configure: (inout EngineConfiguration) -> Void = { _ in }) -> EngineConfiguration {
        var configuration = EngineConfiguration(dataDirectory: directory.path) { journal in
            journal.clock = { [clock] in clock.now() }
            journal.durability = .batch
        }
        configuration.snapshotInterval = 0
        configuration.warn = { [warnings] line in warnings.append(line) }
        configure(&configuration)
        return configuration
    }

    func open(_ configure: (inout EngineConfiguration) -> Void = { _ in }) throws -> Engine {
        try Engine.open(configuration(configure))
    }

    /// The state a replay of the whole journal, ignoring snapshots, gives at `seq`.
    func replayFromScratch(atSeq seq: UInt64? = nil) throws -> RebuiltState {
        let empty = directory.appending("no-snapshots")
        return try StateBuilder(journalDirectory: directory.appending("journal"), snapshots: SnapshotStore(directory: empty)).state(atSeq: seq)
    }

    var snapshotDirectory: String { directory.appending("snapshots") }

    /// Flips one bit of snapshot `id`'s file, `distance` bytes before its end (in the state).
    func flipByte(fromEnd distance: Int, ofSnapshot id: String) throws {
        let url = URL(fileURLWithPath: snapshotDirectory + "/" + id + ".snapshot")
        var bytes = try [UInt8](Data(contentsOf: url))
        bytes[bytes.count - distance] ^= 0x20
        try Data(bytes).write(to: url)
    }
}

/// Warning lines the engine printed.
final class WarningLog: Sendable {
    private let storage = Mutex<[String]>([])

    func append(_ line: String) { storage.withLock { $0.append(line) } }

    var lines: [String] { storage.withLock { $0 } }
}

/// A wall clock in µs that advances 1 ms each time it is read, and jumps when told.
final class TestClock: Sendable {
    private let time = Mutex<UInt64>(1_800_000_000_000_000)

    func now() -> UInt64 { time.withLock { $0 += 1_000; return $0 } }

    func advance(seconds: UInt64) { time.withLock { $0 += seconds * 1_000_000 } }
}

extension Engine {
    /// Extracts and returns the completed result, failing the test otherwise.
    func extractCompleted(_ bytes: [UInt8], source: String = "page.pgm") async throws -> (ExtractionOutcome, ExtractionCompleted) {
        let outcome = try await extract(bytes: bytes, source: source)
        return (outcome, try outcome.result.get())
    }
}
