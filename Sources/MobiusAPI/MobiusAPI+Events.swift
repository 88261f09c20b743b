import HTTP
import Journal
import MobiusCore

extension MobiusAPI {
    /// `GET /api/events?type=&since=&until=&fromSeq=&toSeq=&requestId=&limit=&follow=1`: the
    /// journal's events as JSON Lines (`application/x-ndjson`, the envelope `inspect` prints),
    /// streamed chunked in constant memory by a reader thread with a bounded buffer; a slow
    /// client slows the reader, never grows the server.
    ///
    /// `type` takes several types separated by commas. Without `follow` the stream ends at the
    /// journal's head as it was when the request came; with `follow=1` it goes on as events are
    /// appended, writing a blank line every `followHeartbeat` while none come, and ends when the
    /// client goes away, at `limit`, at `toSeq`, or at server shutdown. At most
    /// `eventStreamLimit` streams run at once; beyond, 503 with `Retry-After`. Damage ends the stream
    /// without its last chunk, so the client sees a truncated body, never a complete wrong one.
    func events(_ query: QueryParameters, requestId: String) -> HTTPResponse {
        let filter: EventFilter, limit: Int?, follows: Bool
        switch Self.eventQuery(query, head: engine.head.seq) {
        case .success(let parsed): (filter, limit, follows) = parsed
        case .failure(let problem): return APIResponse.error(.badRequest, problem.message, requestId: requestId)
        }
        guard let slot = eventStreams.take(limit: eventStreamLimit) else {
            var response = APIResponse.error(.serviceUnavailable, "\(eventStreamLimit) event streams are open, the most this server serves at once; try again later",
                                             requestId: requestId)
            response.fields.set("Retry-After", to: "5")
            return response
        }
        // The connection's own backlog (256 KiB) already keeps the reader ahead of a slow
        // client; more buffered events would only be memory a stalled client holds.
        let events = JournalReader(directory: engine.configuration.journal.directory, kernel: engine.configuration.kernel)
            .follow(filter, maxBufferedBytes: 1 << 20)
        let heartbeat = followHeartbeat
        return HTTPResponse(
            status: .ok, fields: ["Content-Type": "application/x-ndjson; charset=utf-8", "X-Request-Id": requestId, "Cache-Control": "no-store"],
            body: .stream { writer in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var sent = 0
                        guard limit != 0 else { return }
                        for try await event in events {
                            try await writer.write(event.envelopeJSON() + [0x0A])
                            sent += 1
                            if let limit, sent >= limit { return }
                        }
                    }
                    if follows {
                        group.addTask {
                            while true {
                                try await Task.sleep(for: heartbeat)
                                try await writer.write([0x0A])
                            }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
                withExtendedLifetime(slot) {}
            })
    }

    /// The filter, limit and follow flag of an events query; without `follow` the range ends at
    /// `head`. An empty range (nothing to send) is `limit` 0.
    static func eventQuery(_ query: QueryParameters, head: UInt64) -> Result<(EventFilter, Int?, Bool), JSONBody.Problem> {
        var filter = EventFilter()
        if let types = query["type"] { filter.types = Set(types.split(separator: ",").map(String.init)) }
        for (name, bound) in [("since", \EventFilter.since), ("until", \EventFilter.until)] {
            guard let text = query[name] else { continue }
            guard let time = Timestamp.parse(text) else {
                return .failure(JSONBody.Problem(message: "\(name) must be an ISO 8601 time such as 2026-11-27T10:15:03Z, got \(Echoed(text))"))
            }
            filter[keyPath: bound] = time
        }
        var seqs: [String: UInt64] = [:]
        for name in ["fromSeq", "toSeq", "limit"] {
            guard let text = query[name] else { continue }
            guard let number = UInt64(text) else {
                return .failure(JSONBody.Problem(message: "\(name) must be a whole number of 0 or more, got \(Echoed(text))"))
            }
            seqs[name] = number
        }
        filter.fromSeq = max(seqs["fromSeq"] ?? 1, 1)
        filter.toSeq = seqs["toSeq"]
        filter.requestId = query["requestId"]
        let follows: Bool
        switch query["follow"] {
        case nil, "0", "false": follows = false
        case "1", "true": follows = true
        case let other?: return .failure(JSONBody.Problem(message: "follow must be 1 or 0, got \(Echoed(other))"))
        }
        if let since = filter.since, let until = filter.until, until < since {
            return .failure(JSONBody.Problem(message: "until is before since; swap them"))
        }
        var limit = seqs["limit"].map { Int(clamping: $0) }
        if !follows { filter.toSeq = min(filter.toSeq ?? head, head) }
        if let toSeq = filter.toSeq, toSeq < filter.fromSeq { limit = 0 }
        return .success((filter, limit, follows))
    }
}
