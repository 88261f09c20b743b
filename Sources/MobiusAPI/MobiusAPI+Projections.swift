import HTTP
import JSON
import Journal
import MobiusCore

extension MobiusAPI {
    /// A projection GET: the live state, or a replay at `?seq=` / `?at=` (on `replayPool`, at
    /// most `replayLimit` under way or waiting, else 503); every answer names the seq it reflects.
    func answerProjection(_ name: Route.Name, id: String?, query: QueryParameters, requestId: String) async -> HTTPResponse {
        let point: PointInTime
        switch PointInTime.parse(query) {
        case .success(let parsed): point = parsed
        case .failure(let failure): return APIResponse.error(.badRequest, failure.message, requestId: requestId)
        }
        if name == .reviewQueue, let status = query["status"], status != "open", status != "all" {
            return APIResponse.error(.badRequest, "status must be open (the default) or all, got \(Echoed(status))", requestId: requestId)
        }
        let built: Result<StateView, EngineError>
        if point == .now {
            built = Result { () throws(EngineError) in try StateView(engine: engine, point: point) }
        } else {
            guard let slot = replays.take(limit: replayLimit) else {
                var response = APIResponse.error(.serviceUnavailable, "\(replayLimit) point-in-time queries are under way or waiting, the most this server takes at once; try again later",
                                                 requestId: requestId)
                response.fields.set("Retry-After", to: "1")
                return response
            }
            let engine = engine
            built = await withTaskExecutorPreference(replayPool) {
                Result { () throws(EngineError) in try StateView(engine: engine, point: point) }
            }
            withExtendedLifetime(slot) {}
        }
        let view: StateView
        switch built {
        case .success(let state): view = state
        case .failure(let error):
            return APIResponse.error(error.code == .invalidRequest ? .badRequest : .internalServerError, error.message, requestId: requestId)
        }
        switch name {
        case .health: return health(view, requestId: requestId)
        case .contractMetrics: return contractMetrics(view, requestId: requestId)
        case .library: return library(view, query: query, requestId: requestId)
        case .libraryImage: return image(id: id ?? "", view, requestId: requestId)
        case .reviewQueue: return reviewQueue(view, includesResolved: query["status"] == "all", requestId: requestId)
        case .schema: return canonical("schema", view, requestId: requestId)
        default: return canonical("releases", view, requestId: requestId)
        }
    }

    private func health(_ view: StateView, requestId: String) -> HTTPResponse {
        let status = view.summary.health(view.projections.health, thresholds: engine.configuration.healthThresholds, journalWritable: view.journalWritable)
        return APIResponse.json(status.level == .critical ? .serviceUnavailable : .ok, requestId: requestId) { json in
            json.writeObject { json in
                json.write(status.level.rawValue, forKey: "status")
                json.write(Timestamp.iso8601(microseconds: view.time), forKey: "timestamp")
                json.write("dhash", forKey: "service")
                json.write(version, forKey: "version")
                if status.level != .ok { json.write(status.reasons.joined(separator: "; "), forKey: "reason") }
                json.writeKey("metrics")
                view.summary.writeContractObject(to: &json)
                json.writeKey("checks")
                json.writeObject { json in
                    json.write(view.journalWritable, forKey: "journalWritable")
                    json.write(view.projections.health.consecutiveFailedChecks, forKey: "consecutiveFailedChecks")
                    json.write(view.projections.library.count, forKey: "libraryImages")
                }
                json.writeKey("triggers")
                json.writeArray { json in for trigger in status.firing { trigger.writeObject(to: &json) } }
                json.writeKey("journal")
                json.writeObject { json in
                    json.write(view.seq, forKey: "headSeq")
                    json.write(view.chain, forKey: "chain")
                }
                json.write(view.seq, forKey: "seq")
            }
        }
    }

    private func contractMetrics(_ view: StateView, requestId: String) -> HTTPResponse {
        APIResponse.json(requestId: requestId) { json in
            json.writeObject { json in
                json.write(Timestamp.iso8601(microseconds: view.time), forKey: "timestamp")
                json.write("dhash", forKey: "service")
                json.writeKey("metrics")
                view.summary.writeContractObject(to: &json)
                json.write(view.seq, forKey: "seq")
            }
        }
    }

