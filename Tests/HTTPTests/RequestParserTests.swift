import Testing
@testable import HTTP

/// Feeds `input` to a fresh parser in the pieces `splits` gives and returns every event, with
/// adjacent body pieces joined (their sizes depend on the splits; their bytes do not).
func parse(_ input: [UInt8], limits: HTTPLimits = HTTPLimits(), pieces: [Range<Int>]? = nil) -> [RequestParserEvent] {
    var parser = RequestParser(limits: limits)
    var events: [RequestParserEvent] = []
    for piece in pieces ?? [0..<input.count] {
        parser.append(input[piece])
        while let event = parser.next() {
            if case .body(let more) = event, case .body(let earlier)? = events.last {
                events[events.count - 1] = .body(earlier + more)
            } else {
                events.append(event)
            }
        }
    }
    return events
}

func parse(_ text: String, limits: HTTPLimits = HTTPLimits()) -> [RequestParserEvent] { parse(Array(text.utf8), limits: limits) }

/// The status of the failure that ends `events`, if any.
func failureStatus(_ events: [RequestParserEvent]) -> Int? {
    guard case .failure(let error)? = events.last else { return nil }
    return error.status.code
}

func randomPieces(count: Int, using generator: inout SeededGenerator) -> [Range<Int>] {
    var pieces: [Range<Int>] = []
    var start = 0
    while start < count {
        let length = Int.random(in: 1...max(1, min(count - start, 40)), using: &generator)
        pieces.append(start..<start + length)
        start += length
    }
    return pieces
}

@Suite struct RequestParserTests {
    static let corpus: [String] = [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "\r\nGET /skip-empty-line HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /upload?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world",
        "POST /chunks HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n1\r\n \r\n0005\r\nworld\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n",
        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nPOST /3 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
        "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4, 4\r\nContent-Length: 4\r\n\r\nabcd",
        "GET / HTTP/1.1\r\nHost: a\r\nX-Obs-Text: caf\u{e9}\r\nX-Tab:\tvalue with\ttab \r\n\r\n",
        "POST /bad HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n Folded: no\r\n\r\n",
        "GET / HTTP/3.0\r\n\r\n",
    ]

    @Test("whole, byte by byte and seeded random splits give the same events", arguments: corpus.indices)
    func splitsAgree(index: Int) {
        let input = Array(Self.corpus[index].utf8)
        let whole = parse(input)
        #expect(!whole.isEmpty)
        #expect(parse(input, pieces: input.indices.map { $0..<$0 + 1 }) == whole)
        var generator = SeededGenerator(seed: UInt64(index) &* 7919 &+ 1)
        for _ in 0..<50 {
            #expect(parse(input, pieces: randomPieces(count: input.count, using: &generator)) == whole)
        }
    }

    @Test func parsesHeadFieldsAndBody() throws {
        let events = parse(Self.corpus[2])
        guard case .head(let head) = events.first else { Issue.record("no head"); return }
        #expect(head.method == .post)
        #expect(head.target == "/upload?x=1")
        #expect(head.path == "/upload")
        #expect(head.query == "x=1")
        #expect(head.version == .http1_1)
        #expect(head.fields["content-type"] == "text/plain")
        #expect(head.fields["CONTENT-TYPE"] == "text/plain")
        #expect(head.framing == .length(11))
        #expect(events.dropFirst().elementsEqual([.body(Array("hello world".utf8)), .end(trailers: [:])]))
    }

    @Test(arguments: [
        ("/health?seq=1", "/health", "seq=1"), ("http://127.0.0.1:5001/health?seq=1", "/health", "seq=1"),
        ("HTTP://a/api/library/x", "/api/library/x", nil), ("https://a", "/", nil), ("http://a?x=1", "/", "x=1"), ("*", "*", nil),
    ])
    func absoluteFormTargetsHaveTheirPath(target: String, path: String, query: String?) {
        let head = HTTPRequestHead(method: .get, target: target)
        #expect(head.path == path[...] && head.query.map(String.init) == query)
    }

