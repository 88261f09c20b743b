import HTTP
import JSON
import Journal
import MobiusCore
import POSIX

/// The service's HTTP routes over an engine: the MOBIUS contract (`/health`, `/metrics/dhash`,
/// `/api/dhash/extract`), the projection queries (each answerable at a past point with `?seq=N`
/// or `?at=ISO-8601`), the event stream, Prometheus metrics, and the admin routes behind a
/// bearer token. `Route.all` is the table; `GET /` lists it.
public struct MobiusAPI: Sendable {
    /// The engine the routes read and write through.
    public let engine: Engine
    /// Where `{"imagePath"}` may point.
    public let imageRoots: ImageRoots
    /// The version `/`, `/health` and `/metrics` report.
    public let version: String
    /// The token admin routes require; nil turns them off (401 with a message saying so).
    public let adminToken: AdminToken?
    /// What this process measured, for `GET /metrics`.
    public let telemetry: ServiceTelemetry
    /// Where request records go (failures always; every request when `logsEveryRequest`).
    public let logger: Logger?
    /// Whether every request is logged, not only those answered 5xx.
    public let logsEveryRequest: Bool
    /// How often `GET /api/events?follow=1` writes a blank line while no event comes, so a
    /// client that went away is noticed and its reader stopped.
    public var followHeartbeat: Duration = .seconds(15)
    /// Most paths one `POST /api/dhash/batch` takes.
    public var batchLimit = 1_000
    /// Most `GET /api/events` streams served at once (each holds a reader thread); beyond it, 503.
    public var eventStreamLimit = 64
    /// The event streams open now, shared by every copy of this value.
    let eventStreams = Slots()
    /// Where `?seq=`/`?at=` replays run: a thread of their own, never the server's workers. A
    /// replay reads the journal from a snapshot on (seconds, on a long journal), and anyone may
    /// ask for one: on the workers, two at once held up every other request, `/health`
    /// included, until a monitor counted failed checks and rolled back.
    public var replayPool: WorkerPool = MobiusAPI.sharedReplayPool
    /// The process's replay thread.
    public static let sharedReplayPool = WorkerPool(threadCount: 1, name: "point-in-time")
    /// Most replays under way or waiting for the replay thread; beyond, 503.
    public var replayLimit = 4
    /// The replays under way or waiting now, shared by every copy of this value.
    let replays = Slots()

    /// Routes over `engine`.
    public init(engine: Engine, imageRoots: ImageRoots, version: String, adminToken: AdminToken? = nil,
                telemetry: ServiceTelemetry = ServiceTelemetry(), logger: Logger? = nil, logsEveryRequest: Bool = false) {
        self.engine = engine
        self.imageRoots = imageRoots
        self.version = version
        self.adminToken = adminToken
        self.telemetry = telemetry
        self.logger = logger
        self.logsEveryRequest = logsEveryRequest
    }

