import Testing
@testable import HTTP

/// Feeds `input` to a fresh response parser in the pieces given, then (when `closes`) the end of
/// the stream, and returns every event with adjacent body pieces joined.
func parseResponse(_ input: [UInt8], method: HTTPMethod = .get, limits: ResponseParser.Limits = ResponseParser.Limits(),
                   pieces: [Range<Int>]? = nil, closes: Bool = false) -> [ResponseParserEvent] {
    var parser = ResponseParser(requestMethod: method, limits: limits)
    var events: [ResponseParserEvent] = []
    func drain() {
        while let event = parser.next() {
            if case .body(let more) = event, case .body(let earlier)? = events.last {
                events[events.count - 1] = .body(earlier + more)
            } else {
                events.append(event)
            }
        }
    }
    for piece in pieces ?? [0..<input.count] {
        parser.append(input[piece])
        drain()
    }
    if closes {
        parser.receivedEndOfStream()
        drain()
    }
    return events
}

func parseResponse(_ text: String, method: HTTPMethod = .get, limits: ResponseParser.Limits = ResponseParser.Limits(),
                   closes: Bool = false) -> [ResponseParserEvent] {
    parseResponse(Array(text.utf8), method: method, limits: limits, closes: closes)
}

/// The failure code that ends `events`, if any.
func failureCode(_ events: [ResponseParserEvent]) -> ResponseParseError.Code? {
    guard case .failure(let error)? = events.last else { return nil }
    return error.code
}

@Suite struct ResponseParserTests {
    static let corpus: [(text: String, closes: Bool)] = [
        ("HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world", false),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n1\r\n \r\n0005\r\nworld\r\n0\r\nX-Checksum: abc\r\n\r\n", false),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", false),
        ("HTTP/1.0 200 OK\r\n\r\nuntil the end", true),
        ("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false),
        ("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", false),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA", false),
        ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n", false),
        ("HTTP/1.1 200 OK\nContent-Length: 0\n\n", false),
        ("SSH-2.0-OpenSSH_9.6\r\n", false),
        ("", true),
    ]

    @Test("whole, byte by byte and seeded random splits give the same events", arguments: corpus.indices)
    func splitsAgree(index: Int) {
        let (text, closes) = Self.corpus[index]
        let input = Array(text.utf8)
        let whole = parseResponse(input, closes: closes)
        #expect(!whole.isEmpty)
        #expect(parseResponse(input, pieces: input.indices.map { $0..<$0 + 1 }, closes: closes) == whole)
        var generator = SeededGenerator(seed: UInt64(index) &* 7919 &+ 3)
        for _ in 0..<50 {
            #expect(parseResponse(input, pieces: randomPieces(count: input.count, using: &generator), closes: closes) == whole)
        }
    }

    @Test func readsStatusFieldsAndALengthBody() {
        let events = parseResponse(Self.corpus[0].text)
        guard case .head(let head)? = events.first else { Issue.record("no head"); return }
        #expect(head.status.code == 200 && head.status.reason == "OK")
        #expect(head.version == .http1_1)
        #expect(head.fields["content-type"] == "text/plain")
        #expect(head.framing == .length(11))
        #expect(head.keepsAlive)
        #expect(Array(events.dropFirst()) == [.body(Array("hello world".utf8)), .end(trailers: [:])])
    }

    @Test func readsChunksAndTrailers() {
        let events = parseResponse(Self.corpus[1].text)
        #expect(events.count == 3)
        #expect(events[1] == .body(Array("hello world".utf8)))
        guard case .end(let trailers) = events[2] else { Issue.record("no end"); return }
        #expect(trailers["x-checksum"] == "abc")
    }

    @Test func skipsInformationalHeads() {
        let events = parseResponse(Self.corpus[2].text)
        guard case .head(let head)? = events.first else { Issue.record("no head"); return }
        #expect(head.status.code == 201)
        #expect(events.count == 3)
    }

    @Test func aBodyWithoutLengthRunsUntilClose() {
        let open = parseResponse(Self.corpus[3].text)
        #expect(open.count == 2, "no end before the close")
        let events = parseResponse(Self.corpus[3].text, closes: true)
        guard case .head(let head)? = events.first else { Issue.record("no head"); return }
        #expect(head.framing == .untilClose && !head.keepsAlive)
        #expect(Array(events.dropFirst()) == [.body(Array("until the end".utf8)), .end(trailers: [:])])
    }

    @Test func noBodyAfterHeadOr204Or304() {
        #expect(parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", method: .head).count == 2)
        #expect(parseResponse(Self.corpus[4].text).count == 2)
        #expect(parseResponse("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n").count == 2)
        guard case .head(let head)? = parseResponse(Self.corpus[5].text).first else { Issue.record("no head"); return }
        #expect(head.status.code == 404 && head.status.reason == "")
    }

    @Test func bytesAfterTheResponseAreLeftOver() {
        var parser = ResponseParser(requestMethod: .get)
        parser.append(Array(Self.corpus[6].text.utf8))
        var events: [ResponseParserEvent] = []
        while let event = parser.next() { events.append(event) }
        #expect(events.last == .end(trailers: [:]))
        #expect(parser.isComplete && parser.bufferedByteCount == 5)
    }