    @Test func parsesChunkedBodyAndTrailers() {
        let events = parse(Self.corpus[3])
        #expect(events.count == 3)
        #expect(events[1] == .body(Array("hello world".utf8)))
        guard case .end(let trailers) = events[2] else { Issue.record("no end"); return }
        #expect(trailers["x-checksum"] == "abc")
        #expect(trailers.count == 2)
    }

    @Test func pipelinedRequestsFollowEachOther() {
        let heads = parse(Self.corpus[4]).compactMap { event -> String? in
            if case .head(let head) = event { return head.target }
            return nil
        }
        #expect(heads == ["/1", "/2", "/3"])
    }

    @Test func keepAliveRules() {
        func head(_ text: String) -> HTTPRequestHead? {
            if case .head(let head)? = parse(text).first { return head }
            return nil
        }
        #expect(head("GET / HTTP/1.1\r\nHost: a\r\n\r\n")?.wantsKeepAlive == true)
        #expect(head("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n")?.wantsKeepAlive == false)
        #expect(head("GET / HTTP/1.0\r\n\r\n")?.wantsKeepAlive == false)
        #expect(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.wantsKeepAlive == true)
        #expect(head("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n")?.expectation == .continue)
        #expect(head("GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")?.expectation == HTTPRequestHead.Expectation.none)
        #expect(head("GET / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n")?.expectation == .unknown)
    }

    static let refusals: [(String, Int)] = [
        // Smuggling and framing.
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nX: 1\r\n Transfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: a\n\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\rX: 1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        // Malformed lines.
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /a\u{7F}b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / http/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n: empty\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nNo-Colon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{01}b\r\n\r\n", 400),
        // Chunk framing.
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "F", count: 40) + "\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4000001\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 5000), 400),
        // Limits and versions.
        ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\n", 414),
        ("GET /" + String(repeating: "a", count: 9000), 414),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 33000), 431),
        ("GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-Many: 1\r\n", count: 100) + "\r\n", 431),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 67108865\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + String(repeating: "T: 1\r\n", count: 101) + "\r\n", 431),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: " + String(repeating: "t", count: 9000), 431),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: compress\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505),
        ("GET / HTTP/0.9\r\n\r\n", 505),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
    ]

    @Test("refusals carry the right status", arguments: refusals.indices)
    func refusal(index: Int) {
        let (text, status) = Self.refusals[index]
        let input = Array(text.utf8)
        let whole = parse(input)
        #expect(failureStatus(whole) == status, "case \(index): \(whole.last.map { "\($0)" } ?? "no events")")
        #expect(parse(input, pieces: input.indices.map { $0..<$0 + 1 }) == whole, "case \(index) byte by byte")
    }

    @Test func transferEncodingIsCaseInsensitive() {
        #expect(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n").last == .end(trailers: [:]))
    }

    @Test func bodyLimitIsConfigurable() {
        var limits = HTTPLimits()
        limits.bodyBytes = 10
        #expect(failureStatus(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits)) == 413)
        #expect(failureStatus(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n", limits: limits)) == 413)
        #expect(failureStatus(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits)) == nil)
    }

    @Test func nothingIsParsedAfterAFailure() {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/9.9\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(failureStatus([parser.next()!]) == 505)
        #expect(parser.next() == nil)
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(parser.next() == nil)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test("seeded random bytes never crash and end in events or a need for more", arguments: 0..<8)
    func fuzz(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let fragments = ["GET ", "POST ", "/", " HTTP/1.1", " HTTP/1.0", "\r\n", "\n", "\r", "Host: a", "Content-Length: ",
                         "5", "Transfer-Encoding: chunked", ":", " ", "0", "ffff", ";x", "\t", "hello", "\u{0}", "\u{FF}"]
        for _ in 0..<300 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 1...40, using: &generator) {
                if Bool.random(using: &generator) {
                    input += Array(fragments.randomElement(using: &generator)!.utf8)
                } else {
                    input.append(UInt8.random(in: 0...255, using: &generator))
                }
            }
            let whole = parse(input)
            #expect(parse(input, pieces: randomPieces(count: input.count, using: &generator)) == whole)
            if let index = whole.firstIndex(where: { if case .failure = $0 { return true } else { return false } }) {
                #expect(index == whole.count - 1)
            }
        }
    }
}
