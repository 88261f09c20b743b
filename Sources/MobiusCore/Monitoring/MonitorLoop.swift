/// The monitor's poll loop as a value: it is told what happened (time passed, a poll
/// finished, a rollback finished) with the moment it happened, and answers with actions for
/// the shell to perform (poll, write a checkpoint or the report, roll back, finish). It does
/// no I/O and reads no clock, so tests drive a whole window with a fake clock.
///
/// The schedule, with `T` the start:
///
/// - **Polls** at `T+0`, `T+interval`, … up to `T+window` inclusive. A poll that overruns its
///   slot (a timeout longer than the interval) skips the slots that passed meanwhile, counted
///   as `skippedPolls`; the next poll is the next slot not yet passed, never a burst of
///   catch-up polls.
/// - **Checkpoints** at each `plan.checkpoints` time, the last one included, each written
///   exactly once: after the poll of a slot at the same time, so `T+60m` holds the `T+60m` poll.
/// - **Triggers** are evaluated after every poll by `HealthEvaluation` — the service's own
///   trigger code — from the poll's metrics, the consecutive failed checks the monitor counts
///   itself (a refused connection or a timeout cannot be counted by the service), and the
///   plan's baseline. With a rollback snapshot, the first firing trigger (a CRITICAL one
///   before a WARNING one) rolls back and ends the window; without, triggers are reported and
///   the window goes on.
/// - **The end**: after the last slot, the last checkpoint and `T+window`, or after a rollback;
///   the verdict is passed only when no trigger fired.
public struct MonitorLoop: Sendable {
    /// What happened.
    public enum Input: Sendable, Equatable {
        /// Time passed (the shell wakes at `nextWake`).
        case tick
        /// The poll asked for finished; its `health.check` was appended, or not.
        case polled(MonitorObservation, recording: Recording)
        /// The rollback asked for finished.
        case rolledBack(RollbackOutcome)
    }

    /// Whether a poll's `health.check` reached the journal.
    public enum Recording: Sendable, Equatable {
        case recorded(seq: UInt64)
        case failed(String)
    }

    /// How a rollback went: what the service said, or why it failed.
    public enum RollbackOutcome: Sendable, Equatable {
        case done(String)
        case failed(String)
    }

    /// How the window ended.
    public enum Verdict: Sendable, Equatable {
        /// No trigger fired: exit 0.
        case passed
        /// These triggers fired (no rollback was asked for): exit 1.
        case triggered([String])
        /// This trigger fired and the service was rolled back: exit 1.
        case rolledBack(trigger: String)
        /// This trigger fired and the rollback failed: exit 1.
        case rollbackFailed(trigger: String)

        /// Whether the window passed.
        public var isPassed: Bool { self == .passed }
    }

    /// What the shell should do, in order.
    public enum Action: Sendable, Equatable {
        /// Poll now (`/health`, `/metrics/dhash`, append `health.check`), then give `.polled`.
        case poll
        /// Print this line.
        case say(String)
        /// Create `fileName` (it must not exist) holding `json`.
        case writeCheckpoint(fileName: String, json: [UInt8])
        /// Replace the running report with `json`.
        case writeReport(json: [UInt8])
        /// Roll the service back to `snapshot` because of `trigger`, then give `.rolledBack`.
        case rollback(snapshot: String, trigger: FiringTrigger, reason: String)
        /// The window is over; print `summary` and exit by `verdict`.
        case finish(Verdict, summary: String)
    }

    /// When an input happened: monotonic time since the start, and the wall clock (µs since the
    /// epoch) for the files' timestamps.
    public struct Moment: Sendable, Equatable {
        public var elapsed: Duration
        public var wallMicroseconds: UInt64

        public init(elapsed: Duration, wallMicroseconds: UInt64) {
            self.elapsed = elapsed
            self.wallMicroseconds = wallMicroseconds
        }
    }

    private enum Phase: Sendable, Equatable {
        case waiting, polling, rollingBack, finished
    }

    /// The plan.
    public let plan: MonitorPlan
    let startedAt: UInt64
    private var phase = Phase.waiting
    private var nextSlot = 0
    private var nextCheckpoint = 0

    /// Polls made, failed, and slots skipped because a poll overran.
    public private(set) var polls = 0, failedPolls = 0, skippedPolls = 0
    /// Failed checks since the last passing one.
    public private(set) var consecutiveFailedChecks = 0
    /// `health.check` events appended, and appends that failed.
    public private(set) var recordedChecks = 0, recordFailures = 0
    /// The last poll and when it finished.
    private(set) var lastPoll: (elapsed: Duration, observation: MonitorObservation, recording: Recording)?
    /// The last metrics read.
    private(set) var lastMetrics: MonitorMetrics?
    /// The last evaluation.
    private(set) var evaluation: HealthStatus?
    /// Each trigger the first time it fired, with when.
    public private(set) var fired: [(trigger: FiringTrigger, elapsed: Duration)] = []
    /// The rollback, once asked for.
    private(set) var rollback: (trigger: FiringTrigger, outcome: RollbackOutcome?)?
    /// The labels of the checkpoints written.
    public private(set) var checkpointsWritten: [String] = []
    /// How the window ended, once it has.
    public private(set) var verdict: Verdict?

