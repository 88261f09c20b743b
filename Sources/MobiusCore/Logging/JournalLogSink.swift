import Journal
import Synchronization

/// Carries log records into the journal as `log.record` events without making the logging
/// caller wait on a disk: `record` queues, and one task appends whatever is queued as one frame
/// (so a burst of records shares one commit).
///
/// The queue holds at most `capacity` records; beyond that the oldest are dropped and counted
/// (`dropped`), so a log flood costs bounded memory, never a stalled request. Records that come
/// before an engine is attached wait in the queue (startup lines reach the journal too). A
/// failed append (journal unwritable) is counted in `failed`, never logged — logging it would
/// queue another record for the same broken journal.
public final class JournalLogSink: Sendable {
    private struct State {
        var queue: [LogRecord] = []
        var engine: Engine?
        var isFinished = false
    }

    /// Most records waiting; older ones are dropped beyond it.
    public let capacity: Int
    /// Records dropped because the queue was full.
    public let dropped = Atomic<Int>(0)
    /// Records whose append failed.
    public let failed = Atomic<Int>(0)
    private let state = Mutex(State())
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    private let drain = Mutex<Task<Void, Never>?>(nil)

    /// A sink that holds up to `capacity` records until they are appended.
    public init(capacity: Int = 4_096) {
        precondition(capacity > 0)
        self.capacity = capacity
        (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `record` (the logger's `recordInJournal`).
    public func record(_ record: LogRecord) {
        let overflow: Int = state.withLock { state in
            guard !state.isFinished else { return 0 }
            state.queue.append(record)
            let overflow = max(0, state.queue.count - capacity)
            state.queue.removeFirst(overflow)
            return overflow
        }
        if overflow > 0 { dropped.add(overflow, ordering: .relaxed) }
        wake.yield()
    }

    /// Starts appending through `engine`, queued records first.
    public func attach(_ engine: Engine) {
        state.withLock { $0.engine = engine }
        // On the fold thread, not the cooperative pool: records reach the journal however busy the pool is.
        let task = Task(executorPreference: Engine.folding) { [wakes, self] in
            for await _ in wakes {
                await self.appendQueued()
                if self.state.withLock({ $0.isFinished && $0.queue.isEmpty }) { return }
            }
        }
        drain.withLock { $0 = task }
        wake.yield()
    }

    /// Appends what is queued and stops taking records; call before closing the engine.
    public func finish() async {
        state.withLock { $0.isFinished = true }
        wake.yield()
        wake.finish()
        await drain.withLock { $0 }?.value
        await appendQueued()
    }

    private func appendQueued() async {
        let (records, engine) = state.withLock { state -> ([LogRecord], Engine?) in
            guard let engine = state.engine else { return ([], nil) }
            defer { state.queue.removeAll() }
            return (state.queue, engine)
        }
        guard let engine, !records.isEmpty else { return }
        var drafts: [EventDraft] = []
        drafts.reserveCapacity(records.count)
        for record in records {
            let payload = LogRecorded(level: record.level.rawValue, message: record.message, category: record.category,
                                      metadata: .object(record.metadata))
            // A request id the journal refuses (too long, odd bytes) costs the record its id, not its place.
            let event = DomainEvent.logRecorded(payload)
            guard let draft = (try? event.draft(requestId: record.requestId)).flatMap({ $0 }) ?? (try? event.draft()).flatMap({ $0 }) else {
                failed.add(1, ordering: .relaxed)
                continue
            }
            drafts.append(draft)
        }
        do {
            _ = try await engine.append(drafts: drafts)
        } catch {
            failed.add(drafts.count, ordering: .relaxed)
        }
    }
}
