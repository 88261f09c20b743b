import Foundation
import HTTP
import MobiusCore
import POSIX

/// `mobius-dhash monitor [--window D] [--interval D] [--checkpoints LIST] [--baseline FILE |
/// --baseline-from-deployment] [--auto-rollback] [--report-dir DIR] [--url URL] [--timeout D]
/// [--admin-token-file FILE]`: watches a running service for a window, records every poll as
/// `health.check`, writes checkpoint files and a running report, and on a trigger rolls back
/// (with `--auto-rollback`) and exits 1.
struct MonitorCommand: Command {
    static let defaultCheckpoints: [Duration] = [.seconds(300), .seconds(900), .seconds(1_800), .seconds(3_600)]

    static let window = Option.duration("--window", in: .seconds(1)...Duration.seconds(86_400), default: .seconds(3_600),
                                        help: "how long to watch")
    static let interval = Option.duration("--interval", in: .milliseconds(100)...Duration.seconds(3_600), default: .seconds(30),
                                          help: "the time between polls (a poll that overruns skips the slots it covered)")
    static let checkpoints = Option.durations("--checkpoints", in: .seconds(1)...Duration.seconds(86_400), default: defaultCheckpoints,
                                              help: "when to write monitoring-snapshot-T+<time>.json, the last one included; without it, the defaults within --window and the window's end")
    static let baselineFile = Option<String>("--baseline", value: "FILE", help: "compare with this saved GET /metrics/dhash answer")
    static let baselineFromDeployment = Flag("--baseline-from-deployment", help: "compare with the baseline the latest deployment took (GET /api/releases)")
    static let autoRollback = Flag("--auto-rollback", help: "on a trigger, roll back to the latest deployment's snapshot (else one it takes as the window starts) and stop")
    static let reportDirectory = Option<String>("--report-dir", value: "DIR", help: "where the checkpoint files and monitoring-report.json go (made when missing)",
                                                default: ".", shownAs: "the current folder")

    static let spec = CommandSpec(
        "monitor", summary: "watch a running service for a window: poll, record health.check, checkpoint, roll back on a trigger",
        discussion: [
            "Polls GET /health and GET /metrics/dhash at T+0, T+interval, … up to T+window, each request bounded by --timeout, and appends each poll as a health.check event through POST /api/admin/append (the admin token is needed). A refused connection, a timeout, a 503, or metrics that cannot be read make a failed check, never a crash. After each poll the rollback triggers are evaluated by the service's own HealthEvaluation: failure rate > 0.10 or > 3× baseline (CRITICAL), p95 hash time > 30,000 ms or > 3× baseline, review queue > 100 or > 5× baseline (WARNING), more than 2 consecutive failed checks (CRITICAL); baseline multiples apply once 20 extractions were counted since the baseline and its value is above zero.",
            "At each checkpoint it writes DIR/monitoring-snapshot-T+5m.json (exactly once; it refuses a DIR that already holds such files), and after every poll DIR/monitoring-report.json. With --auto-rollback the first trigger (a CRITICAL one first) rolls the service back through POST /api/admin/rollback and ends the window with status 1; without it, triggers are reported, the window goes on, and the status is 1 at its end. No trigger: status 0 at the end of the window.",
        ],
        arguments: [window, interval, checkpoints, baselineFile, baselineFromDeployment, autoRollback, reportDirectory] + ServiceOptions.arguments,
        exits: [
            .checkFailed: "a trigger fired (rolled back or not), or the rollback failed",
            .usageOrUnreadable: "a bad argument, no admin token, an unreadable baseline, no deployment baseline or rollback snapshot, a report folder in use",
        ])

    let service: ServiceOptions
    let window: Duration
    let interval: Duration
    let checkpointTimes: [Duration]
    let givesCheckpoints: Bool
    let baselineFile: String?
    let usesDeploymentBaseline: Bool
    let rollsBack: Bool
    let reportDirectory: String

