/// Runs on a worker: turns a handler's `HTTPResponse` into parts on the request's channel.
enum ResponseProducer {
    /// Sends `response` as parts; a streamed body is not run for HEAD or a bodiless status. A
    /// failing stream aborts the response; a closed connection ends it quietly.
    static func produce(_ response: HTTPResponse, isHead: Bool, on channel: ResponseChannel) async {
        do {
            switch response.body {
            case .bytes(let bytes):
                let head = HTTPConnection.ResponsePart.head(response.status, response.fields, bodyLength: bytes.count)
                try channel.send(contentsOf: bytes.isEmpty ? [head, .end] : [head, .body(bytes), .end])
            case .stream(let write):
                try channel.send(.head(response.status, response.fields, bodyLength: nil))
                if !isHead, !response.status.forbidsBody { try await write(ResponseBodyWriter(channel: channel)) }
                try channel.send(.end)
            }
        } catch {
            try? channel.send(.abort)
        }
    }
}
