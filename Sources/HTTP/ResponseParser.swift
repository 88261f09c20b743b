/// A pure HTTP/1.1 response parser (RFC 9112), the client's side of `RequestParser`: feed it
/// the bytes of one response with `append` (and `receivedEndOfStream()` when the server
/// closes), take events with `next()` until it returns nil ("need more bytes").
///
/// It does no I/O and keeps no clock: the same bytes give the same events however they are
/// split, except that body bytes may come in differently sized `.body` pieces. One parser reads
/// one response; bytes after its end stay in `bufferedByteCount` (a server that sends them is
/// not to be trusted with another request on that connection).
///
/// The rules, beyond the grammar:
///
/// - **CRLF, strictly**, and the field grammar of requests (`HTTPSyntax`): the same bytes are
///   refused in both directions.
/// - Informational heads (1xx, such as `100 Continue`) are skipped; `101 Switching Protocols`
///   is refused, since nothing here speaks another protocol.
/// - **Framing** (§6.3): no body after HEAD, 204 and 304; `chunked` when it is the final
///   transfer coding; any other coding is refused (this client never asks for one); both
///   Transfer-Encoding and Content-Length are refused, as the server refuses them; otherwise
///   Content-Length, all values equal; with neither, the body runs until the connection closes.
/// - **Limits**: the head (status line and fields), the field count, the body (declared, summed
///   over chunks, or read until close) and the trailers each have a bound; past it, `.tooLarge`,
///   reported before the body is read when the length is declared.
public struct ResponseParser: Sendable {
    /// The bounds on what one response may hold.
    public struct Limits: Sendable, Hashable {
        /// The largest head: status line and fields, CRLFs included.
        public var headBytes = 64 * 1024
        /// Most header fields, and most trailer fields.
        public var fieldCount = 100
        /// The largest body.
        public var bodyBytes = 16 * 1024 * 1024
        /// The longest chunk-size line.
        public var chunkLineBytes = 4 * 1024
        /// The largest trailer section.
        public var trailerBytes = 8 * 1024

        /// The defaults above (body 16 MiB).
        public init() {}
    }

    private enum State: Sendable {
        case statusLine
        case fields(HTTPResponseHead, sectionBytes: Int)
        case fixedBody(remaining: Int)
        case chunkSize(total: Int)
        case chunkData(remaining: Int, total: Int)
        case chunkDataEnd(total: Int)
        case trailers(fields: HTTPFields, sectionBytes: Int)
        case untilClose(total: Int)
        case endPending
        case done
        case failed
    }

    /// The limits this parser enforces.
    public let limits: Limits
    private let requestMethod: HTTPMethod
    private var input = MessageBuffer()
    private var state = State.statusLine
    private var hasReceivedBytes = false
    private var isEndOfStream = false

    /// A parser for the response to a `requestMethod` request (HEAD responses have no body).
    public init(requestMethod: HTTPMethod, limits: Limits = Limits()) {
        self.requestMethod = requestMethod
        self.limits = limits
    }

    /// How many bytes have been given and not yet turned into events (after `.end`: bytes the
    /// server sent beyond its response).
    public var bufferedByteCount: Int { input.count }

