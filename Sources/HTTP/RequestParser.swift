/// A pure HTTP/1.1 request parser (RFC 9112): feed it bytes with `append`, take events with
/// `next()` until it returns nil ("need more bytes").
///
/// It does no I/O and keeps no clock: the same bytes give the same events however they are
/// split, except that body bytes may come in differently sized `.body` pieces. Requests follow
/// one another on a connection (pipelining): after `.end` the next request's head is parsed from
/// whatever follows.
///
/// The rules it applies, beyond the grammar:
///
/// - **Line endings are CRLF, strictly.** A bare LF or a bare CR anywhere in the head or in
///   chunk framing is refused with 400. RFC 9112 §2.2 lets a recipient accept a lone LF, but
///   a parser that does so disagrees with stricter ones about where a line ends, which is how
///   requests are smuggled past proxies; every client in use sends CRLF.
/// - Empty lines before a request line are skipped (§2.2).
/// - **Framing** (§6.3): Transfer-Encoding together with Content-Length is refused (400,
///   smuggling); Transfer-Encoding in HTTP/1.0 is refused (400); `chunked` must be the last and
///   only coding (400), and any other coding is one this server does not implement (501);
///   Content-Length values must be decimal digits and all equal (400). HTTP/1.1 needs exactly
///   one Host (400). Obsolete line folding is refused (400), and so is whitespace before a colon.
/// - **Limits** (`HTTPLimits`): request line → 414; header section bytes or field count → 431;
///   body (declared or summed over chunks) → 413, refused before the body is read; trailers →
///   431; a chunk-size line → 400. Versions other than 1.0 and 1.1 → 505.
/// - Chunk extensions are checked for stray control bytes and otherwise ignored.
///
/// A failure is reported once as `.failure`; then the parser takes no more bytes.
/// Memory is bounded: besides what has not been taken with `next()`, at most one line (the
/// limits above) is held.
public struct RequestParser: Sendable {
    private enum State: Sendable {
        case requestLine
        case fields(method: HTTPMethod, target: String, version: HTTPVersion, fields: HTTPFields, sectionBytes: Int)
        case endPending
        case fixedBody(remaining: Int)
        case chunkSize(total: Int)
        case chunkData(remaining: Int, total: Int)
        case chunkDataEnd(total: Int)
        case trailers(fields: HTTPFields, sectionBytes: Int)
        case failed
    }

    /// The limits this parser enforces.
    public let limits: HTTPLimits
    private var input = MessageBuffer()
    private var state = State.requestLine

    /// A parser enforcing `limits`.
    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// How many bytes have been given and not yet turned into events.
    public var bufferedByteCount: Int { input.count }

    /// Whether the parser is between requests with nothing buffered: no request has begun.
    public var isIdle: Bool {
        if case .requestLine = state { return bufferedByteCount == 0 }
        return false
    }

