import HTTP
import JSON

/// JSON responses of the API: `application/json; charset=utf-8`, `X-Request-Id` on every one,
/// errors as `{"error","requestId"}`.
enum APIResponse {
    /// A JSON body written by `body`, with `status`.
    static func json(_ status: HTTPStatus = .ok, requestId: String, _ body: (inout JSONWriter) -> Void) -> HTTPResponse {
        var writer = JSONWriter()
        body(&writer)
        let bytes = (try? writer.finish()) ?? Array(#"{"error":"the response could not be encoded"}"#.utf8)
        return HTTPResponse(status: status, fields: ["Content-Type": "application/json; charset=utf-8", "X-Request-Id": requestId],
                            body: .bytes(bytes + [0x0A]))
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