    /// Whether `.end` has been returned.
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Adds bytes that arrived; ignored after a failure.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if case .failed = state { return }
        let before = input.count
        input.append(bytes)
        hasReceivedBytes = hasReceivedBytes || input.count > before
    }

    /// Adds bytes that arrived; ignored after a failure.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if case .failed = state { return }
        input.append(bytes)
        hasReceivedBytes = hasReceivedBytes || !bytes.isEmpty
    }

    /// The server closed its side: a body framed by the close ends; anything else unfinished
    /// becomes a failure.
    public mutating func receivedEndOfStream() {
        isEndOfStream = true
    }

    /// The next event the buffered bytes make, or nil when more bytes are needed (or after the end or a failure).
    public mutating func next() -> ResponseParserEvent? {
        while true {
            switch state {
            case .failed, .done:
                return nil
            case .statusLine:
                guard let line = readLine(limit: limits.headBytes, tooLong: "status line longer than \(limits.headBytes) bytes") else {
                    return needMore(hasReceivedBytes ? "in the status line" : nil)
                }
                guard case .success(let range) = line else { return fail(line) }
                switch parseStatusLine(input[range]) {
                case .success(let head): state = .fields(head, sectionBytes: range.count + 2)
                case .failure(let error): return fail(error)
                }
            case .fields(var head, let sectionBytes):
                let tooLarge = "response head larger than \(limits.headBytes) bytes"
                guard let line = readLine(limit: limits.headBytes - sectionBytes, tooLong: tooLarge) else { return needMore("in the header fields") }
                guard case .success(let range) = line else { return fail(line) }
                if range.isEmpty {
                    if (100...199).contains(head.status.code) {
                        if head.status.code == 101 { return fail(ResponseParseError(.malformed, "101 Switching Protocols: no other protocol is spoken here")) }
                        state = .statusLine
                        continue
                    }
                    switch framing(of: head) {
                    case .failure(let error): return fail(error)
                    case .success(let framing): head.framing = framing
                    }
                    switch head.framing {
                    case .none, .length(0): state = .endPending
                    case .length(let count): state = .fixedBody(remaining: count)
                    case .chunked: state = .chunkSize(total: 0)
                    case .untilClose: state = .untilClose(total: 0)
                    }
                    return .head(head)
                }
                if let error = appendField(range, to: &head.fields, what: "header") { return fail(error) }
                state = .fields(head, sectionBytes: sectionBytes + range.count + 2)
            case .endPending:
                state = .done
                return .end(trailers: [:])
            case .fixedBody(let remaining):
                let bytes = input.take(upTo: remaining)
                guard !bytes.isEmpty else { return needMore("in the body, \(remaining) bytes short") }
                state = remaining == bytes.count ? .endPending : .fixedBody(remaining: remaining - bytes.count)
                return .body(bytes)
            case .chunkSize(let total):
                guard let line = readLine(limit: limits.chunkLineBytes, tooLong: "chunk-size line longer than \(limits.chunkLineBytes) bytes") else {
                    return needMore("in a chunk-size line")
                }
                guard case .success(let range) = line else { return fail(line) }
                switch HTTPSyntax.chunkSize(input[range], total: total, limit: limits.bodyBytes) {
                case .malformed(let reason): return fail(ResponseParseError(.malformed, reason))
                case .tooLarge: return fail(ResponseParseError(.tooLarge, "chunked body over the limit of \(limits.bodyBytes) bytes"))
                case .size(0): state = .trailers(fields: [:], sectionBytes: 0)
                case .size(let size): state = .chunkData(remaining: size, total: total + size)
                }
            case .chunkData(let remaining, let total):
                let bytes = input.take(upTo: remaining)
                guard !bytes.isEmpty else { return needMore("in a chunk, \(remaining) bytes short") }
                state = remaining == bytes.count ? .chunkDataEnd(total: total) : .chunkData(remaining: remaining - bytes.count, total: total)
                return .body(bytes)
            case .chunkDataEnd(let total):
                if let first = input.first, first != UInt8(ascii: "\r") { return fail(ResponseParseError(.malformed, "chunk data longer than its size")) }
                guard let second = input.byte(at: 1) else { return needMore("after a chunk") }
                guard second == UInt8(ascii: "\n") else { return fail(ResponseParseError(.malformed, "chunk data not followed by CRLF")) }
                input.consume(2)
                state = .chunkSize(total: total)
            case .trailers(var fields, let sectionBytes):
                let tooLarge = "trailer section larger than \(limits.trailerBytes) bytes"
                guard let line = readLine(limit: limits.trailerBytes - sectionBytes, tooLong: tooLarge) else { return needMore("in the trailers") }
                guard case .success(let range) = line else { return fail(line) }
                if range.isEmpty {
                    state = .done
                    return .end(trailers: fields)
                }
                if let error = appendField(range, to: &fields, what: "trailer") { return fail(error) }
                state = .trailers(fields: fields, sectionBytes: sectionBytes + range.count + 2)
            case .untilClose(let total):
                let bytes = input.take(upTo: Int.max)
                if bytes.isEmpty {
                    guard isEndOfStream else { return nil }
                    state = .done
                    return .end(trailers: [:])
                }
                if bytes.count > limits.bodyBytes - total {
                    return fail(ResponseParseError(.tooLarge, "body over the limit of \(limits.bodyBytes) bytes"))
                }
                state = .untilClose(total: total + bytes.count)
                return .body(bytes)
            }
        }
    }

    // MARK: Lines and failures

    /// Nil while more bytes may come; once the stream has ended, the failure saying where.
    private mutating func needMore(_ place: String?) -> ResponseParserEvent? {
        guard isEndOfStream else { return nil }
        guard let place else { return fail(ResponseParseError(.noResponse, "the server closed the connection without answering")) }
        return fail(ResponseParseError(.truncated, "the server closed the connection in the middle of its response (\(place))"))
    }

    private mutating func readLine(limit: Int, tooLong: String) -> Result<Range<Int>, ResponseParseError>? {
        input.readLine(limit: limit, tooLong: ResponseParseError(.tooLarge, tooLong),
                       bareLF: ResponseParseError(.malformed, "line ended by a bare LF (CRLF required)"))
    }

    private mutating func fail(_ error: ResponseParseError) -> ResponseParserEvent {
        state = .failed
        input.removeAll()
        return .failure(error)
    }

    private mutating func fail(_ line: Result<Range<Int>, ResponseParseError>) -> ResponseParserEvent {
        guard case .failure(let error) = line else { preconditionFailure("fail(_:) called with a line") }
        return fail(error)
    }

    // MARK: Grammar

    /// `HTTP/1.1 200 OK`: version 1.0 or 1.1 (a later 1.x is read as 1.1), three digits, an
    /// optional reason phrase of visible characters, spaces and tabs.
    private func parseStatusLine(_ line: ArraySlice<UInt8>) -> Result<HTTPResponseHead, ResponseParseError> {
        let bytes = Array(line)
        let prefix = Array("HTTP/1.".utf8)
        guard bytes.count >= 12, Array(bytes.prefix(prefix.count)) == prefix, HTTPSyntax.isDigit(bytes[7]), bytes[8] == UInt8(ascii: " ") else {
            let shown = String(decoding: bytes.prefix(40).map { $0 < 0x20 || $0 >= 0x7F ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
            return .failure(ResponseParseError(.malformed, "not an HTTP/1.x status line: \"\(shown)\""))
        }
        let version: HTTPVersion = bytes[7] == UInt8(ascii: "0") ? .http1_0 : .http1_1
        let digits = bytes[9..<12]
        guard digits.allSatisfy(HTTPSyntax.isDigit), digits.first != UInt8(ascii: "0") else {
            return .failure(ResponseParseError(.malformed, "the status code is not three digits from 100 to 999"))
        }
        let code = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        let rest = bytes[12...]
        if let first = rest.first, first != UInt8(ascii: " ") {
            return .failure(ResponseParseError(.malformed, "the status code is not followed by a space"))
        }
        let reason = rest.dropFirst()
        guard reason.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            return .failure(ResponseParseError(.malformed, "control character in the reason phrase"))
        }
        return .success(HTTPResponseHead(version: version, status: HTTPStatus(code: code, reason: String(decoding: reason, as: UTF8.self))))
    }

    private func appendField(_ range: Range<Int>, to fields: inout HTTPFields, what: String) -> ResponseParseError? {
        switch HTTPSyntax.field(input[range], what: what) {
        case .failure(let problem): return ResponseParseError(.malformed, problem.reason)
        case .success(let field):
            guard fields.count < limits.fieldCount else { return ResponseParseError(.tooLarge, "more than \(limits.fieldCount) \(what) fields") }
            fields.append(name: field.name, value: field.value)
            return nil
        }
    }

    /// The body framing of `head`, or why it is refused.
    private func framing(of head: HTTPResponseHead) -> Result<HTTPResponseHead.BodyFraming, ResponseParseError> {
        if requestMethod == .head || head.status.forbidsBody { return .success(.none) }
        let fields = head.fields
        if fields.contains("Transfer-Encoding") {
            if fields.contains("Content-Length") { return .failure(ResponseParseError(.malformed, "both Content-Length and Transfer-Encoding")) }
            let codings = fields.tokens(for: "Transfer-Encoding").map { String($0.prefix { $0 != ";" && $0 != " " }) }
            if let other = codings.first(where: { $0 != "chunked" }) {
                return .failure(ResponseParseError(.malformed, "transfer coding \(other) was not asked for and is not supported"))
            }
            guard codings == ["chunked"] else { return .failure(ResponseParseError(.malformed, "chunked applied more than once")) }
            return .success(.chunked)
        }
        guard fields.contains("Content-Length") else { return .success(.untilClose) }
        switch HTTPSyntax.contentLength(fields.values(for: "Content-Length")) {
        case .failure(let problem): return .failure(ResponseParseError(.malformed, problem.reason))
        case .success(let length) where length > limits.bodyBytes:
            return .failure(ResponseParseError(.tooLarge, "a body of \(length) bytes is over the limit of \(limits.bodyBytes)"))
        case .success(let length): return .success(.length(length))
        }
    }
}
