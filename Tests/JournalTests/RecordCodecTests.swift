@testable import Journal
import TestSupport
import Testing

@Suite struct RecordCodecTests {
    @Test func recordsRoundTrip() throws {
        let drafts = [
            try EventDraft(type: "extraction.completed", version: 3, requestId: "req-1", json: #"{"a": [1, 2.5e-3, "x\"y"], "b": {}}"#),
            try EventDraft(type: "log.record", json: "{}"),
        ]
        var bytes: [UInt8] = []
        for (index, draft) in drafts.enumerated() {
            RecordCodec.append(draft, timestampDelta: UInt64(index * 300), to: &bytes)
        }
        #expect(bytes.count == drafts.map { RecordCodec.encodedLength(of: $0, timestampBytes: 1) }.reduce(0, +) + 1)
        try bytes.withUnsafeBytes { raw in
            var cursor = ByteCursor(raw)
            for (index, draft) in drafts.enumerated() {
                let record = try RecordCodec.decode(&cursor)
                #expect(record.timestampDelta == UInt64(index * 300))
                #expect(Array(record.type) == Array(draft.type.utf8))
                #expect(record.version == draft.version)
                #expect(record.requestId.map { Array($0) } == draft.requestId.map { Array($0.utf8) })
                #expect(Array(record.data) == draft.data)
            }
            #expect(cursor.remaining == 0)
        }
        #expect(drafts[0].data == Array(#"{"a":[1,2.5e-3,"x\"y"],"b":{}}"#.utf8))
    }

    @Test(arguments: [
        [UInt8]([0, 0]),                         // type length 0
        [0, 2, 0x61],                            // type cut off
        [0, 1, 0x61, 1, 0xFF, 0x01],             // request id longer than 255
        [0, 1, 0x61, 1, 0, 1, 0x7B],             // data shorter than "{}"
        [0, 1, 0x61, 1, 0, 5, 0x7B, 0x7D],       // data cut off
    ])
    func malformedRecordsAreRejected(bytes: [UInt8]) {
        #expect(throws: FrameError.self) {
            try bytes.withUnsafeBytes { raw in
                var cursor = ByteCursor(raw)
                _ = try RecordCodec.decode(&cursor)
            }
        }
    }

    @Test(arguments: ["", "has space", String(repeating: "a", count: 256), "quote\""])
    func badTypesAreRejected(type: String) {
        #expect(throws: JournalError.self) { _ = try EventDraft(type: type, json: "{}") }
    }

    @Test(arguments: ["[]", "{", #"{"a":}"#, #"{"a":1,}"#, "{} {}", #"{"a":01}"#, #"{"a":"\x"}"#, "{\"a\":\"\u{01}\"}", "1", #"{"a":tru}"#])
    func invalidDataIsRejected(json: String) {
        #expect(throws: JournalError.self) { _ = try EventDraft(type: "t", json: json) }
    }

    @Test func deepNestingIsRejectedNotACrash() {
        let json = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(throws: JournalError.self) { _ = try EventDraft(type: "t", json: json) }
    }

    @Test func requestIdsMustNeedNoEscaping() {
        #expect(throws: JournalError.self) { _ = try EventDraft(type: "t", requestId: "a\"b", json: "{}") }
        #expect(throws: Never.self) { _ = try EventDraft(type: "t", requestId: "550e8400-e29b-41d4-a716-446655440000", json: "{}") }
    }
}

@Suite struct TimestampTests {
    @Test func formatsUTCWithMicroseconds() {
        #expect(Timestamp.iso8601(microseconds: 0) == "1970-01-01T00:00:00.000000Z")
        let value = Timestamp.parse("2026-11-27T10:15:03.123456Z")
        #expect(value == 1_795_774_503_123_456)
        #expect(Timestamp.iso8601(microseconds: 1_795_774_503_123_456) == "2026-11-27T10:15:03.123456Z")
        #expect(Timestamp.iso8601(microseconds: 951_782_400_000_000) == "2000-02-29T00:00:00.000000Z")
    }

    @Test func parsesTheAcceptedForms() {
        #expect(Timestamp.parse("2026-11-27") == 1_795_737_600_000_000)
        #expect(Timestamp.parse("2026-11-27T10:15Z") == 1_795_774_500_000_000)
        #expect(Timestamp.parse("2026-11-27T11:15:03+01:00") == 1_795_774_503_000_000)
        #expect(Timestamp.parse("2026-11-27T10:15:03.5Z") == 1_795_774_503_500_000)
        for bad in ["", "2026-13-01", "2026-11-27T25:00Z", "2026-11-27T10:15:03.Z", "yesterday", "1969-12-31T23:59:59Z"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct CompressorTests {
    @Test func payloadsRoundTripThroughThePresetDictionary() throws {
        let text = Array(String(repeating: #"{"name":"lcm_queue_length","value":3,"labels":{"env":"production"}}"#, count: 50).utf8)
        for level: Int32 in [1, 5, 9] {
            let compressor = Compressor(level: level)
            var stored: [UInt8] = []
            let count = text.withUnsafeBytes { compressor.compress($0, appendingTo: &stored) }
            #expect(count == stored.count && count < text.count / 10)
            var output = [UInt8](repeating: 0, count: text.count)
            try stored.withUnsafeBytes { input in
                try output.withUnsafeMutableBytes { try Decompressor().decompress(input, into: $0, dictionaryId: 1) }
            }
            #expect(output == text)
        }
    }

    @Test func bigPayloadsCompressedInTwoParallelHalvesInflateAsOneStream() throws {
        var random = SeededGenerator(seed: 3)
        var text: [UInt8] = []
        while text.count < 300_000 {
            text += Array(#"{"name":"m\#(UInt32.random(in: 0...999, using: &random))","value":\#(UInt32.random(in: 0...99_999, using: &random))}"#.utf8)
        }
        var stored: [UInt8] = [0xAA]
        let count = text.withUnsafeBytes { ParallelDeflate().compress($0, appendingTo: &stored) }
        #expect(count == stored.count - 1)
        var output = [UInt8](repeating: 0, count: text.count)
        try stored.dropFirst().withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { try Decompressor().decompress(input, into: $0, dictionaryId: 1) }
        }
        #expect(output == text)
        // Within a few bytes of compressing it in one piece.
        var single: [UInt8] = []
        _ = text.withUnsafeBytes { Compressor(level: PayloadEncoder.largeFrameLevel).compress($0, appendingTo: &single) }
        #expect(count < single.count + single.count / 50)
    }

    @Test func wrongLengthOrDamagedPayloadIsAnError() {
        let text = Array("extraction.completed extraction.completed".utf8)
        var stored: [UInt8] = []
        _ = text.withUnsafeBytes { Compressor(level: 6).compress($0, appendingTo: &stored) }
        let decompressor = Decompressor()
        var short = [UInt8](repeating: 0, count: text.count - 1)
        #expect(throws: FrameError.self) {
            try stored.withUnsafeBytes { input in try short.withUnsafeMutableBytes { try decompressor.decompress(input, into: $0, dictionaryId: 1) } }
        }
        var output = [UInt8](repeating: 0, count: text.count)
        #expect(throws: FrameError.self) {
            try stored.withUnsafeBytes { input in try output.withUnsafeMutableBytes { try decompressor.decompress(input, into: $0, dictionaryId: 7) } }
        }
    }
}
