import JSON
import Journal

extension MetricsSummary {
    /// Writes the `metrics` object of `GET /metrics/dhash` and `GET /health`, with the MOBIUS
    /// field names, types and units: counts as integers, the failure rate as a fraction, times
    /// in ms as numbers (never null), `last_reset` ISO-8601 (null before any event), then the
    /// 5/15/60-minute windows under `windows`.
    public func writeContractObject(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(totalExtractions, forKey: "total_extractions")
            json.write(successfulExtractions, forKey: "successful_extractions")
            json.write(failedExtractions, forKey: "failed_extractions")
            json.write(failureRate, forKey: "extraction_failures_rate")
            json.write(averageHashTimeMs, forKey: "avg_hash_time")
            json.write(p95HashTimeMs, forKey: "p95_hash_time")
            json.write(reviewQueueLength, forKey: "low_confidence_queue_length")
            json.write(lastReset.map { Timestamp.iso8601(microseconds: $0) }, forKey: "last_reset")
            json.write(uptimeMs, forKey: "uptime_ms")
            json.writeKey("windows")
            json.writeObject { json in
                for window in windows {
                    json.writeKey("\(window.seconds / 60)m")
                    json.writeObject { json in
                        json.write(window.total, forKey: "total_extractions")
                        json.write(window.failed, forKey: "failed_extractions")
                        json.write(window.failureRate, forKey: "extraction_failures_rate")
                        json.write(window.averageHashTimeMs, forKey: "avg_hash_time")
                    }
                }
            }
        }
    }
}

extension HealthStatus {
    /// Writes `{"status","reasons","triggers":[{"name","level","value","limit","baselineRelative"}]}`.
    public func writeObject(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(level.rawValue, forKey: "status")
            json.writeKey("reasons")
            json.writeArray { json in for reason in reasons { json.write(reason) } }
            json.writeKey("triggers")
            json.writeArray { json in for trigger in firing { trigger.writeObject(to: &json) } }
        }
    }
}

extension FiringTrigger {
    /// Writes `{"name","level","value","limit","baselineRelative"}`.
    public func writeObject(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(name, forKey: "name")
            json.write(level.rawValue, forKey: "level")
            json.write(value, forKey: "value")
            json.write(limit, forKey: "limit")
            json.write(isBaselineRelative, forKey: "baselineRelative")
        }
    }
}

extension SnapshotVerdict {
    /// Writes `{"id","seq","timestamp","bytes","verified","deep","problem"}` (`timestamp` and
    /// `problem` null when there is none).
    public func writeObject(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(listing.id, forKey: "id")
            json.write(listing.seq, forKey: "seq")
            json.write(listing.header.map { Timestamp.iso8601(microseconds: $0.timestamp) }, forKey: "timestamp")
            json.write(listing.fileBytes, forKey: "bytes")
            json.write(isVerified, forKey: "verified")
            json.write(isDeeplyVerified, forKey: "deep")
            json.write(problem.map { "\($0)" }, forKey: "problem")
        }
    }
}