    /// Most images one page of `GET /api/library` lists.
    static let libraryPageLimit = 10_000

    /// `GET /api/library[?offset=N&limit=N]`: images in the order they were added, a page at a
    /// time (default and largest page: 1,000 and 10,000), with `count` (all of them) and `next`
    /// (the offset of the next page, or null).
    private func library(_ view: StateView, query: QueryParameters, requestId: String) -> HTTPResponse {
        let offset: Int, limit: Int
        switch (Self.count(query["offset"], name: "offset", default: 0, in: 0...Int.max),
                Self.count(query["limit"], name: "limit", default: 1_000, in: 1...Self.libraryPageLimit)) {
        case (.success(let o), .success(let l)): (offset, limit) = (o, l)
        case (.failure(let problem), _), (_, .failure(let problem)): return APIResponse.error(.badRequest, problem.message, requestId: requestId)
        }
        let images = view.projections.library.imagesInOrder
        let page = images.dropFirst(offset).prefix(limit)
        return APIResponse.json(requestId: requestId) { json in
            json.writeObject { json in
                json.write(view.seq, forKey: "seq")
                json.write(images.count, forKey: "count")
                json.write(offset, forKey: "offset")
                json.write(limit, forKey: "limit")
                json.write(offset + page.count < images.count ? offset + page.count : nil, forKey: "next")
                json.writeKey("images")
                json.writeArray { json in for image in page { image.writeObject(to: &json) } }
            }
        }
    }

    /// A whole-number query parameter, or its default when absent.
    static func count(_ text: String?, name: String, default value: Int, in range: ClosedRange<Int>) -> Result<Int, JSONBody.Problem> {
        guard let text else { return .success(value) }
        guard let number = Int(text), range.contains(number) else {
            return .failure(JSONBody.Problem(message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(Echoed(text))"))
        }
        return .success(number)
    }

    private func image(id: String, _ view: StateView, requestId: String) -> HTTPResponse {
        guard let image = view.projections.library.image(withId: id) else {
            return APIResponse.error(.notFound, "the library has no image \(Echoed(id)) at seq \(view.seq)", requestId: requestId)
        }
        return APIResponse.json(requestId: requestId) { json in image.writeObject(to: &json) }
    }

    private func reviewQueue(_ view: StateView, includesResolved: Bool, requestId: String) -> HTTPResponse {
        let queue = view.projections.reviewQueue
        let items = includesResolved ? (queue.resolved + queue.openItems).sorted { $0.seq < $1.seq } : queue.openItems
        return APIResponse.json(requestId: requestId) { json in
            json.writeObject { json in
                json.write(view.seq, forKey: "seq")
                json.write(queue.open.count, forKey: "open")
                json.writeKey("items")
                json.writeArray { json in for item in items { item.writeObject(to: &json) } }
            }
        }
    }

    /// `GET /api/schema`, `GET /api/releases`: `{"seq", "<name>": <the projection's canonical
    /// state, as replay --projection prints it>}`.
    private func canonical(_ name: String, _ view: StateView, requestId: String) -> HTTPResponse {
        guard let state = view.projections.encoded(projection: name) else {
            return APIResponse.error(.internalServerError, "projection \(name) could not be encoded", requestId: requestId)
        }
        return APIResponse.json(requestId: requestId) { json in
            json.writeObject { json in
                json.write(view.seq, forKey: "seq")
                json.writeKey(name)
                json.writeRaw(state)
            }
        }
    }

    /// `GET /api/snapshots`: every snapshot, newest first, each checked (not deeply).
    func snapshots(requestId: String) -> HTTPResponse {
        let verdicts: [SnapshotVerdict]
        do {
            verdicts = try engine.verifiedSnapshots(deep: false)
        } catch {
            return APIResponse.error(.internalServerError, error.message, requestId: requestId)
        }
        return APIResponse.json(requestId: requestId) { json in
            json.writeObject { json in
                json.write(engine.head.seq, forKey: "seq")
                json.writeKey("snapshots")
                json.writeArray { json in for verdict in verdicts { verdict.writeObject(to: &json) } }
            }
        }
    }
}
