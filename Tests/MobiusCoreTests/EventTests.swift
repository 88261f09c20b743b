import Foundation
import JSON
@testable import MobiusCore
import Testing

/// Event payloads: round trips, stable bytes, upcasting, unknown and malformed events.
@Suite struct EventTests {
    @Test func everyEventRoundTripsWithStableBytes() throws {
        var stream = EventStream(seed: 1)
        var seenTypes: Set<String> = []
        for event in stream.take(3_000, allowingRollbacks: true) {
            guard let payload = event.event.payload else { continue }
            let type = Swift.type(of: payload)
            seenTypes.insert(type.type)
            let data = payload.encodedData()
            let decoded = try DomainEvent(type: type.type, version: type.version, data: data)
            #expect(decoded == event.event, "\(type.type)")
            #expect(decoded.payload!.encodedData() == data, "\(type.type): bytes stable")
        }
        #expect(seenTypes.count >= 15, "the stream covers the types: \(seenTypes.sorted())")
    }

    @Test func theLastTwoKindsOfEventRoundTripToo() throws {
        let recovered = #"{"segment":"00000000000000000001.seg","offset":97,"bytes":12,"quarantinedTo":"quarantine/x.torn","reason":"frame cut off"}"#
        let event = try DomainEvent(type: "journal.recovered", version: 1, data: Array(recovered.utf8))
        guard case .journalRecovered(let payload) = event else { Issue.record("not decoded as journal.recovered"); return }
        #expect(payload.offset == 97 && payload.encodedData() == Array(recovered.utf8))
        let created = SnapshotCreated(snapshotId: "00000000000000000042-0123456789abcdef", seq: 42, fileSha256: String(repeating: "a", count: 64), chain: String(repeating: "b", count: 64))
        #expect(try DomainEvent(type: SnapshotCreated.type, version: 1, data: created.encodedData()) == .snapshotCreated(created))
    }

    /// Version-1 `extraction.completed` data, as `hash --json` printed it and the first demo
    /// recorded it (committed fixture): upcast to version 2 and folded.
    @Test func versionOneExtractionsUpcastAndFold() throws {
        let fixture = Bundle.module.url(forResource: "extraction-completed-v1", withExtension: "jsonl", subdirectory: "Fixtures")!
        let lines = try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 3)
        var projections = ProjectionSet()
        for (index, line) in lines.enumerated() {
            let event = try DomainEvent(type: "extraction.completed", version: 1, data: Array(line.utf8))
            guard case .extractionCompleted(let extraction) = event else { Issue.record("line \(index + 1) did not decode"); continue }
            #expect(extraction.source?.hasSuffix(".png") == true || extraction.source?.hasSuffix("m") == true)
            #expect(extraction.hash.count == 16 && !extraction.hashBase64.isEmpty)
            #expect(extraction.durationMs == nil && extraction.match == nil && extraction.confidence == 0)
            // Re-encoded, it is a version-2 event with the same facts.
            let current = try DomainEvent(type: "extraction.completed", version: 2, data: extraction.encodedData())
            #expect(current == event)
            projections.apply(RecordedEvent(seq: UInt64(index + 1), timestamp: 1_000_000 * UInt64(index + 1), requestId: nil, event: event)) { _ in
                preconditionFailure("no rollback in the fixture")
            }
        }
        #expect(projections.metrics.total == lines.count && projections.metrics.successful == lines.count)
        #expect(projections.metrics.averageHashTimeMs == 0, "version-1 extractions carry no timing")
    }

    @Test func unknownTypesAndFutureVersionsAreKeptNotErrors() throws {
        #expect(try DomainEvent(type: "crash.probe", version: 1, data: Array(#"{"iteration":1}"#.utf8)) == .unknown(type: "crash.probe", version: 1))
        #expect(try DomainEvent(type: "extraction.completed", version: 9, data: Array("{}".utf8)) == .unknown(type: "extraction.completed", version: 9))
        var projections = ProjectionSet()
        projections.apply(RecordedEvent(seq: 1, timestamp: 5, requestId: nil, event: .unknown(type: "x", version: 1))) { _ in preconditionFailure() }
        #expect(projections.seq == 1 && projections.metrics.total == 0)
    }

    @Test(arguments: [
        ("extraction.completed", 2 as UInt64, #"{"format":"png","width":"wide","height":1,"hash":"00","confidence":0,"lowConfidence":false}"#),
        ("extraction.completed", 2, #"{"format":"png","width":1,"height":1,"hash":"00","lowConfidence":false}"#),
        ("extraction.completed", 2, #"{"format":"png","width":1,"height":1,"hash":"00","confidence":7,"lowConfidence":false}"#),
        ("extraction.completed", 2, #"{"format":"png","width":-1,"height":1,"hash":"00","confidence":0,"lowConfidence":false}"#),
        ("library.image.added", 1, #"{"source":"a","sha256":"b","hash":"not hex","width":1,"height":1,"byteSize":1,"format":"png"}"#),
        ("library.image.added", 1, #"{"source":"a","sha256":"b","hash":"0123456789abcdef","width":1,"height":1,"byteSize":1e400,"format":"png"}"#),
        ("library.image.added", 1, #"{"source":"a","sha256":"\#(String(repeating: "AB", count: 32))","hash":"0123456789abcdef","width":1,"height":1,"byteSize":1,"format":"png"}"#),
        ("lcm.resolved", 1, #"{"itemId":"lcm-2","decision":"maybe"}"#),
        ("rollback.performed", 1, #"{"toSeq":-4,"reason":"x"}"#),
        ("health.check", 1, #"{"status":"OK"}"#),
        ("metric.sample", 1, #"{"values":{"a":"1"}}"#),
        ("deployment.started", 1, #"{"environment":"staging"}"#),
        ("migration.applied", 1, #"{"id":"001","checksum":5}"#),
    ])
    func malformedDataOfAKnownTypeIsATypedError(type: String, version: UInt64, data: String) {
        do {
            let event = try DomainEvent(type: type, version: version, data: Array(data.utf8))
            Issue.record("decoded as \(event)")
        } catch {
            #expect(error.type == type && error.version == version)
            #expect(!error.description.contains("\n") && error.description.hasPrefix("\(type) v\(version): "))
        }
    }
}