    init(_ arguments: ParsedArguments) {
        service = ServiceOptions(arguments)
        window = arguments[Self.window]
        interval = arguments[Self.interval]
        givesCheckpoints = arguments.isGiven(Self.checkpoints)
        if givesCheckpoints {
            checkpointTimes = arguments[Self.checkpoints]
        } else {
            let window = window
            checkpointTimes = Array(Set(Self.defaultCheckpoints.filter { $0 <= window } + [window])).sorted()
        }
        baselineFile = arguments.value(of: Self.baselineFile)
        usesDeploymentBaseline = arguments.isSet(Self.baselineFromDeployment)
        rollsBack = arguments.isSet(Self.autoRollback)
        reportDirectory = arguments[Self.reportDirectory]
    }

    func validate() throws(CommandFailure) {
        if interval > window {
            throw .usage("--interval \(DurationText.text(interval)) is longer than --window \(DurationText.text(window)); a window holds at least one interval", argument: "--interval")
        }
        if let late = checkpointTimes.first(where: { $0 > window }) {
            throw .usage("checkpoint \(DurationText.text(late)) is after the end of the --window \(DurationText.text(window)); give checkpoints within it", argument: "--checkpoints")
        }
        if baselineFile != nil, usesDeploymentBaseline {
            throw .usage("give --baseline FILE or --baseline-from-deployment, not both", argument: "--baseline")
        }
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        guard let token = try service.adminToken() else { throw CommandFailure(.unreadableInput, service.tokenAdvice) }
        let files = try MonitorReportFolder(path: reportDirectory)
        let client = service.makeClient()
        let releases = usesDeploymentBaseline || rollsBack ? try fetchReleases(client) : nil
        let baseline = try baseline(releases: releases)
        let snapshot = rollsBack ? try rollbackSnapshot(releases: releases, client: client, token: token) : nil
        let plan = MonitorPlan(url: service.endpoint.description, window: window, interval: interval, checkpoints: checkpointTimes,
                               baseline: baseline, rollbackSnapshot: snapshot)
        io.print("monitoring \(plan.url) for \(DurationText.text(window)): a poll every \(DurationText.text(interval)), checkpoints at "
            + (checkpointTimes.isEmpty ? "none" : checkpointTimes.map(MonitorPlan.label).joined(separator: ", "))
            + "; baseline: \(baseline.map { "\($0.source) (failure rate \(DecimalText.fixed($0.figures.failureRate, 3)), p95 \(DecimalText.fixed($0.figures.p95HashTimeMs, 1)) ms, queue \(Int($0.figures.reviewQueueLength)))" } ?? "none, absolute limits only")"
            + "; " + (snapshot.map { "auto-rollback to snapshot \($0)" } ?? "no auto-rollback") + "; files in \(files.path)")
        let kernel = Kernel.live
        let start = kernel.now(.monotonic)
        let probe = MonitorProbe(client: client, token: token) { kernel.now(.monotonic) }
        var loop = MonitorLoop(plan: plan, startedAt: Self.wallMicroseconds(kernel))
        func moment() -> MonitorLoop.Moment {
            MonitorLoop.Moment(elapsed: kernel.now(.monotonic) - start, wallMicroseconds: Self.wallMicroseconds(kernel))
        }
        var pending = loop.handle(.tick, at: moment())
        while true {
            while !pending.isEmpty {
                switch pending.removeFirst() {
                case .poll:
                    let (observation, answered) = probe.poll()
                    let recording = answered ? probe.record(observation.healthCheck) : .failed("not sent: the service did not answer")
                    pending += loop.handle(.polled(observation, recording: recording), at: moment())
                case .say(let line):
                    io.print(line)
                case .writeCheckpoint(let name, let json):
                    do {
                        try files.create(name, holding: json)
                        io.print("\(name.dropFirst("monitoring-snapshot-".count).dropLast(".json".count)) checkpoint written: \(files.path)/\(name)")
                    } catch {
                        io.printError(error.message, commandPath: [Self.spec.name])
                    }
                case .writeReport(let json):
                    do { try files.replace(MonitorPlan.reportFileName, with: json) } catch { io.printError(error.message, commandPath: [Self.spec.name]) }
                case .rollback(let snapshot, let trigger, let reason):
                    pending += loop.handle(.rolledBack(probe.rollback(to: snapshot, trigger: trigger, reason: reason)), at: moment())
                case .finish(let verdict, let summary):
                    io.print("monitor: \(summary)")
                    return verdict.isPassed ? .success : .checkFailed
                }
            }
            guard let wake = loop.nextWake else { preconditionFailure("the monitor loop neither finished nor asked to be woken") }
            Self.sleep(until: start + wake, kernel: kernel)
            pending = loop.handle(.tick, at: moment())
        }
    }