    /// Whether a failure has been reported (nothing more will be parsed).
    public var hasFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    /// Adds bytes that arrived; ignored after a failure.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if case .failed = state { return }
        input.append(bytes)
    }

    /// Adds bytes that arrived; ignored after a failure.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if case .failed = state { return }
        input.append(bytes)
    }

    /// The next event the buffered bytes make, or nil when more bytes are needed (or after a failure).
    public mutating func next() -> RequestParserEvent? {
        while true {
            switch state {
            case .failed:
                return nil
            case .requestLine:
                guard let line = readLine(limit: limits.requestLineBytes, tooLong: HTTPParseError(.uriTooLong, "request line longer than \(limits.requestLineBytes) bytes")) else { return nil }
                guard case .success(let range) = line else { return fail(line) }
                if range.isEmpty { continue }
                switch parseRequestLine(range) {
                case .success(let parts):
                    state = .fields(method: parts.0, target: parts.1, version: parts.2, fields: [:], sectionBytes: 0)
                case .failure(let error): return fail(error)
                }
            case .fields(let method, let target, let version, var fields, let sectionBytes):
                let remaining = limits.headerSectionBytes - sectionBytes
                let tooLarge = HTTPParseError(.headerFieldsTooLarge, "header section larger than \(limits.headerSectionBytes) bytes")
                guard let line = readLine(limit: remaining, tooLong: tooLarge) else { return nil }
                guard case .success(let range) = line else { return fail(line) }
                let used = sectionBytes + range.count + 2
                if range.isEmpty {
                    var head = HTTPRequestHead(method: method, target: target, version: version, fields: fields)
                    switch framing(of: head) {
                    case .failure(let error): return fail(error)
                    case .success(let framing): head.framing = framing
                    }
                    switch head.framing {
                    case .none, .length(0): state = .endPending
                    case .length(let count): state = .fixedBody(remaining: count)
                    case .chunked: state = .chunkSize(total: 0)
                    }
                    return .head(head)
                }
                if let error = appendField(range, to: &fields, limit: limits.headerFieldCount, what: "header") { return fail(error) }
                state = .fields(method: method, target: target, version: version, fields: fields, sectionBytes: used)
            case .endPending:
                state = .requestLine
                return .end(trailers: [:])
            case .fixedBody(let remaining):
                let bytes = input.take(upTo: remaining)
                guard !bytes.isEmpty else { return nil }
                state = remaining == bytes.count ? .endPending : .fixedBody(remaining: remaining - bytes.count)
                return .body(bytes)
            case .chunkSize(let total):
                let tooLong = HTTPParseError(.badRequest, "chunk-size line longer than \(limits.chunkLineBytes) bytes")
                guard let line = readLine(limit: limits.chunkLineBytes, tooLong: tooLong) else { return nil }
                guard case .success(let range) = line else { return fail(line) }
                switch chunkSize(range, total: total) {
                case .failure(let error): return fail(error)
                case .success(0): state = .trailers(fields: [:], sectionBytes: 0)
                case .success(let size): state = .chunkData(remaining: size, total: total + size)
                }
            case .chunkData(let remaining, let total):
                let bytes = input.take(upTo: remaining)
                guard !bytes.isEmpty else { return nil }
                state = remaining == bytes.count ? .chunkDataEnd(total: total) : .chunkData(remaining: remaining - bytes.count, total: total)
                return .body(bytes)
            case .chunkDataEnd(let total):
                if let first = input.first, first != UInt8(ascii: "\r") { return fail(HTTPParseError(.badRequest, "chunk data longer than its size")) }
                guard let second = input.byte(at: 1) else { return nil }
                guard second == UInt8(ascii: "\n") else { return fail(HTTPParseError(.badRequest, "chunk data not followed by CRLF")) }
                input.consume(2)
                state = .chunkSize(total: total)
            case .trailers(var fields, let sectionBytes):
                let remaining = limits.trailerSectionBytes - sectionBytes
                let tooLarge = HTTPParseError(.headerFieldsTooLarge, "trailer section larger than \(limits.trailerSectionBytes) bytes")
                guard let line = readLine(limit: remaining, tooLong: tooLarge) else { return nil }
                guard case .success(let range) = line else { return fail(line) }
                if range.isEmpty {
                    state = .requestLine
                    return .end(trailers: fields)
                }
                if let error = appendField(range, to: &fields, limit: limits.headerFieldCount, what: "trailer") { return fail(error) }
                state = .trailers(fields: fields, sectionBytes: sectionBytes + range.count + 2)
            }
        }
    }

    // MARK: Lines

    /// The next line without its CRLF, consumed; nil when it has not all arrived; a failure when
    /// it ends in a bare LF or is longer than `limit` bytes (CRLF included).
    private mutating func readLine(limit: Int, tooLong: HTTPParseError) -> Result<Range<Int>, HTTPParseError>? {
        input.readLine(limit: limit, tooLong: tooLong, bareLF: HTTPParseError(.badRequest, "line ended by a bare LF (CRLF required)"))
    }

    private mutating func fail(_ error: HTTPParseError) -> RequestParserEvent {
        state = .failed
        input.removeAll()
        return .failure(error)
    }

    private mutating func fail(_ line: Result<Range<Int>, HTTPParseError>) -> RequestParserEvent {
        guard case .failure(let error) = line else { preconditionFailure("fail(_:) called with a line") }
        return fail(error)
    }

    // MARK: Grammar

    private func parseRequestLine(_ range: Range<Int>) -> Result<(HTTPMethod, String, HTTPVersion), HTTPParseError> {
        let line = input[range]
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure(HTTPParseError(.badRequest, "malformed request line"))
        }
        guard parts[0].allSatisfy(HTTPSyntax.isTokenByte) else { return .failure(HTTPParseError(.badRequest, "malformed method")) }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .failure(HTTPParseError(.badRequest, "malformed request target")) }
        let version: HTTPVersion
        switch RequestParser.version(parts[2]) {
        case .success(let parsed): version = parsed
        case .failure(let error): return .failure(error)
        }
        return .success((HTTPMethod(rawValue: String(decoding: parts[0], as: UTF8.self)), String(decoding: parts[1], as: UTF8.self), version))
    }

    /// HTTP/1.0 or HTTP/1.1; 505 for another well-formed version, 400 for anything else.
    private static func version(_ bytes: ArraySlice<UInt8>) -> Result<HTTPVersion, HTTPParseError> {
        let text = Array(bytes)
        let prefix = Array("HTTP/".utf8)
        guard text.count > prefix.count, Array(text.prefix(prefix.count)) == prefix else {
            return .failure(HTTPParseError(.badRequest, "malformed HTTP version"))
        }
        let number = text.dropFirst(prefix.count)
        guard number.allSatisfy({ HTTPSyntax.isDigit($0) || $0 == UInt8(ascii: ".") }), HTTPSyntax.isDigit(number.first!) else {
            return .failure(HTTPParseError(.badRequest, "malformed HTTP version"))
        }
        if number.count == 3, number[number.startIndex] == UInt8(ascii: "1"), number[number.startIndex + 1] == UInt8(ascii: ".") {
            switch number.last! {
            case UInt8(ascii: "0"): return .success(.http1_0)
            case UInt8(ascii: "1"): return .success(.http1_1)
            default: break
            }
        }
        return .failure(HTTPParseError(.versionNotSupported, "HTTP version \(String(decoding: number, as: UTF8.self)) is not supported (1.0 and 1.1 are)"))
    }

    /// Parses `name: value` into `fields`; an error for obs-fold, a bad name or value, or too many fields.
    private func appendField(_ range: Range<Int>, to fields: inout HTTPFields, limit: Int, what: String) -> HTTPParseError? {
        switch HTTPSyntax.field(input[range], what: what) {
        case .failure(let problem): return HTTPParseError(.badRequest, problem.reason)
        case .success(let field):
            guard fields.count < limit else { return HTTPParseError(.headerFieldsTooLarge, "more than \(limit) \(what) fields") }
            fields.append(name: field.name, value: field.value)
            return nil
        }
    }

    /// The body framing the head declares, or why it is refused.
    private func framing(of head: HTTPRequestHead) -> Result<HTTPRequestHead.BodyFraming, HTTPParseError> {
        let fields = head.fields
        if head.version == .http1_1, fields.values(for: "Host").count != 1 {
            return .failure(HTTPParseError(.badRequest, "an HTTP/1.1 request needs exactly one Host field"))
        }
        let hasLength = fields.contains("Content-Length")
        if fields.contains("Transfer-Encoding") {
            if hasLength { return .failure(HTTPParseError(.badRequest, "both Content-Length and Transfer-Encoding")) }
            if head.version == .http1_0 { return .failure(HTTPParseError(.badRequest, "Transfer-Encoding in an HTTP/1.0 request")) }
            let codings = fields.tokens(for: "Transfer-Encoding").map { String($0.prefix { $0 != ";" && $0 != " " }) }
            guard codings.last == "chunked" else { return .failure(HTTPParseError(.badRequest, "chunked is not the final transfer coding")) }
            if let other = codings.first(where: { $0 != "chunked" }) {
                return .failure(HTTPParseError(.notImplemented, "transfer coding \(other) is not implemented"))
            }
            guard codings.count == 1 else { return .failure(HTTPParseError(.badRequest, "chunked applied more than once")) }
            return .success(.chunked)
        }
        guard hasLength else { return .success(.none) }
        let length: Int
        switch HTTPSyntax.contentLength(fields.values(for: "Content-Length")) {
        case .success(let value): length = value
        case .failure(let problem): return .failure(HTTPParseError(.badRequest, problem.reason))
        }
        if length > limits.bodyBytes { return .failure(HTTPParseError(.contentTooLarge, "body of \(length) bytes is over the limit of \(limits.bodyBytes)")) }
        return .success(.length(length))
    }

    /// The size on a chunk-size line (extensions ignored), or why it is refused.
    private func chunkSize(_ range: Range<Int>, total: Int) -> Result<Int, HTTPParseError> {
        switch HTTPSyntax.chunkSize(input[range], total: total, limit: limits.bodyBytes) {
        case .size(let size): return .success(size)
        case .malformed(let reason): return .failure(HTTPParseError(.badRequest, reason))
        case .tooLarge: return .failure(HTTPParseError(.contentTooLarge, "chunked body over the limit of \(limits.bodyBytes) bytes"))
        }
    }
}
