import Imaging
import JSON
import Journal

extension ExtractionOutcome {
    /// Writes the result of `POST /api/dhash/extract` and `extract --json`: on success
    /// `{"hash","hash_base64","hash_alg":"dhash","bits","width","height","format","confidence",
    /// "match","lowConfidence","duration_ms","requestId","timestamp","seq","source","sha256",
    /// "byteSize","reviewItemId"}` (`match` null with an empty library; `confidence` and
    /// `duration_ms` always numbers; `reviewItemId` only when queued); on failure
    /// `{"error","kind","source","seq","requestId","timestamp"}`.
    public func writeObject(to json: inout JSONWriter) {
        json.writeObject { json in
            switch result {
            case .success(let completed):
                json.write(completed.hash, forKey: "hash")
                json.write(completed.hashBase64, forKey: "hash_base64")
                json.write("dhash", forKey: "hash_alg")
                json.write(completed.bits, forKey: "bits")
                json.write(completed.width, forKey: "width")
                json.write(completed.height, forKey: "height")
                json.write(completed.format, forKey: "format")
                json.write(completed.confidence, forKey: "confidence")
                json.writeKey("match")
                if let match = completed.match { match.writeObject(to: &json) } else { json.writeNull() }
                json.write(completed.lowConfidence, forKey: "lowConfidence")
                json.write(completed.durationMs ?? 0, forKey: "duration_ms")
                writeRecord(to: &json)
                json.write(completed.source, forKey: "source")
                json.write(completed.sha256, forKey: "sha256")
                json.write(completed.byteSize, forKey: "byteSize")
                if let reviewItemId { json.write(reviewItemId, forKey: "reviewItemId") }
            case .failure(let failure):
                json.write(failure.event.reason, forKey: "error")
                json.write(failure.kind.rawValue, forKey: "kind")
                json.write(failure.event.source, forKey: "source")
                writeRecord(to: &json)
            }
        }
    }

    private func writeRecord(to json: inout JSONWriter) {
        json.write(requestId, forKey: "requestId")
        json.write(Timestamp.iso8601(microseconds: timestamp), forKey: "timestamp")
        json.write(seq, forKey: "seq")
    }
}

extension MatchSummary {
    /// Writes `{"imageId","distance","confidence"}`.
    public func writeObject(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(imageId, forKey: "imageId")
            json.write(distance, forKey: "distance")
            json.write(confidence, forKey: "confidence")
        }
    }
}

extension LibraryImage {
    /// Writes `{"id","source","sha256","hash","width","height","byteSize","format","addedSeq","addedAt"}`
    /// (`hash` as 16 hex digits, `addedAt` ISO-8601).
    public func writeObject(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(id, forKey: "id")
            json.write(source, forKey: "source")
            json.write(sha256, forKey: "sha256")
            json.write(DifferenceHash(value: hash).hex, forKey: "hash")
            json.write(width, forKey: "width")
            json.write(height, forKey: "height")
            json.write(byteSize, forKey: "byteSize")
            json.write(format, forKey: "format")
            json.write(addedSeq, forKey: "addedSeq")
            json.write(Timestamp.iso8601(microseconds: addedAt), forKey: "addedAt")
        }
    }
}

extension ReviewItem {
    /// Writes `{"id","status":"open"|"resolved","seq","enqueuedAt","hash","source","candidate",
    /// "confidence","requestId"}` and, once resolved, `"decision","resolvedAt","addedImageId","note"`.
    public func writeObject(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(id, forKey: "id")
            json.write(decision == nil ? "open" : "resolved", forKey: "status")
            json.write(seq, forKey: "seq")
            json.write(Timestamp.iso8601(microseconds: enqueuedAt), forKey: "enqueuedAt")
            json.write(hash, forKey: "hash")
            json.write(source, forKey: "source")
            json.writeKey("candidate")
            if let candidate { candidate.writeObject(to: &json) } else { json.writeNull() }
            json.write(confidence, forKey: "confidence")
            json.write(requestId, forKey: "requestId")
            if let decision {
                json.write(decision.rawValue, forKey: "decision")
                json.write(resolvedAt.map { Timestamp.iso8601(microseconds: $0) }, forKey: "resolvedAt")
                json.write(addedImageId, forKey: "addedImageId")
                json.write(note, forKey: "note")
            }
        }
    }
}
