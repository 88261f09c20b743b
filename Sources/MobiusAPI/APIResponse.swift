import HTTP
import Integrity
import JSON

/// JSON responses of the API: `application/json; charset=utf-8`, `X-Request-Id` on every one,
/// errors as `{"error","requestId"}`.
enum APIResponse {
    /// A JSON body written by `body`, with `status`; a body the writer refuses (a NaN or an
    /// infinity among the figures) is a 500 `{"error","requestId"}` naming the problem, never
    /// `status` over a body the client did not ask for.
    static func json(_ status: HTTPStatus = .ok, requestId: String, _ body: (inout JSONWriter) -> Void) -> HTTPResponse {
        var writer = JSONWriter()
        body(&writer)
        let bytes: [UInt8]
        do {
            bytes = try writer.finish()
        } catch {
            var fallback = JSONWriter()
            fallback.writeObject { json in
                json.write("the response could not be encoded: \(error)", forKey: "error")
                json.write(requestId, forKey: "requestId")
            }
            return HTTPResponse(status: .internalServerError, fields: ["Content-Type": "application/json; charset=utf-8", "X-Request-Id": requestId],
                                body: .bytes(((try? fallback.finish()) ?? Array(#"{"error":"the response could not be encoded"}"#.utf8)) + [0x0A]))
        }
        return HTTPResponse(status: status, fields: ["Content-Type": "application/json; charset=utf-8", "X-Request-Id": requestId],
                            body: .bytes(bytes + [0x0A]))
    }

    /// What the server answers a request it refuses before any route sees it (malformed, over
    /// a limit, too slow, over the connection cap): `{"error","requestId"}` with a new request
    /// id, as every other error, so a client that reads JSON reads these too.
    static let refusalFormat: ResponseSerializer.RefusalFormat = { refusal in
        let requestId = Hex.random(byteCount: 16)
        let response = error(refusal.status, refusal.reason, requestId: requestId)
        guard case .bytes(let body) = response.body else { return ResponseSerializer.plainTextRefusal(refusal) }
        return (response.fields, body)
    }

    /// `{"error": message, "requestId"}` with `status`.
    static func error(_ status: HTTPStatus, _ message: String, requestId: String) -> HTTPResponse {
        json(status, requestId: requestId) { json in
            json.writeObject { json in
                json.write(message, forKey: "error")
                json.write(requestId, forKey: "requestId")
            }
        }
    }
}
