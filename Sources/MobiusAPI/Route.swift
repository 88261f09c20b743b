import Foundation
import HTTP

/// One route of the API: a path pattern (`{id}` matches one non-empty segment), the methods it
/// takes, and whether it needs the admin token.
struct Route: Sendable {
    /// The route's name, for dispatch and `GET /`.
    enum Name: String, Sendable {
        case index, health, metrics, contractMetrics, extract, batch
        case library, libraryImage, reviewQueue, resolve, schema, releases, snapshots, events
        case adminSnapshot, adminRollback, adminAppend, adminLibraryAdd, adminLibraryRemove, adminMigrate
    }

    let name: Name
    let pattern: String
    let methods: [HTTPMethod]
    let needsToken: Bool
    /// A projection GET answers `?seq=` and `?at=`.
    let takesPointInTime: Bool

    init(_ name: Name, _ pattern: String, _ methods: [HTTPMethod] = [.get], needsToken: Bool = false, takesPointInTime: Bool = false) {
        self.name = name
        self.pattern = pattern
        self.methods = methods
        self.needsToken = needsToken
        self.takesPointInTime = takesPointInTime
    }

    /// Every route, in the order `GET /` lists them.
    static let all: [Route] = [
        Route(.index, "/"),
        Route(.health, "/health", takesPointInTime: true),
        Route(.contractMetrics, "/metrics/dhash", takesPointInTime: true),
        Route(.metrics, "/metrics"),
        Route(.extract, "/api/dhash/extract", [.post]),
        Route(.batch, "/api/dhash/batch", [.post]),
        Route(.library, "/api/library", takesPointInTime: true),
        Route(.libraryImage, "/api/library/{id}", takesPointInTime: true),
        Route(.reviewQueue, "/api/lcm", takesPointInTime: true),
        Route(.resolve, "/api/lcm/{id}/resolve", [.post], needsToken: true),
        Route(.schema, "/api/schema", takesPointInTime: true),
        Route(.releases, "/api/releases", takesPointInTime: true),
        Route(.snapshots, "/api/snapshots"),
        Route(.events, "/api/events"),
        Route(.adminSnapshot, "/api/admin/snapshot", [.post], needsToken: true),
        Route(.adminRollback, "/api/admin/rollback", [.post], needsToken: true),
        Route(.adminAppend, "/api/admin/append", [.post], needsToken: true),
        Route(.adminLibraryAdd, "/api/admin/library", [.post], needsToken: true),
        Route(.adminLibraryRemove, "/api/admin/library/{id}/remove", [.post], needsToken: true),
        Route(.adminMigrate, "/api/admin/migrate", [.post], needsToken: true),
    ]

    /// The route whose pattern `path` matches, and the `{id}` segment (percent-decoded) when it has one.
    static func match(_ path: Substring) -> (route: Route, id: String?)? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for route in all {
            let parts = route.pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard parts.count == segments.count else { continue }
            var id: String?
            var matches = true
            for (part, segment) in zip(parts, segments) {
                if part == "{id}" {
                    guard !segment.isEmpty, let decoded = String(segment).removingPercentEncoding, !decoded.isEmpty else { matches = false; break }
                    id = decoded
                } else if part != segment {
                    matches = false
                    break
                }
            }
            if matches { return (route, id) }
        }
        return nil
    }
}
