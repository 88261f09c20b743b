import JSON
import Journal

/// The files the monitor writes: `monitoring-snapshot-T+5m.json` at each checkpoint and the
/// running `monitoring-report.json`, one JSON object each, keys in a fixed order:
///
/// `{"kind":"checkpoint"|"report","checkpoint":"T+5m"|null,"url","state","startedAt","writtenAt",
/// "elapsedMs","windowMs","intervalMs","checkpoints":[…],"checkpointsWritten":[…],"polls",
/// "failedPolls","skippedPolls","consecutiveFailedChecks","healthChecksRecorded","recordFailures",
/// "lastPoll":{…}|null,"metrics":{…}|null,"evaluation":{"status","reasons","triggers"}|null,
/// "baseline":{…}|null,"firedTriggers":[…],"rollback":{…}|null}`
///
/// `state` is `running`, `passed`, `triggered`, `rolling back`, `rolled back` or `rollback failed`;
/// `metrics` holds the MOBIUS names of the last figures read.
extension MonitorLoop {
    /// The checkpoint file for `label`.
    func snapshot(checkpoint label: String, at moment: Moment) -> [UInt8] {
        encode(kind: "checkpoint", checkpoint: label, at: moment)
    }

    /// The running report.
    func report(at moment: Moment) -> [UInt8] {
        encode(kind: "report", checkpoint: nil, at: moment)
    }

    /// What the window's state is called in the files.
    var stateName: String {
        switch verdict {
        case .passed?: "passed"
        case .triggered?: "triggered"
        case .rolledBack?: "rolled back"
        case .rollbackFailed?: "rollback failed"
        case nil: rollback == nil ? "running" : "rolling back"
        }
    }

    private func encode(kind: String, checkpoint: String?, at moment: Moment) -> [UInt8] {
        var json = JSONWriter(reservingCapacity: 2048)
        json.writeObject { json in
            json.write(kind, forKey: "kind")
            json.write(checkpoint, forKey: "checkpoint")
            json.write(plan.url, forKey: "url")
            json.write(stateName, forKey: "state")
            json.write(Timestamp.iso8601(microseconds: startedAt), forKey: "startedAt")
            json.write(Timestamp.iso8601(microseconds: moment.wallMicroseconds), forKey: "writtenAt")
            json.write(Self.milliseconds(moment.elapsed), forKey: "elapsedMs")
            json.write(Self.milliseconds(plan.window), forKey: "windowMs")
            json.write(Self.milliseconds(plan.interval), forKey: "intervalMs")
            json.write(plan.checkpoints.map(MonitorPlan.label), forKey: "checkpoints")
            json.write(checkpointsWritten, forKey: "checkpointsWritten")
            json.write(polls, forKey: "polls")
            json.write(failedPolls, forKey: "failedPolls")
            json.write(skippedPolls, forKey: "skippedPolls")
            json.write(consecutiveFailedChecks, forKey: "consecutiveFailedChecks")
            json.write(recordedChecks, forKey: "healthChecksRecorded")
            json.write(recordFailures, forKey: "recordFailures")
            json.writeKey("lastPoll")
            if let lastPoll { Self.write(lastPoll, to: &json) } else { json.writeNull() }
            json.writeKey("metrics")
            if let lastMetrics { Self.write(lastMetrics, to: &json) } else { json.writeNull() }
            json.writeKey("evaluation")
            if let evaluation { evaluation.writeObject(to: &json) } else { json.writeNull() }
            json.writeKey("baseline")
            if let baseline = plan.baseline { Self.write(baseline, since: lastMetrics, to: &json) } else { json.writeNull() }
            json.writeKey("firedTriggers")
            json.writeArray { json in
                for (trigger, elapsed) in fired {
                    json.writeObject { json in
                        json.write(trigger.name, forKey: "name")
                        json.write(trigger.level.rawValue, forKey: "level")
                        json.write(trigger.value, forKey: "value")
                        json.write(trigger.limit, forKey: "limit")
                        json.write(trigger.isBaselineRelative, forKey: "baselineRelative")
                        json.write(trigger.reason, forKey: "reason")
                        json.write(Self.milliseconds(elapsed), forKey: "elapsedMs")
                    }
                }
            }
            json.writeKey("rollback")
            if let rollback {
                json.writeObject { json in
                    json.write(plan.rollbackSnapshot, forKey: "snapshot")
                    json.write(rollback.trigger.name, forKey: "trigger")
                    switch rollback.outcome {
                    case .done(let detail)?:
                        json.write("done", forKey: "outcome")
                        json.write(detail, forKey: "detail")
                    case .failed(let reason)?:
                        json.write("failed", forKey: "outcome")
                        json.write(reason, forKey: "detail")
                    case nil:
                        json.write("under way", forKey: "outcome")
                        json.writeKey("detail")
                        json.writeNull()
                    }
                }
            } else {
                json.writeNull()
            }
        }
        // Every value above is finite and every key unique: the writer cannot refuse this.
        return (try? json.finish()) ?? Array("{}".utf8)
    }

    private static func write(_ poll: (elapsed: Duration, observation: MonitorObservation, recording: Recording), to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(milliseconds(poll.elapsed), forKey: "elapsedMs")
            json.write(poll.observation.isPassing, forKey: "ok")
            json.write(poll.observation.healthStatusCode, forKey: "httpStatus")
            json.write(poll.observation.healthLevel, forKey: "status")
            json.write(poll.observation.failureReason, forKey: "reason")
            json.write(poll.observation.durationMs, forKey: "durationMs")
            switch poll.recording {
            case .recorded(let seq):
                json.write(seq, forKey: "healthCheckSeq")
            case .failed(let problem):
                json.writeKey("healthCheckSeq")
                json.writeNull()
                json.write(problem, forKey: "recordProblem")
            }
        }
    }

    private static func write(_ metrics: MonitorMetrics, to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(metrics.totalExtractions, forKey: "total_extractions")
            json.write(metrics.failedExtractions, forKey: "failed_extractions")
            json.write(metrics.failureRate, forKey: "extraction_failures_rate")
            json.write(metrics.averageHashTimeMs, forKey: "avg_hash_time")
            json.write(metrics.p95HashTimeMs, forKey: "p95_hash_time")
            json.write(metrics.reviewQueueLength, forKey: "low_confidence_queue_length")
            json.write(metrics.lastReset, forKey: "last_reset")
        }
    }

    private static func write(_ baseline: MonitorBaseline, since metrics: MonitorMetrics?, to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(baseline.source, forKey: "source")
            json.write(baseline.figures.failureRate, forKey: "failureRate")
            json.write(baseline.figures.p95HashTimeMs, forKey: "p95HashTimeMs")
            json.write(baseline.figures.reviewQueueLength, forKey: "reviewQueueLength")
            json.write(baseline.figures.extractions, forKey: "extractions")
            json.write(metrics.map(baseline.extractions(since:)), forKey: "extractionsSince")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 { nanoseconds(duration) / 1_000_000 }
}