    /// A loop for `plan`, started at wall time `startedAt` (µs); `handle(.tick, …)` at elapsed
    /// zero begins it with the first poll.
    public init(plan: MonitorPlan, startedAt: UInt64) {
        self.plan = plan
        self.startedAt = startedAt
    }

    /// Whether the window is over.
    public var isFinished: Bool { phase == .finished }

    /// When to give the next `.tick` (elapsed time; it may already have passed); nil while a
    /// poll or rollback is under way, and at the end.
    public var nextWake: Duration? {
        guard phase == .waiting else { return nil }
        var candidates = [plan.window]
        if slotTime <= plan.window { candidates.append(slotTime) }
        if nextCheckpoint < plan.checkpoints.count { candidates.append(plan.checkpoints[nextCheckpoint]) }
        return candidates.min()
    }

    /// Takes one input at `moment`; returns what to do.
    public mutating func handle(_ input: Input, at moment: Moment) -> [Action] {
        switch (input, phase) {
        case (.tick, .waiting): return tick(at: moment)
        case (.polled(let observation, let recording), .polling): return polled(observation, recording: recording, at: moment)
        case (.rolledBack(let outcome), .rollingBack): return rolledBack(outcome, at: moment)
        default: return []
        }
    }

    // MARK: Steps

    private var slotTime: Duration { plan.interval * nextSlot }

    private mutating func tick(at moment: Moment) -> [Action] {
        if slotTime <= plan.window, slotTime <= moment.elapsed {
            phase = .polling
            return [.poll]
        }
        var actions = dueCheckpoints(at: moment)
        if let finish = finishIfDone(at: moment) { actions += finish }
        return actions
    }

    private mutating func polled(_ observation: MonitorObservation, recording: Recording, at moment: Moment) -> [Action] {
        phase = .waiting
        polls += 1
        let following = max(nextSlot + 1, Self.slotsStarted(by: moment.elapsed, interval: plan.interval))
        // Only slots inside the window count as skipped.
        let slotsInWindow = Self.slotsStarted(by: plan.window + .nanoseconds(1), interval: plan.interval)
        skippedPolls += max(0, min(following, slotsInWindow) - nextSlot - 1)
        nextSlot = following
        if observation.isPassing {
            consecutiveFailedChecks = 0
        } else {
            failedPolls += 1
            consecutiveFailedChecks += 1
        }
        switch recording {
        case .recorded: recordedChecks += 1
        case .failed: recordFailures += 1
        }
        lastPoll = (moment.elapsed, observation, recording)
        if let metrics = observation.metrics { lastMetrics = metrics }
        let status = evaluate(observation)
        evaluation = status

        var actions: [Action] = [.say(pollLine(observation, recording: recording, at: moment.elapsed))]
        for trigger in status.firing where !fired.contains(where: { $0.trigger.name == trigger.name }) {
            fired.append((trigger, moment.elapsed))
            actions.append(.say("\(Self.elapsedText(moment.elapsed)) TRIGGER \(trigger.reason) (\(trigger.level.rawValue))"))
        }
        if let snapshot = plan.rollbackSnapshot, let trigger = status.firing.first(where: { $0.level == .critical }) ?? status.firing.first {
            phase = .rollingBack
            rollback = (trigger, nil)
            actions.append(.writeReport(json: report(at: moment)))
            let reason = "monitor: \(trigger.reason) at \(Self.elapsedText(moment.elapsed)) of the window"
            actions.append(.say("\(Self.elapsedText(moment.elapsed)) rolling back to snapshot \(snapshot)"))
            actions.append(.rollback(snapshot: snapshot, trigger: trigger, reason: reason))
            return actions
        }
        actions += dueCheckpoints(at: moment)
        actions += finishIfDone(at: moment) ?? [.writeReport(json: report(at: moment))]
        return actions
    }

    private mutating func rolledBack(_ outcome: RollbackOutcome, at moment: Moment) -> [Action] {
        guard let trigger = rollback?.trigger else { preconditionFailure("a rollback finished that was not asked for") }
        rollback = (trigger, outcome)
        var actions: [Action]
        switch outcome {
        case .done(let detail):
            actions = [.say("\(Self.elapsedText(moment.elapsed)) rolled back: \(detail)")]
            verdict = .rolledBack(trigger: trigger.name)
        case .failed(let reason):
            actions = [.say("\(Self.elapsedText(moment.elapsed)) ROLLBACK FAILED: \(reason)")]
            verdict = .rollbackFailed(trigger: trigger.name)
        }
        // The window ends here: the checkpoints whose time has come are written, the rest never.
        actions += dueCheckpoints(at: moment, evenWithPollsPending: true)
        phase = .finished
        actions.append(.writeReport(json: report(at: moment)))
        actions.append(.finish(verdict!, summary: summary(at: moment.elapsed)))
        return actions
    }

