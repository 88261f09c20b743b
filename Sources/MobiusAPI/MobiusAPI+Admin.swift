import HTTP
import JSON
import Journal
import MobiusCore

/// The state-changing routes, each behind the admin token (checked before they run).
extension MobiusAPI {
    /// `POST /api/admin/snapshot`: writes a snapshot now; 200 `{"id","seq","bytes","sha256"}`.
    func createSnapshot(requestId: String) async -> HTTPResponse {
        do {
            let written = try await engine.createSnapshot(requestId: requestId)
            return APIResponse.json(requestId: requestId) { json in
                json.writeObject { json in
                    json.write(written.header.id, forKey: "id")
                    json.write(written.header.seq, forKey: "seq")
                    json.write(written.fileBytes, forKey: "bytes")
                    json.write(written.fileSha256.hex, forKey: "sha256")
                }
            }
        } catch {
            return failure(error, requestId: requestId)
        }
    }

    /// `POST /api/admin/rollback {"toSnapshot"|"toSeq", "force", "dryRun", "reason", "trigger"}`: 200 with
    /// the plan (`current` and `target` figures) and, unless a dry run, the outcome; 409 when
    /// refused (health OK without force, or the target does not verify). `trigger` names the
    /// rollback trigger that fired, for an automatic rollback (`monitor --auto-rollback`).
    func rollback(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        let target: RollbackTarget, force: Bool, dryRun: Bool, reason: String, trigger: String?
        do throws(JSONBody.Problem) {
            let body = try JSONBody(request.body, allowed: ["toSnapshot", "toSeq", "force", "dryRun", "reason", "trigger"])
            switch (try body.string("toSnapshot"), try body.integer("toSeq")) {
            case (let id?, nil): target = .snapshot(id)
            case (nil, let seq?): target = .seq(seq)
            case (.some, .some): throw JSONBody.Problem(message: "give toSnapshot or toSeq, not both")
            case (nil, nil): throw JSONBody.Problem(message: "give the rollback point: {\"toSnapshot\":\"ID\"} or {\"toSeq\":N}")
            }
            (force, dryRun) = (try body.flag("force"), try body.flag("dryRun"))
            reason = try body.string("reason") ?? "operator rollback (HTTP)"
            trigger = try body.string("trigger")
        } catch {
            return APIResponse.error(.badRequest, error.message, requestId: requestId)
        }
        do {
            let plan = try engine.planRollback(to: target, force: force)
            if dryRun || plan.refusal != nil {
                return APIResponse.json(plan.refusal == nil ? .ok : HTTPStatus(code: 409), requestId: requestId) { json in
                    json.writeObject { json in
                        Self.write(plan, to: &json)
                        json.write(true, forKey: "dryRun")
                        json.write(plan.refusal, forKey: "refusal")
                        if let refusal = plan.refusal { json.write(refusal, forKey: "error") }
                        json.write(requestId, forKey: "requestId")
                    }
                }
            }
            let outcome = try await engine.rollback(to: target, reason: reason, trigger: trigger, force: force, requestId: requestId)
            return APIResponse.json(requestId: requestId) { json in
                json.writeObject { json in
                    Self.write(outcome.plan, to: &json)
                    json.write(false, forKey: "dryRun")
                    json.write(outcome.seq, forKey: "seq")
                    json.write(outcome.snapshotId, forKey: "snapshotId")
                    json.write(outcome.emergencySnapshotId, forKey: "emergencySnapshotId")
                    json.write(requestId, forKey: "requestId")
                }
            }
        } catch {
            return failure(error, requestId: requestId)
        }
    }

    private static func write(_ plan: RollbackPlan, to json: inout JSONWriter) {
        json.write(plan.toSeq, forKey: "toSeq")
        json.write(plan.snapshot?.header.id, forKey: "targetSnapshot")
        for (key, summary) in [("current", plan.current), ("target", plan.target)] {
            json.writeKey(key)
            json.writeObject { json in
                json.write(summary.libraryImages, forKey: "libraryImages")
                json.write(summary.schemaVersion, forKey: "schemaVersion")
                json.write(summary.openReviewItems, forKey: "openReviewItems")
                json.writeKey("activeReleases")
                json.writeObject { json in for (environment, id) in summary.activeReleases.sorted(by: { $0.key < $1.key }) { json.write(id, forKey: environment) } }
            }
        }
    }

    /// `POST /api/admin/append`: events as JSON Lines (`{"type","data","requestId"?,"v"?}` per
    /// line, as `append --stdin` reads them), appended as one frame — all or none: any bad line
    /// is a 400 naming it and nothing is appended. 200 `{"firstSeq","lastSeq","count"}`.
    func append(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        // HTTP framing says where the body ends, so a last line without its newline is whole.
        let body = request.body.last == 0x0A ? request.body : request.body + [0x0A]
        var parser = EventLineParser()
        var problem: String?
        let drafts = parser.parse(body) { line, message in if problem == nil { problem = "line \(line): \(message)" } }
        if let problem { return APIResponse.error(.badRequest, "\(problem); nothing was appended", requestId: requestId) }
        guard !drafts.isEmpty else { return APIResponse.error(.badRequest, "the body holds no events: send one JSON object per line", requestId: requestId) }
        // Events without a request id of their own carry this request's, so ?requestId= finds them.
        let drafted = drafts.map { draft in
            draft.requestId != nil ? draft : (try? EventDraft(type: draft.type, version: draft.version, requestId: requestId, data: draft.data)) ?? draft
        }
        do {
            let receipt = try await engine.append(drafts: drafted)
            return APIResponse.json(requestId: requestId) { json in
                json.writeObject { json in
                    json.write(receipt.seqs.lowerBound, forKey: "firstSeq")
                    json.write(receipt.seqs.upperBound, forKey: "lastSeq")
                    json.write(receipt.seqs.count, forKey: "count")
                    json.write(requestId, forKey: "requestId")
                }
            }
        } catch {
            return failure(error, requestId: requestId)
        }
    }

