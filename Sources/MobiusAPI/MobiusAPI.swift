import Foundation
import HTTP
import Integrity
import JSON
import Journal
import MobiusCore

/// The service's HTTP routes over an engine: the MOBIUS contract (`/health`, `/metrics/dhash`,
/// `/api/dhash/extract`) and the projection queries, each answerable at a past point with
/// `?seq=N` or `?at=ISO-8601`.
public struct MobiusAPI: Sendable {
    /// The engine the routes read and write through.
    public let engine: Engine
    /// Where `{"imagePath"}` may point.
    public let imageRoots: ImageRoots
    /// The version `/`, `/health` report.
    public let version: String

    /// Routes over `engine`.
    public init(engine: Engine, imageRoots: ImageRoots, version: String) {
        self.engine = engine
        self.imageRoots = imageRoots
        self.version = version
    }

    /// The routes and the methods each takes, for `GET /` and 405's `Allow`.
    static let routes: [(path: String, methods: [HTTPMethod])] = [
        ("/", [.get]), ("/health", [.get]), ("/metrics/dhash", [.get]), ("/api/dhash/extract", [.post]),
        ("/api/library", [.get]), ("/api/library/{id}", [.get]), ("/api/lcm", [.get]),
    ]

    /// Answers one request. Never throws: every failure is a status and `{"error","requestId"}`.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let requestId = RequestId.of(request)
        let method: HTTPMethod = request.method == .head ? .get : request.method
        let path = String(request.path)
        let query = QueryParameters(request.query)
        let route = Self.route(for: path)
        guard let route else { return APIResponse.error(.notFound, "no route \(path); GET / lists them", requestId: requestId) }
        guard route.methods.contains(method) else {
            var response = APIResponse.error(.methodNotAllowed, "\(path) takes \(route.methods.map(\.rawValue).joined(separator: ", "))", requestId: requestId)
            response.fields.set("Allow", to: route.methods.map(\.rawValue).joined(separator: ", "))
            return response
        }
        if route.path == "/api/dhash/extract" { return await extract(request, requestId: requestId) }
        if route.path == "/" { return index(requestId: requestId) }
        let point: PointInTime
        switch PointInTime.parse(query) {
        case .success(let parsed): point = parsed
        case .failure(let failure): return APIResponse.error(.badRequest, failure.message, requestId: requestId)
        }
        let view: StateView
        do {
            view = try StateView(engine: engine, point: point)
        } catch {
            return APIResponse.error(error.code == .invalidRequest ? .badRequest : .internalServerError, error.message, requestId: requestId)
        }
        switch route.path {
        case "/health": return health(view, requestId: requestId)
        case "/metrics/dhash": return metrics(view, requestId: requestId)
        case "/api/library": return library(view, requestId: requestId)
        case "/api/library/{id}": return image(id: String(path.dropFirst("/api/library/".count)), view, requestId: requestId)
        default: return reviewQueue(view, includesResolved: query["status"] == "all", requestId: requestId)
        }
    }

    static func route(for path: String) -> (path: String, methods: [HTTPMethod])? {
        if let exact = routes.first(where: { $0.path == path }) { return exact }
        if path.hasPrefix("/api/library/"), path.count > "/api/library/".count, !path.dropFirst("/api/library/".count).contains("/") {
            return routes.first { $0.path == "/api/library/{id}" }
        }
        return nil
    }

    private func index(requestId: String) -> HTTPResponse {
        APIResponse.json(requestId: requestId) { json in
            json.writeObject { json in
                json.write("dhash", forKey: "service")
                json.write(version, forKey: "version")
                json.writeKey("routes")
                json.writeArray { json in
                    for route in Self.routes {
                        json.writeObject { json in
                            json.write(route.path, forKey: "path")
                            json.writeKey("methods")
                            json.writeArray { json in for method in route.methods { json.write(method.rawValue) } }
                        }
                    }
                }
            }
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
                json.writeArray { json in
                    for trigger in status.firing {
                        json.writeObject { json in
                            json.write(trigger.name, forKey: "name")
                            json.write(trigger.level.rawValue, forKey: "level")
                            json.write(trigger.value, forKey: "value")
                            json.write(trigger.limit, forKey: "limit")
                        }
                    }
                }
                json.writeKey("journal")
                json.writeObject { json in
                    json.write(view.seq, forKey: "headSeq")
                    json.write(view.chain, forKey: "chain")
                }
                json.write(view.seq, forKey: "seq")
            }
        }
    }

    private func metrics(_ view: StateView, requestId: String) -> HTTPResponse {
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

    private func library(_ view: StateView, requestId: String) -> HTTPResponse {
        APIResponse.json(requestId: requestId) { json in
            json.writeObject { json in
                json.write(view.seq, forKey: "seq")
                json.write(view.projections.library.count, forKey: "count")
                json.writeKey("images")
                json.writeArray { json in for image in view.projections.library.imagesInOrder { image.writeObject(to: &json) } }
            }
        }
    }

    private func image(id: String, _ view: StateView, requestId: String) -> HTTPResponse {
        let decoded = id.removingPercentEncoding ?? id
        guard let image = view.projections.library.images[decoded] else {
            return APIResponse.error(.notFound, "the library has no image \(decoded) at seq \(view.seq)", requestId: requestId)
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
}
