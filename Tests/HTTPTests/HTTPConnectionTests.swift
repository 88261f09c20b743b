import Testing
import HTTP

@Suite struct HTTPConnectionTests {
    func moment(_ seconds: Double) -> HTTPConnection.Moment {
        HTTPConnection.Moment(now: .milliseconds(Int64(seconds * 1000)), date: "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    func delivered(_ actions: [HTTPConnection.Action]) -> [String] {
        actions.compactMap { if case .deliver(let request) = $0 { return request.target } else { return nil } }
    }

    func written(_ actions: [HTTPConnection.Action]) -> String {
        actions.map { if case .write(let bytes) = $0 { return String(decoding: bytes, as: UTF8.self) } else { return "" } }.joined()
    }

    @Test func pipelinedRequestsAreDeliveredOneAtATimeInOrder() {
        var connection = HTTPConnection(now: .zero)
        let three = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(delivered(connection.received(Array(three.utf8), at: moment(0))) == ["/1"])
        for next in ["/2", "/3"] {
            _ = connection.respond(.head(.ok, [:], bodyLength: 1), at: moment(1))
            _ = connection.respond(.body([65]), at: moment(1))
            #expect(delivered(connection.respond(.end, at: moment(1))) == [next])
        }
        _ = connection.respond(.head(.ok, [:], bodyLength: 0), at: moment(1))
        #expect(connection.respond(.end, at: moment(1)).isEmpty)
        #expect(connection.isIdle)
    }

    @Test func refusalsAndTimeoutsAreAnsweredInTheGivenFormat() {
        let format: ResponseSerializer.RefusalFormat = { error in
            (["Content-Type": "application/json"], Array(#"{"error":"\#(error.reason)"}"#.utf8) + [10])
        }
        var malformed = HTTPConnection(refusalFormat: format, now: .zero)
        let refused = written(malformed.received(Array("GET / HTTP/2.0\r\nHost: a\r\n\r\n".utf8), at: moment(0)))
        #expect(refused.hasPrefix("HTTP/1.1 505 ") && refused.contains("Content-Type: application/json\r\n"), "\(refused)")
        #expect(refused.hasSuffix("\r\n\r\n{\"error\":\"HTTP version 2.0 is not supported (1.0 and 1.1 are)\"}\n"), "\(refused)")
        var slow = HTTPConnection(refusalFormat: format, now: .zero)
        _ = slow.received(Array("GET / HT".utf8), at: moment(0))
        let timedOut = written(slow.timerFired(at: moment(60)))
        #expect(timedOut.hasPrefix("HTTP/1.1 408 ") && timedOut.contains(#"{"error":"request head not received"#), "\(timedOut)")
        var plain = HTTPConnection(now: .zero)
        #expect(written(plain.received(Array("GET / HTTP/2.0\r\nHost: a\r\n\r\n".utf8), at: moment(0))).contains("text/plain"))
    }

    @Test func continueIsSentOnlyForABodyThatIsWanted() {
        var connection = HTTPConnection(now: .zero)
        let actions = connection.received(Array("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8), at: moment(0))
        #expect(written(actions) == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(delivered(connection.received(Array("hi".utf8), at: moment(0))) == ["/"])

        var tooLarge = HTTPConnection(now: .zero)
        let refused = tooLarge.received(Array("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 99999999999\r\n\r\n".utf8), at: moment(0))
        #expect(written(refused).hasPrefix("HTTP/1.1 413 "))
        #expect(refused.last == .closeAfterWriting)

        var noBody = HTTPConnection(now: .zero)
        let get = noBody.received(Array("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n".utf8), at: moment(0))
        #expect(written(get) == "")
        #expect(delivered(get) == ["/"])
    }

    @Test func unknownExpectationGets417() {
        var connection = HTTPConnection(now: .zero)
        let actions = connection.received(Array("GET / HTTP/1.1\r\nHost: a\r\nExpect: tea\r\n\r\n".utf8), at: moment(0))
        #expect(written(actions).hasPrefix("HTTP/1.1 417 "))
        #expect(actions.last == .closeAfterWriting)
    }

    @Test func headResponsesCarryNoBody() {
        var connection = HTTPConnection(now: .zero)
        _ = connection.received(Array("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), at: moment(0))
        let head = written(connection.respond(.head(.ok, ["Content-Type": "text/plain"], bodyLength: 5), at: moment(0)))
        #expect(head.contains("Content-Length: 5\r\n"))
        #expect(connection.respond(.body(Array("hello".utf8)), at: moment(0)).isEmpty)
        #expect(written(connection.respond(.end, at: moment(0))) == "")
    }

    @Test func streamedBodiesAreChunkedFor11AndCloseDelimitedFor10() {
        var modern = HTTPConnection(now: .zero)
        _ = modern.received(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), at: moment(0))
        #expect(written(modern.respond(.head(.ok, [:], bodyLength: nil), at: moment(0))).contains("Transfer-Encoding: chunked\r\n"))
        #expect(written(modern.respond(.body(Array("hello".utf8)), at: moment(0))) == "5\r\nhello\r\n")
        #expect(written(modern.respond(.end, at: moment(0))) == "0\r\n\r\n")

        var old = HTTPConnection(now: .zero)
        _ = old.received(Array("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".utf8), at: moment(0))
        let head = written(old.respond(.head(.ok, [:], bodyLength: nil), at: moment(0)))
        #expect(head.contains("Connection: close\r\n") && !head.contains("chunked"))
        #expect(written(old.respond(.body(Array("hello".utf8)), at: moment(0))) == "hello")
        #expect(old.respond(.end, at: moment(0)) == [.closeAfterWriting])
    }

    @Test func http10KeepsAliveOnlyWhenAsked() {
        var connection = HTTPConnection(now: .zero)
        _ = connection.received(Array("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".utf8), at: moment(0))
        #expect(written(connection.respond(.head(.ok, [:], bodyLength: 0), at: moment(0))).contains("Connection: keep-alive\r\n"))
        #expect(connection.respond(.end, at: moment(0)).isEmpty)

        var plain = HTTPConnection(now: .zero)
        _ = plain.received(Array("GET / HTTP/1.0\r\n\r\n".utf8), at: moment(0))
        #expect(written(plain.respond(.head(.ok, [:], bodyLength: 0), at: moment(0))).contains("Connection: close\r\n"))
        #expect(plain.respond(.end, at: moment(0)) == [.closeAfterWriting])
    }

    @Test func timeouts() {
        var timeouts = HTTPTimeouts()
        timeouts.header = .seconds(2)
        timeouts.idle = .seconds(5)
        timeouts.bodyProgress = .seconds(1)

        var idle = HTTPConnection(timeouts: timeouts, now: .zero)
        #expect(idle.deadline == .seconds(5))
        #expect(idle.timerFired(at: moment(4.9)).isEmpty)
        #expect(idle.timerFired(at: moment(5)) == [.close])

        var slow = HTTPConnection(timeouts: timeouts, now: .zero)
        _ = slow.received(Array("GET / HT".utf8), at: moment(1))
        _ = slow.received(Array("TP/1.1\r\n".utf8), at: moment(2.5))
        #expect(slow.deadline == .seconds(3))
        let actions = slow.timerFired(at: moment(3))
        #expect(written(actions).hasPrefix("HTTP/1.1 408 "))
        #expect(actions.last == .closeAfterWriting)

        var emptyLines = HTTPConnection(timeouts: timeouts, now: .zero)
        _ = emptyLines.received(Array("\r\n".utf8), at: moment(1))
        _ = emptyLines.received(Array("\r\n".utf8), at: moment(2.9))
        #expect(written(emptyLines.timerFired(at: moment(3))).hasPrefix("HTTP/1.1 408 "))

        var body = HTTPConnection(timeouts: timeouts, now: .zero)
        _ = body.received(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab".utf8), at: moment(0))
        _ = body.received(Array("c".utf8), at: moment(0.8))
        #expect(body.deadline == .milliseconds(1800))
        #expect(written(body.timerFired(at: moment(1.8))).hasPrefix("HTTP/1.1 408 "))
    }

    @Test func shutdownClosesIdleAndFinishesInFlight() {
        var idle = HTTPConnection(now: .zero)
        #expect(idle.beginShutdown(at: moment(0)) == [.close])

        var busy = HTTPConnection(now: .zero)
        _ = busy.received(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), at: moment(0))
        #expect(busy.beginShutdown(at: moment(0)).isEmpty)
        #expect(written(busy.respond(.head(.ok, [:], bodyLength: 0), at: moment(0))).contains("Connection: close\r\n"))
        #expect(busy.respond(.end, at: moment(0)) == [.closeAfterWriting])
    }

    @Test func pipelineBufferStopsReading() {
        var limits = HTTPLimits()
        limits.pipelineBufferBytes = 100
        var connection = HTTPConnection(limits: limits, now: .zero)
        _ = connection.received(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), at: moment(0))
        #expect(connection.wantsToRead)
        _ = connection.received([UInt8](repeating: 65, count: 200), at: moment(0))
        #expect(!connection.wantsToRead)
    }

    @Test func dateFormat() {
        #expect(HTTPDate.format(secondsSince1970: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(secondsSince1970: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }
}
