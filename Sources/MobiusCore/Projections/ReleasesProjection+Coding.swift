import JSON

extension ReleasesProjection {
    /// The canonical encoding: `{"active":{env:id},"deployments":[…],"rollbacks":[…]}`,
    /// deployments in the order they started.
    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.writeKey("active")
            json.writeObject(sortingKeys: active.keys) { environment, json in json.write(active[environment]!) }
            json.writeKey("deployments")
            json.writeArray { json in
                for id in deploymentOrder {
                    let deployment = deployments[id]!
                    json.writeObject { json in
                        json.writeKey("finishedAt")
                        if let finished = deployment.finishedAt { json.write(finished) } else { json.writeNull() }
                        json.writeKey("record")
                        deployment.record.encode(to: &json)
                        json.write(deployment.startedAt, forKey: "startedAt")
                        json.write(deployment.startedSeq, forKey: "startedSeq")
                        json.write(deployment.status, forKey: "status")
                    }
                }
            }
            json.writeKey("rollbacks")
            json.writeArray { json in
                for rollback in rollbacks {
                    json.writeObject { json in
                        json.write(rollback.at, forKey: "at")
                        json.writeKey("rollback")
                        rollback.rollback.encode(to: &json)
                        json.write(rollback.seq, forKey: "seq")
                    }
                }
            }
        }
    }

    /// Decodes `encode(to:)`'s output.
    public init(from reader: inout JSONReader) throws(JSONError) {
        self.init()
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "active":
                var map = try reader.beginObject()
                while let environment = try reader.nextKey(in: &map) { active[environment.string] = try reader.readString() }
            case "deployments":
                var array = try reader.beginArray()
                while try reader.nextElement(in: &array) {
                    var item = try reader.beginObject()
                    var finished: UInt64?, record: DeploymentRecorded?, startedAt: UInt64?, startedSeq: UInt64?, status: String?
                    while let field = try reader.nextKey(in: &item) {
                        switch field {
                        case "finishedAt": finished = try reader.readNullIfPresent() ? nil : reader.readUInt64()
                        case "record": record = try ReleasesProjection.decoded { (reader) throws(EventDecodingError) in try DeploymentRecorded(reading: &reader, version: 1, as: DeploymentStarted.self) }(&reader)
                        case "startedAt": startedAt = try reader.readUInt64()
                        case "startedSeq": startedSeq = try reader.readUInt64()
                        case "status": status = try reader.readString()
                        default: try reader.skipValue()
                        }
                    }
                    guard let record, let startedAt, let startedSeq, let status, deployments[record.deploymentId] == nil else {
                        throw JSONError(.missingKey, at: item.startOffset, "a deployment needs record, startedAt, startedSeq and status, once per id")
                    }
                    deployments[record.deploymentId] = Deployment(record: record, status: status, startedAt: startedAt, startedSeq: startedSeq, finishedAt: finished)
                    deploymentOrder.append(record.deploymentId)
                }
            case "rollbacks":
                var array = try reader.beginArray()
                while try reader.nextElement(in: &array) {
                    var item = try reader.beginObject()
                    var at: UInt64?, rollback: RollbackPerformed?, seq: UInt64?
                    while let field = try reader.nextKey(in: &item) {
                        switch field {
                        case "at": at = try reader.readUInt64()
                        case "rollback": rollback = try ReleasesProjection.decoded { (reader) throws(EventDecodingError) in try RollbackPerformed(from: &reader, version: 1) }(&reader)
                        case "seq": seq = try reader.readUInt64()
                        default: try reader.skipValue()
                        }
                    }
                    guard let at, let rollback, let seq else { throw JSONError(.missingKey, at: item.startOffset, "a rollback needs at, rollback and seq") }
                    rollbacks.append(RollbackRecord(seq: seq, at: at, rollback: rollback))
                }
            default: try reader.skipValue()
            }
        }
    }

    /// `decode` with its event-decoding error reported as a JSON error (state files use the
    /// event payloads' own readers for embedded records).
    static func decoded<T>(_ decode: @escaping (inout JSONReader) throws(EventDecodingError) -> T) -> (inout JSONReader) throws(JSONError) -> T {
        { (reader) throws(JSONError) in
            let start = reader.offset
            switch Result(catching: { () throws(EventDecodingError) in try decode(&reader) }) {
            case .success(let value): return value
            case .failure(let error): throw JSONError(.invalidValue, at: start, error.detail)
            }
        }
    }
}
