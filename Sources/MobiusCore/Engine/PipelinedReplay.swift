import Dispatch
import Integrity
import Journal
import Synchronization

/// Frames of the journal as the reading side of a pipelined replay hands them to the folding
/// side: read, checked, inflated, their events' bytes copied into one buffer — not decoded.
///
/// Decoding the events' JSON is about half of the journal's replay with decoding, and the
/// folds a sixth (callgrind, bench replay), so a reader that decoded too left the folding
/// thread idle most of the time and the pipeline no faster than one thread. Handing over bytes
/// splits the work about evenly: the reader reads, checks the CRC and chain and inflates; the
/// folder decodes and folds.
struct RecordChunk: Sendable {
    /// One event: its envelope, with where its data (and request id) sit in `bytes`.
    struct Event: Sendable {
        var seq: UInt64
        var timestamp: UInt64
        var type: String
        var typeOrdinal: Int?
        var version: UInt64
        var data: Range<Int>
        var requestId: Range<Int>?
    }

    /// Where a frame ends: after event `eventEnd`, at seq `lastSeq` with chain `chainAfter`.
    struct FrameEnd: Sendable {
        var eventEnd: Int
        var lastSeq: UInt64
        var chainAfter: SHA256Digest
    }

    /// The events of the chunk's frames, in order.
    var events: [Event] = []
    /// Their data and request ids, back to back.
    var bytes: [UInt8] = []
    /// The frames, in order.
    var frames: [FrameEnd] = []

    /// A chunk with room for about `events` events.
    init(reservingEvents count: Int) {
        events.reserveCapacity(count)
        bytes.reserveCapacity(count * 256)
    }

    /// Adds the borrowed `events` of `frame` (copying their bytes).
    mutating func append(_ frame: ReadFrame, events borrowed: UnsafeBufferPointer<BorrowedJournalEvent>) {
        for event in borrowed {
            let dataStart = bytes.count
            bytes.append(contentsOf: event.data)
            var requestId: Range<Int>? = nil
            if let requestBytes = event.requestIdBytes {
                let start = bytes.count
                bytes.append(contentsOf: requestBytes)
                requestId = start..<bytes.count
            }
            events.append(Event(seq: event.seq, timestamp: event.timestamp, type: event.type, typeOrdinal: event.typeOrdinal,
                                version: event.version, data: dataStart..<(dataStart + event.data.count), requestId: requestId))
        }
        frames.append(FrameEnd(eventEnd: events.count, lastSeq: frame.lastSeq, chainAfter: frame.chainAfter))
    }

    /// Calls `body` with each event, borrowed from `bytes`, and `frameEnded` after each frame's.
    func forEach(_ body: (BorrowedJournalEvent) throws(EngineError) -> Void, frameEnded: (FrameEnd) -> Void) throws(EngineError) {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(EngineError) in
            var index = 0
            for frame in frames {
                while index < frame.eventEnd {
                    let event = events[index]
                    try body(BorrowedJournalEvent(
                        seq: event.seq, timestamp: event.timestamp, type: event.type, typeOrdinal: event.typeOrdinal, version: event.version,
                        requestIdBytes: event.requestId.map { UnsafeRawBufferPointer(rebasing: raw[$0]) },
                        data: UnsafeRawBufferPointer(rebasing: raw[event.data])))
                    index += 1
                }
                frameEnded(frame)
            }
        } }
        try result.get()
    }
}

extension StateBuilder {
    /// Events per hand-over: large enough that the queue's locking costs little per event even
    /// when every commit is a one-event frame.
    static let pipelineChunkEvents = 512
    /// Chunks read ahead of the fold at most (memory: about this many × 512 events' bytes).
    static let pipelineDepth = 8

    /// The replay of `replay(_:through:)` on two threads: a reader thread reads, checks and
    /// inflates frames and hands their events' bytes over in `RecordChunk`s through a bounded
    /// queue; this thread decodes and folds them in order with the same `fold(_:problem:into:)`
    /// as the sequential replay, so the state is the same. A rollback's target state is
    /// rebuilt on this thread.
    func replayPipelined(_ rebuilt: inout RebuiltState, _ filter: EventFilter) throws -> ReadSummary {
        let queue = FrameQueue(depth: Self.pipelineDepth)
        let directory = journalDirectory, kernel = kernel
        DispatchQueue.global().async {
            var chunk = RecordChunk(reservingEvents: Self.pipelineChunkEvents)
            do {
                let summary = try JournalReader(directory: directory, kernel: kernel).readFrames(filter) { frame, events in
                    chunk.append(frame, events: events)
                    guard chunk.events.count >= Self.pipelineChunkEvents else { return true }
                    defer { chunk = RecordChunk(reservingEvents: Self.pipelineChunkEvents) }
                    return queue.push(.records(chunk))
                }
                if !chunk.frames.isEmpty, !queue.push(.records(chunk)) { return }
                _ = queue.push(.end(.success(summary)))
            } catch {
                _ = queue.push(.end(.failure(error)))
            }
        }
        var kinds = EventKindCache()
        do {
            while true {
                switch queue.pop() {
                case .records(let chunk):
                    try chunk.forEach { (event) throws(EngineError) in
                        let (recorded, problem) = RecordedEvent.folding(event, kinds: &kinds)
                        try fold(recorded, problem: problem, into: &rebuilt)
                    } frameEnded: { frame in
                        rebuilt.frameEndChain = frame.lastSeq == rebuilt.projections.seq ? frame.chainAfter : nil
                    }
                case .end(let result):
                    return try result.get()
                }
            }
        } catch {
            queue.cancel()
            throw error
        }
    }
}

/// The bounded queue between a pipelined replay's reader thread (one producer) and its folding
/// thread (one consumer).
final class FrameQueue: Sendable {
    /// What the reader hands over.
    enum Item: Sendable {
        case records(RecordChunk)
        /// The read ended: how far it got, or why it stopped.
        case end(Result<ReadSummary, any Error>)
    }

    private struct State {
        var items: [Item] = []
        var head = 0
        var isCancelled = false
    }

    private let state = Mutex(State())
    /// Free places; the producer waits on it.
    private let room: DispatchSemaphore
    /// Items ready; the consumer waits on it.
    private let ready = DispatchSemaphore(value: 0)

    /// A queue holding at most `depth` items.
    init(depth: Int) { room = DispatchSemaphore(value: depth) }

    /// Adds `item`, waiting for room; false once the consumer cancelled (stop reading).
    func push(_ item: Item) -> Bool {
        if state.withLock({ $0.isCancelled }) { return false }
        room.wait()
        let isAdded = state.withLock { state -> Bool in
            guard !state.isCancelled else { return false }
            state.items.append(item)
            return true
        }
        if isAdded { ready.signal() }
        return isAdded
    }

    /// The next item, waiting for one.
    func pop() -> Item {
        ready.wait()
        let item = state.withLock { state -> Item in
            let item = state.items[state.head]
            state.head += 1
            if state.head == state.items.count {
                state.items.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return item
        }
        room.signal()
        return item
    }

    /// Tells the producer to stop, waking it if it waits for room.
    func cancel() {
        state.withLock { $0.isCancelled = true }
        room.signal()
    }
}
