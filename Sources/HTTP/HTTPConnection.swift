import POSIX

/// One connection's HTTP/1.1 state as a value: it is told what happened (bytes arrived, the
/// peer closed, a response part is ready, time passed) and answers with actions for the event
/// loop to perform. It does no I/O and reads no clock.
///
/// One request is handled at a time: while a response is being produced, later pipelined
/// requests stay in the parser (up to `HTTPLimits.pipelineBufferBytes`, after which
/// `wantsToRead` turns false) and are parsed only when the response has ended, so responses go
/// out strictly in request order.
///
/// Timeouts (`HTTPTimeouts`): `deadline` is when `timerFired` should be called. Waiting for a
/// request on a kept-alive connection ends after `idle` with a silent close; a request whose
/// head has begun must complete it within `header` of its first byte, and a body may not pause
/// longer than `bodyProgress`; both end in 408 and close. No read deadline runs while a handler
/// works. Write progress and lingering are the event loop's business (it owns the buffers).
public struct HTTPConnection: Sendable {
    /// What the event loop should do, in order.
    public enum Action: Sendable, Hashable {
        /// Send these bytes after those already queued.
        case write([UInt8])
        /// Hand this request to the handler; answer with `respond(_:at:)`.
        case deliver(HTTPRequest)
        /// Send what is queued, then shut down writing, read and discard until the peer closes
        /// (or `HTTPTimeouts.linger` passes), then close.
        case closeAfterWriting
        /// Close now, dropping anything queued.
        case close
    }

    /// A piece of the response to the delivered request, in order: `head`, any `body`, then `end` (or `abort`).
    public enum ResponsePart: Sendable, Hashable {
        /// The status and fields, and whether the body's length is known.
        case head(HTTPStatus, HTTPFields, bodyLength: Int?)
        /// Body bytes.
        case body([UInt8])
        /// The body is complete.
        case end
        /// The response cannot be completed (a streaming body failed): close without ending it.
        case abort
    }

    /// The moment an input happens: the monotonic time for deadlines and the `Date` field's text.
    public struct Moment: Sendable, Hashable {
        /// Monotonic time.
        public var now: Duration
        /// The current time as an IMF-fixdate, for `Date`.
        public var date: String

        /// A moment at monotonic `now` whose wall-clock time reads `date`.
        public init(now: Duration, date: String) {
            self.now = now
            self.date = date
        }
    }

    private struct Responding: Sendable {
        var framing: ResponseSerializer.Framing
        var suppressesBody: Bool
        var keepsAlive: Bool
    }

    private enum State: Sendable {
        /// Waiting for a request; `since` is when its first byte came (nil: none has).
        case awaitingHead(since: Duration?)
        case readingBody(HTTPRequestHead, body: [UInt8], lastProgress: Duration)
        case awaitingResponse(HTTPRequestHead)
        case responding(Responding)
        case closed
    }

    /// The most body capacity reserved ahead of the bytes arriving.
    static let bodyReservationLimit = 16 << 20

    private var parser: RequestParser
    private let timeouts: HTTPTimeouts
    private let peer: SocketAddress?
    private let refusalFormat: ResponseSerializer.RefusalFormat
    private var state: State = .awaitingHead(since: nil)
    private var lastActivity: Duration
    private var isPeerClosed = false
    private var isShuttingDown = false

    /// A new connection from `peer`, accepted at `now`, answering what it refuses in `refusalFormat`.
    public init(limits: HTTPLimits = HTTPLimits(), timeouts: HTTPTimeouts = HTTPTimeouts(), peer: SocketAddress? = nil,
                refusalFormat: @escaping ResponseSerializer.RefusalFormat = ResponseSerializer.plainTextRefusal, now: Duration) {
        parser = RequestParser(limits: limits)
        self.timeouts = timeouts
        self.peer = peer
        self.refusalFormat = refusalFormat
        lastActivity = now
    }

    /// When `timerFired` should next be called; nil when no read timeout runs.
    public var deadline: Duration? {
        switch state {
        case .awaitingHead(nil): return lastActivity + timeouts.idle
        case .awaitingHead(let since?): return since + timeouts.header
        case .readingBody(_, _, let lastProgress): return lastProgress + timeouts.bodyProgress
        case .awaitingResponse, .responding, .closed: return nil
        }
    }

    /// Whether the loop should read from the socket now.
    public var wantsToRead: Bool {
        if isPeerClosed { return false }
        switch state {
        case .closed: return false
        case .awaitingHead, .readingBody: return true
        case .awaitingResponse, .responding: return parser.bufferedByteCount < parser.limits.pipelineBufferBytes
        }
    }

    /// Whether no request is under way (nothing delivered, nothing partly read): safe to close at shutdown.
    public var isIdle: Bool {
        if case .awaitingHead(nil) = state { return parser.isIdle }
        return false
    }

    /// Whether the connection is finished (a close action has been given).
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Bytes arrived from the peer.
    public mutating func received(_ bytes: UnsafeRawBufferPointer, at moment: Moment) -> [Action] {
        guard !isClosed else { return [] }
        parser.append(bytes)
        lastActivity = moment.now
        // Any byte starts the header clock, even the empty lines the parser skips: otherwise a
        // client sending CRLF forever would hold the connection without ever beginning a request.
        if case .awaitingHead(nil) = state, !bytes.isEmpty { state = .awaitingHead(since: moment.now) }
        return advance(at: moment)
    }

    /// Bytes arrived from the peer.
    public mutating func received(_ bytes: [UInt8], at moment: Moment) -> [Action] {
        bytes.withUnsafeBytes { received($0, at: moment) }
    }

