import Foundation
import HTTP
import JSON
import MobiusCore

extension MobiusAPI {
    /// `POST /api/dhash/extract`: `{"imagePath"}` inside the image roots, or a raw image body
    /// (`image/png`, `image/x-portable-anymap`, `application/octet-stream`; `?source=NAME` says
    /// where it came from, as the CLI does when it sends through a server). 200 with the result;
    /// 400 bad JSON or no imagePath, 403 outside the roots, 404 missing, 413 too large,
    /// 415 another content type, 422 undecodable, 503 the journal cannot be written.
    func extract(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        let contentType = Self.mediaType(of: request)
        switch contentType {
        case "application/json":
            let imagePath: String
            do throws(JSONBody.Problem) {
                guard let path = try JSONBody(request.body, allowed: ["imagePath"], skipsUnknown: true).string("imagePath"), !path.isEmpty else {
                    throw JSONBody.Problem(message: "imagePath is required")
                }
                imagePath = path
            } catch {
                return APIResponse.error(.badRequest, error.message, requestId: requestId)
            }
            let (status, write) = await extract(imagePath: imagePath, requestId: requestId)
            return APIResponse.json(status, requestId: requestId, write)
        case "image/png", "image/x-portable-anymap", "application/octet-stream":
            if request.body.count > engine.configuration.maxImageBytes {
                return APIResponse.error(.contentTooLarge, "the image is over \(engine.configuration.maxImageBytes) bytes", requestId: requestId)
            }
            let (status, write) = await recorded(requestId: requestId) { () throws(EngineError) in
                try await engine.extract(bytes: request.body, source: QueryParameters(request.query)["source"], requestId: requestId)
            }
            return APIResponse.json(status, requestId: requestId, write)
        default:
            return APIResponse.error(HTTPStatus(code: 415), "send {\"imagePath\"} as application/json, or the image as image/png, image/x-portable-anymap or application/octet-stream", requestId: requestId)
        }
    }

    /// `POST /api/dhash/batch {"imagePaths":[…]}`: 200 with `{"results":[…]}`, one per path in
    /// order — the extraction result, or `{"imagePath","status","error"}` with the status a
    /// single extract would have answered. Up to `batchLimit` paths, four extracted at a time
    /// (their appends share group commits).
    func batch(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        guard Self.mediaType(of: request) == "application/json" else {
            return APIResponse.error(HTTPStatus(code: 415), "send {\"imagePaths\":[…]} as application/json", requestId: requestId)
        }
        let paths: [String]
        do throws(JSONBody.Problem) {
            guard let given = try JSONBody(request.body, allowed: ["imagePaths"]).strings("imagePaths") else {
                throw JSONBody.Problem(message: "imagePaths is required: an array of paths")
            }
            guard given.count <= batchLimit else { throw JSONBody.Problem(message: "imagePaths holds \(given.count) paths; send at most \(batchLimit) per request") }
            paths = given
        } catch {
            return APIResponse.error(.badRequest, error.message, requestId: requestId)
        }
        var results = [(HTTPStatus, @Sendable (inout JSONWriter) -> Void)?](repeating: nil, count: paths.count)
        await withTaskGroup(of: (Int, HTTPStatus, @Sendable (inout JSONWriter) -> Void).self) { group in
            var next = 0
            func startNext() {
                guard next < paths.count else { return }
                let (index, path) = (next, paths[next])
                next += 1
                group.addTask {
                    let (status, write) = await extract(imagePath: path, requestId: requestId)
                    return (index, status, write)
                }
            }
            for _ in 0..<4 { startNext() }
            while let (index, status, write) = await group.next() {
                results[index] = (status, write)
                startNext()
            }
        }
        return APIResponse.json(requestId: requestId) { json in
            json.writeObject { json in
                json.writeKey("results")
                json.writeArray { json in for result in results { result?.1(&json) } }
            }
        }
    }

    /// One path's extraction: its status and how to write its result (or error) object.
    private func extract(imagePath: String, requestId: String) async -> (HTTPStatus, @Sendable (inout JSONWriter) -> Void) {
        func refused(_ status: HTTPStatus, _ message: String) -> (HTTPStatus, @Sendable (inout JSONWriter) -> Void) {
            (status, { json in
                json.writeObject { json in
                    json.write(message, forKey: "error")
                    json.write(imagePath, forKey: "imagePath")
                    json.write(status.code, forKey: "status")
                    json.write(requestId, forKey: "requestId")
                }
            })
        }
        switch imageRoots.resolve(imagePath) {
        case .outside: return refused(.forbidden, "imagePath \(Echoed(imagePath)) is outside the image roots")
        case .missing: return refused(.notFound, "no image at \(Echoed(imagePath))")
        case .inside(let real):
            return await recorded(requestId: requestId) { () throws(EngineError) in
                try await engine.extract(path: real, source: imagePath, requestId: requestId)
            }
        }
    }

    /// Runs an extraction; its status and result writer, or 503 when it could not be recorded.
    private func recorded(requestId: String, _ body: () async throws(EngineError) -> ExtractionOutcome) async -> (HTTPStatus, @Sendable (inout JSONWriter) -> Void) {
        let outcome: ExtractionOutcome
        do {
            outcome = try await body()
        } catch {
            let message = "the extraction could not be recorded: \(error.message)"
            return (.serviceUnavailable, { json in
                json.writeObject { json in
                    json.write(message, forKey: "error")
                    json.write(requestId, forKey: "requestId")
                }
            })
        }
        let status: HTTPStatus
        switch outcome.result {
        case .success(let completed):
            status = .ok
            if let milliseconds = completed.durationMs { telemetry.observeHash(seconds: milliseconds / 1000) }
        case .failure(let failure):
            switch failure.kind {
            case .missing: status = .notFound
            case .tooLarge: status = .contentTooLarge
            case .undecodable: status = .unprocessableContent
            case .unreadable: status = .forbidden
            }
        }
        return (status, { outcome.writeObject(to: &$0) })
    }

    /// The request's media type, lower-cased, without parameters.
    static func mediaType(of request: HTTPRequest) -> String {
        (request.fields["content-type"] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }
}