    // MARK: Before the window

    private func fetchReleases(_ client: HTTPClient) throws(CommandFailure) -> ReleasesProjection {
        do {
            let answer = try client.get("/api/releases")
            guard answer.status.code == 200, let releases = MonitorProbe.releases(inAnswer: answer.body) else {
                throw CommandFailure(.unreadableInput, "GET /api/releases answered \(answer.status.code) without the releases projection: \(SmokeChecks.excerpt(answer.body))")
            }
            return releases
        } catch let error as HTTPClientError {
            throw CommandFailure(.unreadableInput, "\(error); the deployment's baseline and snapshot are read before the window starts")
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(.unreadableInput, "\(error)")
        }
    }

    private func baseline(releases: ReleasesProjection?) throws(CommandFailure) -> MonitorBaseline? {
        if let baselineFile {
            let bytes: [UInt8]
            do {
                bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: baselineFile)))
            } catch {
                throw CommandFailure(.unreadableInput, "--baseline \(Echoed(baselineFile)) cannot be read: \((error as NSError).localizedDescription)")
            }
            switch MonitorProbe.metrics(inAnswer: bytes) {
            case .failure(let problem):
                throw CommandFailure(.unreadableInput, "--baseline \(Echoed(baselineFile)) is not a saved GET /metrics/dhash answer: \(problem.message)")
            case .success(let metrics):
                let figures = MetricsBaseline(failureRate: metrics.failureRate, p95HashTimeMs: metrics.p95HashTimeMs,
                                              reviewQueueLength: Double(metrics.reviewQueueLength), extractions: metrics.totalExtractions)
                return MonitorBaseline(figures: figures, source: "file \(baselineFile)", totalExtractions: metrics.totalExtractions, lastReset: metrics.lastReset)
            }
        }
        guard usesDeploymentBaseline else { return nil }
        guard let deployment = releases?.deploymentOrder.reversed().compactMap({ releases?.deployments[$0] }).first(where: { $0.record.baseline != nil }),
              let figures = deployment.record.baseline else {
            throw CommandFailure(.unreadableInput, "--baseline-from-deployment: no deployment recorded a baseline (GET /api/releases); deploy first, or give --baseline FILE")
        }
        return MonitorBaseline(figures: figures, source: "deployment \(deployment.record.deploymentId)")
    }

    /// The latest deployment's snapshot, else one taken now through `POST /api/admin/snapshot`:
    /// the state as the window starts. (The newest snapshot on disk can be far behind the head:
    /// a server snapshots every 100,000 events, a one-shot command past 10,000.)
    private func rollbackSnapshot(releases: ReleasesProjection?, client: HTTPClient, token: String) throws(CommandFailure) -> String {
        if let id = releases?.latest?.record.snapshotId { return id }
        let advice = "--auto-rollback needs a snapshot of the state as the window starts to roll back to"
        do {
            let answer = try client.post("/api/admin/snapshot", body: [], fields: ["Authorization": "Bearer \(token)"])
            let value = try? LogValue.parse(answer.body).get()
            if answer.status.code == 200, let id = value?["id"]?.stringValue { return id }
            let reason = value?["error"]?.stringValue ?? SmokeChecks.excerpt(answer.body)
            throw CommandFailure(.unreadableInput, "POST /api/admin/snapshot answered \(answer.status.code): \(reason); \(advice)")
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(.unreadableInput, "POST /api/admin/snapshot: \(error); \(advice)")
        }
    }

    // MARK: Clock

    static func wallMicroseconds(_ kernel: Kernel) -> UInt64 {
        UInt64(MonitorLoop.nanoseconds(kernel.now(.realtime)) / 1_000)
    }

    /// Sleeps until monotonic time `deadline` (in slices, so a clock step cannot oversleep it much).
    static func sleep(until deadline: Duration, kernel: Kernel) {
        while true {
            let left = deadline - kernel.now(.monotonic)
            guard left > .zero else { return }
            let microseconds = min(MonitorLoop.nanoseconds(left) / 1_000 + 1, 500_000)
            usleep(UInt32(microseconds))
        }
    }
}