    /// The peer closed its sending side: a request under way is dropped; a response being
    /// produced is still sent, and the connection closed after it.
    public mutating func receivedEndOfStream(at moment: Moment) -> [Action] {
        isPeerClosed = true
        switch state {
        case .awaitingHead, .readingBody:
            state = .closed
            return [.close]
        case .awaitingResponse, .responding, .closed:
            return []
        }
    }

    /// The next part of the response to the delivered request.
    public mutating func respond(_ part: ResponsePart, at moment: Moment) -> [Action] {
        switch (state, part) {
        case (.closed, _):
            return []
        case (_, .abort):
            state = .closed
            return [.close]
        case (.awaitingResponse(let head), .head(let status, let fields, let bodyLength)):
            var keepsAlive = head.wantsKeepAlive && !isShuttingDown && !isPeerClosed
                && !fields.tokens(for: "Connection").contains("close")
            let framing: ResponseSerializer.Framing
            if status.forbidsBody {
                framing = .none
            } else if let bodyLength {
                framing = .length(bodyLength)
            } else if head.version == .http1_1 {
                framing = .chunked
            } else {
                framing = .untilClose
                if head.method != .head { keepsAlive = false }
            }
            let suppressesBody = head.method == .head || status.forbidsBody
            state = .responding(Responding(framing: framing, suppressesBody: suppressesBody, keepsAlive: keepsAlive))
            return [.write(ResponseSerializer.head(status: status, fields: fields, framing: framing, keepsAlive: keepsAlive,
                                                   requestVersion: head.version, date: moment.date))]
        case (.responding(let responding), .body(let bytes)):
            if responding.suppressesBody || bytes.isEmpty { return [] }
            return [.write(responding.framing == .chunked ? ResponseSerializer.chunk(bytes) : bytes)]
        case (.responding(let responding), .end):
            var actions: [Action] = []
            if responding.framing == .chunked, !responding.suppressesBody { actions.append(.write(ResponseSerializer.lastChunk)) }
            guard responding.keepsAlive, !isShuttingDown, !isPeerClosed else {
                state = .closed
                return actions + [.closeAfterWriting]
            }
            lastActivity = moment.now
            state = .awaitingHead(since: parser.isIdle ? nil : moment.now)
            return actions + advance(at: moment)
        default:
            preconditionFailure("response part \(part) out of order in state \(state)")
        }
    }

    /// Time has reached `deadline` (calls before it do nothing).
    public mutating func timerFired(at moment: Moment) -> [Action] {
        guard let deadline, moment.now >= deadline else { return [] }
        switch state {
        case .awaitingHead(nil):
            state = .closed
            return [.close]
        case .awaitingHead:
            return refuse(HTTPParseError(.requestTimeout, "request head not received within \(timeouts.header)"), at: moment)
        case .readingBody:
            return refuse(HTTPParseError(.requestTimeout, "request body stalled for \(timeouts.bodyProgress)"), at: moment)
        case .awaitingResponse, .responding, .closed:
            return []
        }
    }

    /// The server is stopping: a connection with no request under way closes now; one with a
    /// request finishes it (its response says `Connection: close` when not yet begun) and closes.
    public mutating func beginShutdown(at moment: Moment) -> [Action] {
        isShuttingDown = true
        if case .awaitingHead = state {
            state = .closed
            return [.close]
        }
        return []
    }

    /// Takes parser events while a request is being read.
    private mutating func advance(at moment: Moment) -> [Action] {
        var actions: [Action] = []
        loop: while true {
            switch state {
            case .awaitingHead, .readingBody: break
            default: break loop
            }
            guard let event = parser.next() else { break }
            if case .body(let bytes) = event {
                appendToBody(bytes, at: moment)
                continue
            }
            switch (state, event) {
            case (_, .failure(let error)):
                return actions + refuse(error, at: moment)
            case (.awaitingHead, .head(let head)):
                switch head.expectation {
                case .unknown:
                    return actions + refuse(HTTPParseError(.expectationFailed, "only the 100-continue expectation is supported"), at: moment)
                case .continue where head.hasBody:
                    actions.append(.write(ResponseSerializer.continueResponse))
                case .continue, .none:
                    break
                }
                state = .readingBody(head, body: [], lastProgress: moment.now)
            case (.readingBody(let head, let body, _), .end(let trailers)):
                state = .awaitingResponse(head)
                actions.append(.deliver(HTTPRequest(head: head, body: body, trailers: trailers, peer: peer)))
            default:
                preconditionFailure("parser event \(event) out of order in state \(state)")
            }
        }
        return actions
    }

    /// Appends body bytes in place. Called before `advance`'s `switch (state, event)`, never from
    /// inside it: the tuple switched over holds a second reference to the body, so every append
    /// there copied the whole body so far (an 8 MB body in 64 KiB reads: 52 ms of copying instead
    /// of 0.2 ms, measured for tools/bench-http).
    private mutating func appendToBody(_ bytes: [UInt8], at moment: Moment) {
        guard case .readingBody(let head, var body, _) = state else { preconditionFailure("body bytes outside a body") }
        state = .closed  // drop the state's reference so the append below finds the body unique
        if body.isEmpty, case .length(let declared) = head.framing {
            // Room for the declared length once its bytes start coming, so the body is not copied
            // again at every doubling. Capped: a client that declares much and sends little holds
            // no large reservation.
            body.reserveCapacity(min(declared, HTTPConnection.bodyReservationLimit))
        }
        body.append(contentsOf: bytes)
        state = .readingBody(head, body: body, lastProgress: moment.now)
    }

    private mutating func refuse(_ error: HTTPParseError, at moment: Moment) -> [Action] {
        state = .closed
        return [.write(ResponseSerializer.refusal(error, date: moment.date, format: refusalFormat)), .closeAfterWriting]
    }
}
