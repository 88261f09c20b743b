import Foundation
import HTTP
import JSON
import MobiusCore

extension MobiusAPI {
    /// `POST /api/dhash/extract`: `{"imagePath"}` inside the image roots, or a raw image body
    /// (`image/png`, `image/x-portable-anymap`, `application/octet-stream`). 200 with the result;
    /// 400 bad JSON or no imagePath, 403 outside the roots, 404 missing, 413 too large,
    /// 415 another content type, 422 undecodable, 503 the journal cannot be written.
    func extract(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        let contentType = (request.fields["content-type"] ?? "").split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
        let outcome: ExtractionOutcome
        do {
            switch contentType {
            case "application/json":
                let imagePath: String
                switch Self.imagePath(in: request.body) {
                case .success(let path): imagePath = path
                case .failure(let failure): return APIResponse.error(.badRequest, failure.message, requestId: requestId)
                }
                switch imageRoots.resolve(imagePath) {
                case .outside:
                    return APIResponse.error(.forbidden, "imagePath \(imagePath.prefix(200)) is outside the image roots", requestId: requestId)
                case .missing:
                    return APIResponse.error(.notFound, "no image at \(imagePath.prefix(200))", requestId: requestId)
                case .inside(let real):
                    outcome = try await engine.extract(path: real, source: imagePath, requestId: requestId)
                }
            case "image/png", "image/x-portable-anymap", "application/octet-stream":
                if request.body.count > engine.configuration.maxImageBytes {
                    return APIResponse.error(.contentTooLarge, "the image is over \(engine.configuration.maxImageBytes) bytes", requestId: requestId)
                }
                outcome = try await engine.extract(bytes: request.body, source: nil, requestId: requestId)
            default:
                return APIResponse.error(HTTPStatus(code: 415), "send {\"imagePath\"} as application/json, or the image as image/png, image/x-portable-anymap or application/octet-stream", requestId: requestId)
            }
        } catch {
            return APIResponse.error(.serviceUnavailable, "the extraction could not be recorded: \(error.message)", requestId: requestId)
        }
        let status: HTTPStatus
        switch outcome.result {
        case .success: status = .ok
        case .failure(let failure):
            switch failure.kind {
            case .missing: status = .notFound
            case .tooLarge: status = .contentTooLarge
            case .undecodable: status = .unprocessableContent
            case .unreadable: status = .forbidden
            }
        }
        return APIResponse.json(status, requestId: requestId) { outcome.writeObject(to: &$0) }
    }

    struct BadBody: Error { var message: String }

    /// The `imagePath` string of a JSON object body.
    static func imagePath(in body: [UInt8]) -> Result<String, BadBody> {
        var path: String?
        var problem: String?
        do {
            try JSONReader.withReader(over: body) { (reader) throws(JSONError) in
                var object = try reader.beginObject()
                while let key = try reader.nextKey(in: &object) {
                    if key == "imagePath", path == nil {
                        if try reader.readNullIfPresent() { continue }
                        do {
                            path = try reader.readString()
                        } catch {
                            problem = "imagePath must be a string"
                            return
                        }
                    } else {
                        try reader.skipValue()
                    }
                }
            }
        } catch {
            if problem == nil { return .failure(BadBody(message: "the body is not a JSON object: \(error)")) }
        }
        if let problem { return .failure(BadBody(message: problem)) }
        guard let path, !path.isEmpty else { return .failure(BadBody(message: "imagePath is required")) }
        return .success(path)
    }
}
