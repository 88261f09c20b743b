import Foundation
@testable import Journal
import Testing
import TestSupport

/// Records with a valid CRC and chain but content no writer produces (the chain is unkeyed, so
/// anyone who can write the files can compute it): every reader refuses them as damage, and
/// `inspect`'s output can never hold a line that is not one valid JSON object.
@Suite struct ForgedRecordTests {
    static let cases: [(name: String, type: [UInt8], requestId: [UInt8]?, data: [UInt8])] = [
        ("unfinished data", Array("log.record".utf8), nil, Array(#"{"a":"#.utf8)),
        ("data that is an array", Array("log.record".utf8), nil, Array("[1,2]".utf8)),
        ("data with a duplicate key", Array("log.record".utf8), nil, Array(#"{"a":1,"a":2}"#.utf8)),
        ("data not minified", Array("log.record".utf8), nil, Array(#"{"a": 1}"#.utf8)),
        ("data with a raw newline in a string", Array("log.record".utf8), nil, Array("{\"a\":\"x\ny\"}".utf8)),
        ("data with invalid UTF-8", Array("log.record".utf8), nil, [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]),
        ("type with invalid UTF-8", [0x6C, 0x6F, 0x67, 0xFF], nil, Array("{}".utf8)),
        ("type with a newline", Array("log\n{\"seq\":999}".utf8), nil, Array("{}".utf8)),
        ("type with a quote", Array("log\"".utf8), nil, Array("{}".utf8)),
        ("request id with a quote", Array("log.record".utf8), Array(#"r","data":{}}"#.utf8), Array("{}".utf8)),
        ("request id with a control character", Array("log.record".utf8), [0x72, 0x07], Array("{}".utf8)),
        ("a line injected through data", Array("log.record".utf8), nil, Array("{\"a\":1}}\n{\"seq\":999,\"data\":{}".utf8)),
    ]

    /// A journal of three good frames, then a forged one (valid CRC and chain), then a good one.
    static func journal(forging record: (type: [UInt8], requestId: [UInt8]?, data: [UInt8])) throws -> (TestJournal, forgedOffset: Int) {
        let journal = try TestJournal()
        let writer = try JournalWriter.open(journal.configuration())
        for index in 0..<3 { _ = try writer.append([journal.draft(index)]) }
        try writer.close()
        let good = journal.rawPayload([(Array("log.record".utf8), nil, Array(#"{"good":true}"#.utf8))])
        let frames = try journal.appendRawFrames([journal.rawPayload([record]), good])
        return (journal, frames[0].offset)
    }

    @Test(arguments: ForgedRecordTests.cases.map(\.name))
    func deepVerifyAndEveryReaderReportTheForgedRecord(name: String) throws {
        let record = ForgedRecordTests.cases.first { $0.name == name }!
        let (journal, forged) = try ForgedRecordTests.journal(forging: (record.type, record.requestId, record.data))
        defer { journal.root.remove() }
        // The frame itself passes CRC and chain: shallow verify sees nothing.
        #expect(try JournalVerifier.verify(directory: journal.directory).isIntact, "\(name)")
        let deep = try JournalVerifier.verify(directory: journal.directory, deep: true)
        #expect(deep.damages.count == 1, "\(name): \(deep.damages)")
        #expect(deep.damages.first?.segment == "00000000000000000001.seg")
        #expect(deep.damages.first?.offset == forged)
        #expect(deep.damages.first?.seqRange == 4...4)
        let (events, summary) = try journal.readAll()
        #expect(events.map(\.seq) == [1, 2, 3], "\(name): nothing of the forged frame is delivered")
        #expect(summary.damage?.offset == forged, "\(name)")
        #expect(try JournalStats.collect(directory: journal.directory).damage?.offset == forged, "\(name)")
        for event in events {
            let line = event.envelopeJSON()
            #expect(!line.contains(0x0A))
            #expect((try? JSONSerialization.jsonObject(with: Data(line))) is [String: Any], "\(name): inspect line is one JSON object")
        }
    }

    @Test func aFrameWhoseCountExceedsItsRecordsIsDamage() throws {
        let journal = try TestJournal()
        defer { journal.root.remove() }
        let writer = try JournalWriter.open(journal.configuration())
        _ = try writer.append([journal.draft(0)])
        try writer.close()
        var payload = journal.rawPayload([(Array("log.record".utf8), nil, Array(#"{"a":1}"#.utf8))])
        payload.count = 2
        let frame = try journal.appendRawFrames([payload])[0]
        let report = try JournalVerifier.verify(directory: journal.directory, deep: true)
        #expect(report.damages.map(\.offset) == [frame.offset])
        #expect(report.damages.first?.reason.contains("record 2") == true, "\(report.damages)")
        #expect(try journal.readAll().summary.damage?.offset == frame.offset)
    }
}
