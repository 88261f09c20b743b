import Foundation
import Journal
import MobiusCore

/// One run of `deploy`: the steps against a server holding the journal (through its admin API)
/// or, without one, against the journal directly.
struct Deployment {
    let io: CommandIO
    let data: DataFolder
    /// The server holding the journal and its process, when one does.
    let server: RunningServer?
    let process: ServerProcess?
    let release: Release
    let id: String
    let environment: DeployEnvironment
    let healthTimeout: Duration

    private var commandPath: [String] { ["deploy"] }

    /// `--dry-run`: every step, with what it would act on; nothing is written.
    func printPlan(skipBackup: Bool) {
        let pending = pendingMigrations()
        io.print("deploy \(id) (dry run: nothing is written)")
        io.print("1. verify the journal in \(data.journalDirectory)")
        io.print("2. write a verified snapshot (the rollback point)\(server.map { " through \($0.url)" } ?? "")")
        io.print(skipBackup ? "3. no backup (--skip-backup)" : "3. back up to \(backupPath) (+ .sha256)")
        io.print("4. apply pending migrations: \(pending.isEmpty ? "none" : pending.joined(separator: ", "))")
        io.print("5. append deployment.started (\(environment.rawValue), version \(release.version), binary sha256 \(release.sha256.prefix(16))…, the snapshot, the metrics baseline now) and metrics.reset")
        if let process {
            io.print("6. stop the server (pid \(process.pid), SIGTERM) and start \(release.binary) \(process.arguments.joined(separator: " ")) in \(process.workingDirectory)")
            io.print("7. wait up to \(DurationText.text(healthTimeout)) for /health 200; on failure start \(process.executable) again, roll back to the snapshot, append deployment.failed")
        } else {
            io.print("6. no server holds the journal: nothing to restart")
        }
        io.print("8. append deployment.completed")
    }

    /// Runs the steps; exit 0 when the release is live, 1 when it failed (and was rolled back).
    mutating func run(skipBackup: Bool, session: EngineSession) async throws(CommandFailure) -> ExitStatus {
        let report = try CommandFailure.catching(as: .checkFailed) { try JournalVerifier.verify(directory: data.journalDirectory) }
        guard report.damages.isEmpty else {
            throw CommandFailure(.checkFailed, "the journal does not verify (\(report.damages.count) damage(s), first: \(report.damages[0])); run verify, nothing was deployed")
        }
        step("journal verified: \(report.eventCount) events, head seq \(report.headSeq)")
        // DeployCommand refuses a server whose process it cannot read, so the two come together.
        if let server, let process {
            return try deployOnline(through: server, replacing: process, skipBackup: skipBackup)
        }
        return try await deployOffline(session: session, skipBackup: skipBackup)
    }

    // MARK: With a server

