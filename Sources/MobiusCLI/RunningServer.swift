import Foundation
import HTTP
import Integrity
import JSON
import Journal
import MobiusAPI
import MobiusCore

/// The server holding a data folder's journal, found through the admin URL it records in
/// `journal/LOCK`: the CLI's write commands (`append`, `extract`, `library add|remove`,
/// `lcm resolve`, `snapshot create`, `rollback`) send their writes to its admin API instead of
/// failing on the lock.
///
/// The admin token is `MOBIUS_ADMIN_TOKEN`, else the server's default token file
/// `DATA/admin-token` (a server started with another `--admin-token-file` needs the variable).
struct RunningServer {
    /// The admin URL LOCK records.
    let url: String
    private let endpoint: HTTPEndpoint
    private let tokenFile: String
    /// The data folder, for the `inspect` a person can run after an unanswered request.
    private let dataPath: String

    /// The server holding `data`'s journal right now, when the holder recorded an http URL.
    static func holding(_ data: DataFolder) -> RunningServer? {
        guard let holder = WriterLock.holder(directory: data.journalDirectory), holder.isHeld, let url = holder.url,
              let endpoint = try? HTTPEndpoint(parsing: url) else { return nil }
        return RunningServer(url: url, endpoint: endpoint, tokenFile: data.path + "/admin-token", dataPath: data.path)
    }

    /// POSTs `body` to `path` with the admin token; the body of a 2xx answer. Any other answer
    /// is a failure carrying the server's `error` message: exit 2 for a request the server
    /// could not act on (400, 404, 413, 415, 422), exit 1 for a refusal, a conflict, a server
    /// failure or no answer.
    func post(_ path: String, body: [UInt8] = Array("{}".utf8), contentType: String = "application/json",
              timeout: Duration = .seconds(120)) throws(CommandFailure) -> [UInt8] {
        let (status, answer) = try call(path, body: body, contentType: contentType, timeout: timeout)
        guard !(200..<300).contains(status) else { return answer }
        throw failure(status: status, body: answer)
    }

    /// `GET path`; the body of a 2xx answer, else the failure `post` would throw.
    func get(_ path: String, timeout: Duration = .seconds(10)) throws(CommandFailure) -> [UInt8] {
        var configuration = HTTPClient.Configuration()
        configuration.requestTimeout = timeout
        configuration.connectTimeout = timeout
        let client = HTTPClient(endpoint: endpoint, configuration: configuration)
        defer { client.close() }
        let response: HTTPClientResponse
        do {
            response = try client.get(path)
        } catch {
            throw CommandFailure(.checkFailed, "the server at \(url) did not answer: \(error)")
        }
        guard (200..<300).contains(response.status.code) else { throw failure(status: response.status.code, body: response.body) }
        return response.body
    }

    /// The failure an answer other than 2xx stands for (see `post`).
    func failure(status: Int, body: [UInt8]) -> CommandFailure {
        let message = Self.errorMessage(in: body) ?? "status \(status)"
        let exit: CommandFailure.Code = [400, 404, 413, 415, 422].contains(status) ? .unreadableInput : .checkFailed
        return CommandFailure(exit, "the server at \(url) answered \(status): \(message)")
    }

    /// POSTs `body` to `path` with the admin token and a request id of its own; the status and
    /// body of whatever answer came. When no answer came to a request that was sent (the
    /// server stalled, or closed the connection), the failure says the write may still be
    /// carried out and how to look for it by that request id, since sending it again could
    /// record it twice.
    func call(_ path: String, body: [UInt8], contentType: String = "application/json",
              timeout: Duration = .seconds(120)) throws(CommandFailure) -> (status: Int, body: [UInt8]) {
        let found: String?
        do {
            found = try AdminToken.clientValue(environment: ProcessInfo.processInfo.environment, file: tokenFile)
        } catch {
            throw CommandFailure(.unreadableInput, error.description)
        }
        guard let token = found else {
            throw CommandFailure(.checkFailed, "the server at \(url) holds the journal, and no admin token was found to send writes to it: set MOBIUS_ADMIN_TOKEN or make \(tokenFile) readable")
        }
        var configuration = HTTPClient.Configuration()
        configuration.requestTimeout = timeout
        let client = HTTPClient(endpoint: endpoint, configuration: configuration)
        defer { client.close() }
        let requestId = "cli-" + Hex.random(byteCount: 16)
        let response: HTTPClientResponse
        do {
            response = try client.post(path, body: body, contentType: contentType, fields: ["Authorization": "Bearer " + token, "X-Request-Id": requestId])
        } catch {
            throw CommandFailure(.checkFailed, unanswered(error, requestId: requestId))
        }
        return (response.status.code, response.body)
    }

    /// The failure of a request that got no usable answer: whether it may have been carried out.
    private func unanswered(_ error: HTTPClientError, requestId: String) -> String {
        let message = "the server at \(url) holds the journal but did not answer: \(error)"
        switch error.code {
        case .invalidURL, .connectionRefused, .connectTimedOut:
            return message + " (nothing was sent)"
        case .timedOut, .malformedResponse, .responseTooLarge, .connectionClosed, .network:
            return message + "; the request was sent as \(requestId) and the server may still carry it out: "
                + "look for it with 'mobius-dhash inspect --data \(dataPath) --request-id \(requestId)' before sending it again"
        }
    }

    /// `text` percent-encoded as one path segment (`/` too: an id holding one must reach the
    /// route as that id, not as more segments that match no route).
    static func pathSegment(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `text` percent-encoded for a query value.
    static func queryValue(_ text: String) -> String {
        // ASCII only: `.alphanumerics` would let other scripts' letters through unencoded.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// An image file to send, read as the engine reads one locally: a regular file (a FIFO or a
    /// device is refused, never waited on) of at most 64 MiB, the most a server takes.
    static func readImage(_ path: String) -> Result<[UInt8], ImageReadError> {
        ImageFileLoader(maxBytes: EngineConfiguration(dataDirectory: ".").maxImageBytes).load(path)
    }

    /// The JSON object `body` holds, or nil.
    static func object(in body: [UInt8]) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
    }

    /// The `"error"` of a JSON error body.
    private static func errorMessage(in body: [UInt8]) -> String? {
        object(in: body)?["error"] as? String
    }

    /// Prints the note every forwarded command starts with, on standard error.
    func announce(_ io: CommandIO, commandPath: [String]) {
        io.printError("the journal is held by the server at \(url): sending the writes there", commandPath: commandPath)
    }
}