    /// The checkpoints due at `moment`: their time has come and no poll slot at or before them
    /// is still to be made.
    private mutating func dueCheckpoints(at moment: Moment, evenWithPollsPending: Bool = false) -> [Action] {
        var actions: [Action] = []
        while nextCheckpoint < plan.checkpoints.count {
            let checkpoint = plan.checkpoints[nextCheckpoint]
            let isPollPending = slotTime <= checkpoint && slotTime <= plan.window
            guard checkpoint <= moment.elapsed, evenWithPollsPending || !isPollPending else { break }
            let label = MonitorPlan.label(checkpoint)
            checkpointsWritten.append(label)
            nextCheckpoint += 1
            actions.append(.writeCheckpoint(fileName: MonitorPlan.checkpointFileName(checkpoint), json: snapshot(checkpoint: label, at: moment)))
        }
        return actions
    }

    /// The end of the window, when it has come: the verdict, the final report, `.finish`.
    private mutating func finishIfDone(at moment: Moment) -> [Action]? {
        guard moment.elapsed >= plan.window, slotTime > plan.window, nextCheckpoint == plan.checkpoints.count else { return nil }
        phase = .finished
        verdict = fired.isEmpty ? .passed : .triggered(fired.map(\.trigger.name))
        return [.writeReport(json: report(at: moment)), .finish(verdict!, summary: summary(at: moment.elapsed))]
    }

    /// The triggers for this poll, by `HealthEvaluation`: the poll's metrics (none when it got
    /// none), the monitor's own count of failed checks, the plan's baseline.
    private func evaluate(_ observation: MonitorObservation) -> HealthStatus {
        var health = HealthProjection()
        health.consecutiveFailedChecks = consecutiveFailedChecks
        let metrics = observation.metrics
        if let baseline = plan.baseline, let metrics {
            health.baseline = baseline.figures
            health.extractionsSinceBaseline = baseline.extractions(since: metrics)
        }
        return HealthEvaluation.evaluate(failureRate: metrics?.failureRate ?? 0, p95HashTimeMs: metrics?.p95HashTimeMs ?? 0,
                                         reviewQueueLength: metrics?.reviewQueueLength ?? 0, health: health, thresholds: plan.thresholds)
    }

    /// How many slots have started by `elapsed` (slot k starts at k·interval; one starting
    /// exactly now counts as not yet passed).
    static func slotsStarted(by elapsed: Duration, interval: Duration) -> Int {
        let (time, step) = (nanoseconds(elapsed), nanoseconds(interval))
        return Int((time + step - 1) / step)
    }

    /// `duration` in whole nanoseconds.
    public static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    // MARK: Lines

    /// `T+30s`, `T+2.5s`: an elapsed time for people.
    static func elapsedText(_ elapsed: Duration) -> String {
        let milliseconds = nanoseconds(elapsed) / 1_000_000
        if milliseconds % 1_000 == 0 { return MonitorPlan.label(.milliseconds(milliseconds)) }
        let tenths = (milliseconds + 50) / 100
        return "T+\(tenths / 10).\(tenths % 10)s"
    }

    private func pollLine(_ observation: MonitorObservation, recording: Recording, at elapsed: Duration) -> String {
        var line = "\(Self.elapsedText(elapsed)) poll \(polls): "
        if observation.isPassing, let metrics = observation.metrics {
            line += "ok — health \(observation.healthStatusCode ?? 0) \(observation.healthLevel ?? "?"); \(metrics.totalExtractions) extraction(s), "
                + "failure rate \(DecimalText.fixed(metrics.failureRate, 3)), p95 \(DecimalText.fixed(metrics.p95HashTimeMs, 1)) ms, queue \(metrics.reviewQueueLength)"
        } else {
            line += "FAILED (\(consecutiveFailedChecks) in a row) — \(observation.failureReason ?? "")"
        }
        if case .failed(let problem) = recording { line += "; health.check not recorded: \(problem)" }
        return line
    }

    private func summary(at elapsed: Duration) -> String {
        let counts = "\(polls) poll(s), \(failedPolls) failed, \(skippedPolls) skipped; \(checkpointsWritten.count) checkpoint(s) written"
        switch verdict {
        case .passed?: return "window of \(DurationText.text(plan.window)) passed with no trigger (\(counts))"
        case .triggered(let names)?:
            return "trigger(s) fired: \(names.joined(separator: ", ")); no rollback was asked for (\(counts))"
        case .rolledBack(let name)?:
            return "trigger \(name) fired at \(Self.elapsedText(fired.first { $0.trigger.name == name }?.elapsed ?? elapsed)); rolled back to snapshot \(plan.rollbackSnapshot ?? "?") (\(counts))"
        case .rollbackFailed(let name)?:
            return "trigger \(name) fired and the rollback to snapshot \(plan.rollbackSnapshot ?? "?") FAILED; roll back by hand (\(counts))"
        case nil: return counts
        }
    }
}