    private func deployOnline(through server: RunningServer, replacing old: ServerProcess, skipBackup: Bool) throws(CommandFailure) -> ExitStatus {
        let snapshot = RunningServer.object(in: try server.post("/api/admin/snapshot"))
        guard let snapshotId = snapshot?["id"] as? String, let snapshotSeq = snapshot?["seq"] as? Int else {
            throw CommandFailure(.checkFailed, "the server at \(server.url) wrote no snapshot; nothing was deployed")
        }
        step("snapshot \(snapshotId) at seq \(snapshotSeq)")
        try backUp(skipBackup)
        let migrated = RunningServer.object(in: try server.post("/api/admin/migrate", body: Array(#"{"direction":"up"}"#.utf8)))
        let steps = (migrated?["steps"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        step("migrations applied: \(steps.isEmpty ? "none pending" : steps.joined(separator: ", "))")
        let baseline = try baselineNow(from: server)
        try append([.deploymentStarted(DeploymentStarted(record(snapshotId, UInt64(snapshotSeq), baseline: baseline))),
                    .metricsReset(MetricsReset(reason: "deployment \(id)"))], through: server)
        step("deployment.started \(id), version \(release.version); metrics reset (baseline failure rate \(baseline.failureRate), p95 \(baseline.p95HashTimeMs) ms)")
        guard old.stop(within: .seconds(60)) else {
            throw CommandFailure(.checkFailed, "the server (pid \(old.pid)) did not stop within 60 s of SIGTERM; it still runs the old binary and deployment \(id) stays started; stop it (kill \(old.pid)) and deploy again")
        }
        step("old server (pid \(old.pid)) stopped")
        let started = try old.restart(as: release.binary, log: data.path + "/serve.log")
        if let live = waitUntilHealthy(started) {
            try append([.deploymentCompleted(DeploymentCompleted(record(snapshotId, UInt64(snapshotSeq))))], through: live)
            step("new server (pid \(started.pid)) healthy at \(live.url); deployment.completed")
            return .success
        }
        // The gate failed: the previous binary comes back, then the state goes back to the snapshot.
        if started.isRunning { started.kill() }
        let reason = "the new server (\(release.binary)) did not answer /health with 200 within \(DurationText.text(healthTimeout))"
        step("health gate failed: \(reason); starting \(old.executable) again")
        let restored = try old.restart(as: old.executable, log: data.path + "/serve.log")
        guard let previous = waitUntilHealthy(restored) else {
            throw CommandFailure(.checkFailed, "\(reason), and the previous binary did not come back healthy either; see \(data.path)/serve.log")
        }
        let rollback = JSONLine.value { json in
            json.writeObject { json in
                json.write(snapshotId, forKey: "toSnapshot")
                json.write(true, forKey: "force")
                json.write("deployment \(id) failed its health gate", forKey: "reason")
                json.write("health-gate", forKey: "trigger")
            }
        }
        _ = try previous.post("/api/admin/rollback", body: Array(rollback.utf8))
        try append([.deploymentFailed(DeploymentFailed(record(snapshotId, UInt64(snapshotSeq), reason: reason)))], through: previous)
        io.printError("\(reason); rolled back to snapshot \(snapshotId), the previous binary serves at \(previous.url)", commandPath: commandPath)
        return .checkFailed
    }

    /// Waits for `started` to hold the journal, record its URL and answer `/health` 200; the
    /// server then, or nil when it died or the timeout passed.
    private func waitUntilHealthy(_ started: ServerProcess) -> RunningServer? {
        let deadline = ContinuousClock.now + healthTimeout
        while ContinuousClock.now < deadline {
            guard started.isRunning else { return nil }
            if WriterLock.holder(directory: data.journalDirectory)?.pid == started.pid, let live = RunningServer.holding(data),
               (try? live.get("/health")) != nil {
                return live
            }
            usleep(100_000)
        }
        return nil
    }

    private func baselineNow(from server: RunningServer) throws(CommandFailure) -> MetricsBaseline {
        let metrics = RunningServer.object(in: try server.get("/metrics/dhash"))?["metrics"] as? [String: Any]
        func number(_ key: String) -> Double { (metrics?[key] as? NSNumber)?.doubleValue ?? 0 }
        return MetricsBaseline(failureRate: number("extraction_failures_rate"), p95HashTimeMs: number("p95_hash_time"),
                               reviewQueueLength: number("low_confidence_queue_length"), extractions: Int(number("total_extractions")))
    }

    private func append(_ events: [DomainEvent], through server: RunningServer) throws(CommandFailure) {
        // The events are this version's own, so they always encode; nil is only `.unknown`.
        let drafts = events.compactMap { (try? $0.draft()) ?? nil }
        _ = try AppendCommand.send(drafts, through: server)
    }

    // MARK: Without a server

    private func deployOffline(session: EngineSession, skipBackup: Bool) async throws(CommandFailure) -> ExitStatus {
        let (id, release, environment) = (id, release, environment)
        let snapshot = try await session.run(io, commandPath: commandPath, closeSnapshot: .never) { (engine) throws(CommandFailure) in
            try await CommandFailure.awaiting { () throws(EngineError) in try await engine.createSnapshot() }
        }
        step("snapshot \(snapshot.header.id) at seq \(snapshot.header.seq)")
        try backUp(skipBackup)
        let record = record(snapshot.header.id, snapshot.header.seq)
        let applied = try await session.run(io, commandPath: commandPath, closeSnapshot: .whenAnythingFolded) { (engine) throws(CommandFailure) in
            try await CommandFailure.awaiting { () throws(EngineError) -> [String] in
                let run = try await engine.migrateUp(.shipped)
                if let failure = run.failure { throw EngineError(.refused, "migration \(failure.id) failed: \(failure.message); deployment \(id) not started") }
                let summary = engine.projections.metricsSummary(at: JournalConfiguration.systemClock())
                var started = record
                started.baseline = MetricsBaseline(failureRate: summary.failureRate, p95HashTimeMs: summary.p95HashTimeMs,
                                                   reviewQueueLength: Double(summary.reviewQueueLength), extractions: summary.totalExtractions)
                try await engine.append([.deploymentStarted(DeploymentStarted(started)), .metricsReset(MetricsReset(reason: "deployment \(id)"))])
                try await engine.append([.deploymentCompleted(DeploymentCompleted(record))])
                return run.steps.map(\.id)
            }
        }
        step("migrations applied: \(applied.isEmpty ? "none pending" : applied.joined(separator: ", "))")
        step("no server holds the journal: deployment \(id) of version \(release.version) to \(environment.rawValue) recorded started and completed")
        return .success
    }

    // MARK: Shared

    private var backupPath: String { data.path + "/backups/deploy-\(id).tar.gz" }

    private func backUp(_ skip: Bool) throws(CommandFailure) {
        guard !skip else { return step("backup skipped (--skip-backup)") }
        do {
            try FileManager.default.createDirectory(atPath: data.path + "/backups", withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(.checkFailed, "cannot create \(data.path)/backups: \(error.localizedDescription); nothing was deployed")
        }
        let written: BackupReport
        do {
            written = try BackupCreator(dataDirectory: data.path, output: backupPath, toolVersion: MobiusVersion.current).run()
        } catch {
            throw CommandFailure(.checkFailed, "the backup failed: \(error); nothing was deployed")
        }
        step("backup \(written.path) (\(written.byteCount) bytes, sha256 \(written.sha256.hex.prefix(16))…)")
    }

    private func record(_ snapshotId: String, _ snapshotSeq: UInt64, baseline: MetricsBaseline? = nil, reason: String? = nil) -> DeploymentRecorded {
        DeploymentRecorded(deploymentId: id, environment: environment.rawValue, version: release.version, binarySha256: release.sha256,
                           snapshotId: snapshotId, snapshotSeq: snapshotSeq, baseline: baseline, reason: reason)
    }

    private func pendingMigrations() -> [String] {
        guard FileManager.default.fileExists(atPath: data.journalDirectory) else { return MigrationRegistry.shipped.migrations.map(\.id) }
        let builder = EngineConfiguration(dataDirectory: data.path).stateBuilder
        guard let state = try? builder.state(atSeq: nil) else { return ["(the journal could not be read)"] }
        return MigrationRegistry.shipped.status(of: state.projections.schema).pending.map(\.id)
    }

    private func step(_ line: String) { io.print(line) }
}
