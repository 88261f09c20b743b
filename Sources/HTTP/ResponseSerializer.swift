/// Turns response parts into the bytes on the wire (RFC 9112 §4, §6, §7.1).
public enum ResponseSerializer {
    /// How a response's body is delimited on the wire.
    public enum Framing: Sendable, Hashable {
        /// `Content-Length: n`.
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
        /// No length: the body ends when the connection closes (streamed bodies to HTTP/1.0 clients).
        case untilClose
        /// No body and no length field (1xx, 204, 304).
        case none
    }

    /// The status line and fields: `fields` minus the framing fields, then `Date` (unless given),
    /// the framing field, and `Connection` (`close`, or `keep-alive` for an HTTP/1.0 client that keeps it).
    public static func head(status: HTTPStatus, fields: HTTPFields, framing: Framing, keepsAlive: Bool,
                            requestVersion: HTTPVersion, date: String) -> [UInt8] {
        var text = "HTTP/1.1 \(status.code) \(status.reason)\r\n"
        var hasDate = false
        for field in fields {
            if ["content-length", "transfer-encoding", "connection"].contains(field.name.lowercased()) { continue }
            if HTTPFields.equalNames(field.name, "Date") { hasDate = true }
            text += "\(field.name): \(sanitized(field.value))\r\n"
        }
        if !hasDate { text += "Date: \(date)\r\n" }
        switch framing {
        case .length(let count): text += "Content-Length: \(count)\r\n"
        case .chunked: text += "Transfer-Encoding: chunked\r\n"
        case .untilClose, .none: break
        }
        if !keepsAlive {
            text += "Connection: close\r\n"
        } else if requestVersion == .http1_0 {
            text += "Connection: keep-alive\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// One chunk of a chunked body (empty input gives nothing: an empty chunk would end the body).
    public static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        var out = Array(String(bytes.count, radix: 16).utf8)
        out.reserveCapacity(out.count + bytes.count + 4)
        out += [13, 10]
        out += bytes
        out += [13, 10]
        return out
    }

    /// The last chunk and an empty trailer section.
    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    /// `100 Continue`, sent before reading a body the client is holding back.
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The fields and body a refused request is answered with (the status is the refusal's):
    /// how a server that speaks JSON makes its own refusals JSON too.
    public typealias RefusalFormat = @Sendable (HTTPParseError) -> (fields: HTTPFields, body: [UInt8])

    /// `text/plain`, "400 Bad Request: malformed chunk size" and a newline.
    public static let plainTextRefusal: RefusalFormat = { error in
        (["Content-Type": "text/plain; charset=utf-8"], Array("\(error)\n".utf8))
    }

    /// A complete response for a refused request (`Connection: close`), in `format`.
    public static func refusal(_ error: HTTPParseError, date: String, format: RefusalFormat = plainTextRefusal) -> [UInt8] {
        let (fields, body) = format(error)
        return head(status: error.status, fields: fields, framing: .length(body.count), keepsAlive: false,
                    requestVersion: .http1_1, date: date) + body
    }

    /// `value` with CR and LF replaced by spaces, so a handler cannot split the response by accident.
    static func sanitized(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { return value }
        return String(value.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}
