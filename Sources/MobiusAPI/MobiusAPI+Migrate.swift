import HTTP
import JSON
import MobiusCore

extension MobiusAPI {
    /// `POST /api/admin/migrate {"direction":"up"|"down","to"?,"dryRun"?}`: `migrate up|down`
    /// through the server holding the journal. 200 `{"steps":[…],"failure":null}`; 409 when a
    /// migration failed (`failure` names it; the steps before it stay) or the run was refused
    /// (drift, an irreversible step), 404 no such migration.
    func migrate(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        let isUp: Bool, target: String?, dryRun: Bool
        do throws(JSONBody.Problem) {
            let body = try JSONBody(request.body, allowed: ["direction", "to", "dryRun"])
            switch try body.string("direction") ?? "up" {
            case "up": isUp = true
            case "down": isUp = false
            case let other: throw JSONBody.Problem(message: "direction must be up or down, got \(Echoed(other))")
            }
            (target, dryRun) = (try body.string("to"), try body.flag("dryRun"))
            if !isUp && target == nil { throw JSONBody.Problem(message: "a down migration needs \"to\": the last migration to keep (none reverts all)") }
        } catch {
            return APIResponse.error(.badRequest, error.message, requestId: requestId)
        }
        let run: MigrationRun
        do {
            run = isUp ? try await engine.migrateUp(.shipped, to: target, dryRun: dryRun, requestId: requestId)
                : try await engine.migrateDown(.shipped, to: target!, dryRun: dryRun, requestId: requestId)
        } catch {
            return failure(error, requestId: requestId)
        }
        return APIResponse.json(run.failure == nil ? .ok : HTTPStatus(code: 409), requestId: requestId) { json in
            json.writeObject { json in
                json.writeKey("steps")
                json.writeArray { json in
                    for step in run.steps {
                        json.writeObject { json in
                            json.write(step.id, forKey: "id")
                            json.write(step.direction.rawValue, forKey: "direction")
                            json.write(step.checksum, forKey: "checksum")
                            json.write(step.changes, forKey: "changes")
                            json.writeKey("problems")
                            json.writeArray { json in for problem in step.problems { json.write(problem) } }
                            json.write(step.durationMs, forKey: "durationMs")
                            json.write(step.seq, forKey: "seq")
                        }
                    }
                }
                json.write(dryRun, forKey: "dryRun")
                json.writeKey("failure")
                if let failure = run.failure {
                    json.writeObject { json in
                        json.write(failure.id, forKey: "id")
                        json.write(failure.message, forKey: "error")
                    }
                } else {
                    json.writeNull()
                }
                if let failure = run.failure { json.write("\(failure.id) failed: \(failure.message)", forKey: "error") }
                json.write(requestId, forKey: "requestId")
            }
        }
    }
}