    /// `POST /api/admin/library {"imagePath","id"?,"source"?}` (a path inside the image roots),
    /// or a raw image body with `?id=&source=`: 201 with the image.
    func addImage(_ request: HTTPRequest, query: QueryParameters, requestId: String) async -> HTTPResponse {
        do {
            let image: LibraryImage
            if Self.mediaType(of: request) == "application/json" {
                let path: String, id: String?, source: String?
                do throws(JSONBody.Problem) {
                    let body = try JSONBody(request.body, allowed: ["imagePath", "id", "source"])
                    guard let given = try body.string("imagePath") else { throw JSONBody.Problem(message: "imagePath is required") }
                    (path, id, source) = (given, try body.string("id"), try body.string("source"))
                } catch {
                    return APIResponse.error(.badRequest, error.message, requestId: requestId)
                }
                switch imageRoots.resolve(path) {
                case .outside: return APIResponse.error(.forbidden, "imagePath \(Echoed(path)) is outside the image roots", requestId: requestId)
                case .missing: return APIResponse.error(.notFound, "no image at \(Echoed(path))", requestId: requestId)
                case .inside(let real): image = try await engine.addImage(path: real, id: id, source: source ?? path, requestId: requestId)
                }
            } else {
                guard let source = query["source"] else {
                    return APIResponse.error(.badRequest, "a raw image needs ?source=NAME (where it came from)", requestId: requestId)
                }
                image = try await engine.addImage(bytes: request.body, id: query["id"], source: source, requestId: requestId)
            }
            return APIResponse.json(HTTPStatus(code: 201), requestId: requestId) { image.writeObject(to: &$0) }
        } catch {
            return failure(error, requestId: requestId)
        }
    }

    /// `POST /api/admin/library/{id}/remove {"reason"?}`: 200 `{"removed","seq"}`.
    func removeImage(id: String, _ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        do {
            let reason: String?
            do throws(JSONBody.Problem) {
                reason = try JSONBody(request.body, allowed: ["reason"]).string("reason")
            } catch {
                return APIResponse.error(.badRequest, error.message, requestId: requestId)
            }
            try await engine.removeImage(id: id, reason: reason, requestId: requestId)
            return APIResponse.json(requestId: requestId) { json in
                json.writeObject { json in
                    json.write(id, forKey: "removed")
                    json.write(engine.head.seq, forKey: "seq")
                }
            }
        } catch {
            return failure(error, requestId: requestId)
        }
    }

    /// `POST /api/lcm/{id}/resolve {"decision":"accept"|"reject"|"add-to-library","imageId"?,"note"?}`:
    /// 200 with the resolved item; 404 no such item, 409 already resolved.
    func resolve(itemId: String, _ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        let decision: ReviewDecision, imageId: String?, note: String?
        do throws(JSONBody.Problem) {
            let body = try JSONBody(request.body, allowed: ["decision", "imageId", "note"])
            let names = ReviewDecision.allCases.map(\.rawValue).joined(separator: ", ")
            guard let text = try body.string("decision") else { throw JSONBody.Problem(message: "decision is required: one of \(names)") }
            guard let parsed = ReviewDecision(rawValue: text) else { throw JSONBody.Problem(message: "decision must be one of \(names), got \(Echoed(text))") }
            (decision, imageId, note) = (parsed, try body.string("imageId"), try body.string("note"))
        } catch {
            return APIResponse.error(.badRequest, error.message, requestId: requestId)
        }
        do {
            let item = try await engine.resolve(itemId: itemId, decision: decision, imageId: imageId, note: note, requestId: requestId)
            return APIResponse.json(requestId: requestId) { item.writeObject(to: &$0) }
        } catch {
            return failure(error, requestId: requestId)
        }
    }

    /// An engine error as its status: 400 bad request, 404 not found, 409 conflict or refusal,
    /// 413 an image over the size limit, 422 integrity or an undecodable image (as extraction
    /// answers), 503 journal or engine unavailable, 500 snapshot I/O.
    func failure(_ error: EngineError, requestId: String) -> HTTPResponse {
        let status: HTTPStatus
        switch error.code {
        case .invalidRequest: status = .badRequest
        case .notFound: status = .notFound
        case .conflict, .refused: status = HTTPStatus(code: 409)
        case .integrity, .undecodable: status = .unprocessableContent
        case .tooLarge: status = .contentTooLarge
        case .journal, .closed: status = .serviceUnavailable
        case .snapshot: status = .internalServerError
        }
        return APIResponse.error(status, error.message, requestId: requestId)
    }
}