    /// A server configuration listening on `host`:`port` whose own refusals (a malformed
    /// request, a limit, a timeout, the connection cap) are JSON errors like the routes' own.
    public static func serverConfiguration(host: String, port: UInt16) -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration(host: host, port: port)
        configuration.refusalFormat = APIResponse.refusalFormat
        return configuration
    }

    /// Answers one request, counts it and logs it. Never throws: every failure is a status and
    /// `{"error","requestId"}`.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let start = ContinuousClock.now
        let requestId = RequestId.of(request)
        let matched = Route.match(request.path)
        let response = await answer(request, matched, requestId: requestId)
        let seconds = (ContinuousClock.now - start).seconds
        let routeLabel = matched?.route.pattern ?? "unmatched"
        let methodLabel = Self.methodLabels.contains(request.method.rawValue) ? request.method.rawValue : "other"
        telemetry.countRequest(route: routeLabel, method: methodLabel, status: response.status.code, seconds: seconds)
        if let logger, logsEveryRequest || response.status.code >= 500 {
            logger.log(response.status.code >= 500 ? .error : .info, "\(methodLabel) \(routeLabel) \(response.status.code)",
                       category: "http", requestId: requestId,
                       metadata: [("path", .string(String(request.path.prefix(512)))), ("status", .integer(Int64(response.status.code))),
                                  ("durationMs", .double(seconds * 1000)), ("bodyBytes", .integer(Int64(request.body.count)))])
        }
        return response
    }

    /// The methods counted under their own name in `mobius_http_requests_total`; any other
    /// token is counted as `other`, so a client inventing methods cannot add series (and
    /// memory, and /metrics bytes) without bound, as the route label is the pattern, not the path.
    static let methodLabels: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"]

    private func answer(_ request: HTTPRequest, _ matched: (route: Route, id: String?)?, requestId: String) async -> HTTPResponse {
        let path = request.path
        guard let (route, id) = matched else {
            return APIResponse.error(.notFound, "no route \(Echoed(String(path))); GET / lists them", requestId: requestId)
        }
        let method: HTTPMethod = request.method == .head ? .get : request.method
        guard route.methods.contains(method) else {
            // HEAD is answered wherever GET is, so Allow names it too (RFC 9110 §10.2.1).
            let allowed = route.methods.flatMap { $0 == .get ? [HTTPMethod.get, .head] : [$0] }.map(\.rawValue).joined(separator: ", ")
            var response = APIResponse.error(.methodNotAllowed, "\(route.pattern) takes \(allowed)", requestId: requestId)
            response.fields.set("Allow", to: allowed)
            return response
        }
        if route.needsToken, let refusal = refusal(request, requestId: requestId) { return refusal }
        let query = QueryParameters(request.query)
        if route.takesPointInTime { return await answerProjection(route.name, id: id, query: query, requestId: requestId) }
        switch route.name {
        case .index: return index(requestId: requestId)
        case .metrics: return prometheus(requestId: requestId)
        case .extract: return await extract(request, requestId: requestId)
        case .batch: return await batch(request, requestId: requestId)
        case .snapshots: return snapshots(requestId: requestId)
        case .events: return events(query, requestId: requestId)
        case .resolve: return await resolve(itemId: id ?? "", request, requestId: requestId)
        case .adminSnapshot: return await createSnapshot(requestId: requestId)
        case .adminRollback: return await rollback(request, requestId: requestId)
        case .adminAppend: return await append(request, requestId: requestId)
        case .adminLibraryAdd: return await addImage(request, query: query, requestId: requestId)
        case .adminLibraryRemove: return await removeImage(id: id ?? "", request, requestId: requestId)
        case .adminMigrate: return await migrate(request, requestId: requestId)
        default: return APIResponse.error(.internalServerError, "route \(route.pattern) has no handler", requestId: requestId)
        }
    }

    /// 401 unless the request carries the admin token.
    private func refusal(_ request: HTTPRequest, requestId: String) -> HTTPResponse? {
        let message: String
        if let adminToken {
            if adminToken.accepts(request.fields["authorization"]) { return nil }
            message = request.fields["authorization"] == nil
                ? "this route needs Authorization: Bearer <admin token> (MOBIUS_ADMIN_TOKEN, or the token file)"
                : "the admin token is wrong"
        } else {
            message = "admin routes are off: this server was started without an admin token"
        }
        var response = APIResponse.error(.unauthorized, message, requestId: requestId)
        response.fields.set("WWW-Authenticate", to: #"Bearer realm="mobius-dhash""#)
        return response
    }

    private func index(requestId: String) -> HTTPResponse {
        APIResponse.json(requestId: requestId) { json in
            json.writeObject { json in
                json.write("dhash", forKey: "service")
                json.write(version, forKey: "version")
                json.writeKey("routes")
                json.writeArray { json in
                    for route in Route.all {
                        json.writeObject { json in
                            json.write(route.pattern, forKey: "path")
                            json.writeKey("methods")
                            json.writeArray { json in for method in route.methods { json.write(method.rawValue) } }
                            if route.needsToken { json.write(true, forKey: "admin") }
                            if route.takesPointInTime { json.write(true, forKey: "pointInTime") }
                        }
                    }
                }
            }
        }
    }
}