    @Test func keepAliveRules() {
        func head(_ text: String) -> HTTPResponseHead? {
            if case .head(let head)? = parseResponse(text).first { return head }
            return nil
        }
        #expect(head("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?.keepsAlive == false)
        #expect(head("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")?.keepsAlive == false)
        #expect(head("HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")?.keepsAlive == true)
        #expect(head("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")?.keepsAlive == true)
    }

    static let failures: [(String, Bool, ResponseParseError.Code)] = [
        ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true, .truncated),
        ("HTTP/1.1 200 OK\r\nContent-Le", true, .truncated),
        ("HTTP/1.1 2", true, .truncated),
        ("", true, .noResponse),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", true, .truncated),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n", false, .malformed),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false, .malformed),
        ("HTTP/1.1 200 OK\nContent-Length: 0\n\n", false, .malformed),
        ("HTTP/1.1 200 OK\r\nX: 1\nY: 2\r\n\r\n", false, .malformed),
        ("SSH-2.0-OpenSSH_9.6\r\n", false, .malformed),
        ("HTTP/2 200\r\n\r\n", false, .malformed),
        ("HTTP/1.1 20 OK\r\n\r\n", false, .malformed),
        ("HTTP/1.1 099 Low\r\n\r\n", false, .malformed),
        ("HTTP/1.1 2000 OK\r\n\r\n", false, .malformed),
        ("HTTP/1.1 200 O\u{1}K\r\n\r\n", false, .malformed),
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", false, .malformed),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", false, .malformed),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", false, .malformed),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, .malformed),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, .malformed),
        ("HTTP/1.1 200 OK\r\n Folded: x\r\n\r\n", false, .malformed),
        ("HTTP/1.1 200 OK\r\nX: " + String(repeating: "b", count: 70_000), false, .tooLarge),
        ("HTTP/1.1 200 OK\r\n" + String(repeating: "X-Many: 1\r\n", count: 101) + "\r\n", false, .tooLarge),
        ("HTTP/1.1 200 OK\r\nContent-Length: 16777217\r\n\r\n", false, .tooLarge),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000001\r\n", false, .tooLarge),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 5000), false, .tooLarge),
    ]

    @Test("failures are the right kind, whole and byte by byte", arguments: failures.indices)
    func failure(index: Int) {
        let (text, closes, code) = Self.failures[index]
        let input = Array(text.utf8)
        let whole = parseResponse(input, closes: closes)
        #expect(failureCode(whole) == code, "case \(index): \(whole.last.map { "\($0)" } ?? "no events")")
        #expect(parseResponse(input, pieces: input.indices.map { $0..<$0 + 1 }, closes: closes) == whole, "case \(index) byte by byte")
    }

    @Test func bodyLimitHoldsForEveryFraming() {
        var limits = ResponseParser.Limits()
        limits.bodyBytes = 10
        #expect(failureCode(parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", limits: limits)) == .tooLarge)
        #expect(failureCode(parseResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n", limits: limits)) == .tooLarge)
        #expect(failureCode(parseResponse("HTTP/1.1 200 OK\r\n\r\n0123456789A", limits: limits)) == .tooLarge)
        #expect(failureCode(parseResponse("HTTP/1.1 200 OK\r\n\r\n0123456789", limits: limits, closes: true)) == nil)
        #expect(failureCode(parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits)) == nil)
    }

    @Test func nothingIsParsedAfterAFailure() {
        var parser = ResponseParser(requestMethod: .get)
        parser.append(Array("HTTP/9.9 200 OK\r\n\r\n".utf8))
        #expect(failureCode([parser.next()!]) == .malformed)
        parser.append(Array("HTTP/1.1 200 OK\r\n\r\n".utf8))
        #expect(parser.next() == nil)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test("seeded random bytes never crash and agree across splits", arguments: 0..<8)
    func fuzz(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) &+ 100)
        let fragments = ["HTTP/1.1 ", "HTTP/1.0 ", "200", " OK", "100", "204", "\r\n", "\n", "\r", "Content-Length: ", "5",
                         "Transfer-Encoding: chunked", ":", " ", "0", "ffff", ";x", "\t", "hello", "\u{0}", "\u{FF}", "Connection: close"]
        for _ in 0..<300 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 1...40, using: &generator) {
                if Bool.random(using: &generator) {
                    input += Array(fragments.randomElement(using: &generator)!.utf8)
                } else {
                    input.append(UInt8.random(in: 0...255, using: &generator))
                }
            }
            let closes = Bool.random(using: &generator)
            let whole = parseResponse(input, closes: closes)
            #expect(parseResponse(input, pieces: randomPieces(count: input.count, using: &generator), closes: closes) == whole)
            if let index = whole.firstIndex(where: { if case .failure = $0 { return true } else { return false } }) {
                #expect(index == whole.count - 1)
            }
        }
    }
}
