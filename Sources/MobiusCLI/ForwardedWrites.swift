import Foundation
import JSON
import Journal
import MobiusCore

// The write commands when a server holds the journal: each sends its writes to the server's
// admin API (`RunningServer`) and prints what it prints locally — for most, the same JSON the
// server answers with. Differences, by design: an image file this process cannot read is
// reported (exit 2) but not recorded, since the server never saw it; `append --stdin` sends
// each chunk of lines it reads as one all-or-nothing request, as it appends them as one commit
// locally.

extension AppendCommand {
    /// Sends `drafts` to `server` as one all-or-nothing append; their seqs.
    static func send(_ drafts: [EventDraft], through server: RunningServer) throws(CommandFailure) -> ClosedRange<UInt64> {
        var body: [UInt8] = []
        for draft in drafts { body += line(of: draft) + [0x0A] }
        let answer = RunningServer.object(in: try server.post("/api/admin/append", body: body, contentType: "application/x-ndjson"))
        guard let first = answer?["firstSeq"] as? Int, let last = answer?["lastSeq"] as? Int, 0 < first, first <= last else {
            throw CommandFailure(.checkFailed, "the server at \(server.url) acknowledged the append without its seqs")
        }
        return UInt64(first)...UInt64(last)
    }

    /// `{"type","v","requestId"?,"data"}`, as `append --stdin` and `POST /api/admin/append` read it.
    static func line(of draft: EventDraft) -> [UInt8] {
        JSONLine.value { json in
            json.writeObject { json in
                json.write(draft.type, forKey: "type")
                json.write(draft.version, forKey: "v")
                if let requestId = draft.requestId { json.write(requestId, forKey: "requestId") }
                json.writeKey("data")
                json.writeRaw(draft.data)
            }
        }.utf8.map { $0 }
    }
}

extension ExtractCommand {
    /// `extract` through `server`: each file's bytes as a raw body, one result line per file.
    func run(through server: RunningServer, _ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        server.announce(io, commandPath: [Self.spec.name])
        var hasFailed = false
        for file in files {
            let bytes: [UInt8]
            switch RunningServer.readImage(file) {
            case .success(let read): bytes = read
            case .failure(let error):
                io.printError("\(error.reason) (not recorded: the server holding the journal never saw it)", commandPath: [Self.spec.name])
                hasFailed = true
                continue
            }
            let (status, body) = try server.call("/api/dhash/extract?source=" + RunningServer.queryValue(file), body: bytes,
                                                 contentType: "application/octet-stream")
            switch status {
            case 200: io.print(String(decoding: body, as: UTF8.self))
            case 404, 413, 422:
                // A recorded failure: the answer is its result object, with "error".
                io.print(String(decoding: body, as: UTF8.self))
                io.printError("\(Echoed(file)): \(RunningServer.object(in: body)?["error"] as? String ?? "status \(status)")", commandPath: [Self.spec.name])
                hasFailed = true
            default: throw server.failure(status: status, body: body)
            }
        }
        return hasFailed ? .usageOrUnreadable : .success
    }
}

extension LibraryAddCommand {
    /// `library add` through `server`: each file as a raw body with its source and id.
    func run(through server: RunningServer, _ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        server.announce(io, commandPath: ["library", "add"])
        var worst = ExitStatus.success
        for file in files {
            let bytes: [UInt8]
            switch RunningServer.readImage(file) {
            case .success(let read): bytes = read
            case .failure(let error):
                io.printError(error.reason, commandPath: ["library", "add"])
                worst = .usageOrUnreadable
                continue
            }
            var target = "/api/admin/library?source=" + RunningServer.queryValue(source ?? file)
            if let id { target += "&id=" + RunningServer.queryValue(id) }
            do {
                io.print(String(decoding: try server.post(target, body: bytes, contentType: "application/octet-stream"), as: UTF8.self))
            } catch {
                io.printError(error.message, commandPath: ["library", "add"])
                if error.exitStatus.rawValue > worst.rawValue { worst = error.exitStatus }
            }
        }
        return worst
    }
}

extension LibraryRemoveCommand {
    /// `library remove` through `server`.
    func run(through server: RunningServer, _ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        server.announce(io, commandPath: ["library", "remove"])
        let body = JSONLine.value { json in json.writeObject { json in if let reason { json.write(reason, forKey: "reason") } } }
        _ = try server.post("/api/admin/library/\(RunningServer.pathSegment(id))/remove", body: Array(body.utf8))
        io.print("removed \(id)")
        return .success
    }
}

extension ReviewResolveCommand {
    /// `lcm resolve` through `server`: prints the resolved item.
    func run(through server: RunningServer, _ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        server.announce(io, commandPath: ["lcm", "resolve"])
        let body = JSONLine.value { json in
            json.writeObject { json in
                json.write(decision!.rawValue, forKey: "decision")
                if let imageId { json.write(imageId, forKey: "imageId") }
                if let note { json.write(note, forKey: "note") }
            }
        }
        io.print(String(decoding: try server.post("/api/lcm/\(RunningServer.pathSegment(id))/resolve", body: Array(body.utf8)), as: UTF8.self))
        return .success
    }
}

extension SnapshotCreateCommand {
    /// `snapshot create` through `server`: the server writes it.
    func run(through server: RunningServer, _ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        server.announce(io, commandPath: ["snapshot", "create"])
        let answer = RunningServer.object(in: try server.post("/api/admin/snapshot"))
        guard let id = answer?["id"] as? String, let seq = answer?["seq"] as? Int, let bytes = answer?["bytes"] as? Int,
              let sha256 = answer?["sha256"] as? String else {
            throw CommandFailure(.checkFailed, "the server at \(server.url) answered the snapshot without its id, seq, bytes and sha256")
        }
        io.print("\(id)  seq \(seq)  \(bytes) bytes  sha256 \(sha256)")
        return .success
    }
}

extension RollbackCommand {
    /// `rollback` through `server`: its plan and outcome as the server reports them.
    func run(through server: RunningServer, _ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        server.announce(io, commandPath: [Self.spec.name])
        let target = try resolvedTarget()
        let body = JSONLine.value { json in
            json.writeObject { json in
                switch target {
                case .snapshot(let id): json.write(id, forKey: "toSnapshot")
                case .seq(let seq): json.write(seq, forKey: "toSeq")
                }
                json.write(isForced, forKey: "force")
                json.write(isDryRun, forKey: "dryRun")
                json.write(reason, forKey: "reason")
            }
        }
        io.print(String(decoding: try server.post("/api/admin/rollback", body: Array(body.utf8)), as: UTF8.self))
        return .success
    }
}
