import Dispatch
import Integrity
import Journal
import Synchronization

/// One journal frame with its events decoded as folds see them: what the reading side of a
/// replay hands the folding side.
struct DecodedFrame: Sendable {
    /// The frame's events (those the read's filter accepts), each with why its data did not
    /// decode, when it did not (it is then folded as unknown).
    var events: [(RecordedEvent, EventDecodingError?)]
    /// The frame's last seq.
    var lastSeq: UInt64
    /// The journal's chain value after the frame.
    var chainAfter: SHA256Digest

    /// Decodes the events of `frame`.
    init(_ frame: ReadFrame) {
        events = frame.events.map(RecordedEvent.folding)
        lastSeq = frame.lastSeq
        chainAfter = frame.chainAfter
    }
}

extension StateBuilder {
    /// Frames decoded per hand-over: large enough that the queue's locking costs little per
    /// event even when every commit is a one-event frame.
    static let pipelineChunkEvents = 512
    /// Chunks decoded ahead of the fold at most (memory: about this many × 512 events).
    static let pipelineDepth = 8

    /// The replay of `replay(_:through:)` on two threads: a reader thread reads, checks,
    /// inflates and decodes frames into `DecodedFrame`s and hands them over through a bounded
    /// queue; this thread folds them in order with the same `fold(_:into:)` as the sequential
    /// replay, so the state is the same. A rollback's target state is rebuilt on this thread.
    ///
    /// Decoding is about half of a replay's cost (bench replay), so on two cores the fold runs
    /// about as fast as the journal can be read and decoded.
    func replayPipelined(_ rebuilt: inout RebuiltState, _ filter: EventFilter) throws -> ReadSummary {
        let queue = FrameQueue(depth: Self.pipelineDepth)
        let directory = journalDirectory, kernel = kernel
        DispatchQueue.global().async {
            var chunk: [DecodedFrame] = []
            var chunkEvents = 0
            do {
                let summary = try JournalReader(directory: directory, kernel: kernel).readFrames(filter) { frame in
                    chunk.append(DecodedFrame(frame))
                    chunkEvents += frame.events.count
                    guard chunkEvents >= Self.pipelineChunkEvents else { return true }
                    defer { chunk = []; chunkEvents = 0 }
                    return queue.push(.frames(chunk))
                }
                if !chunk.isEmpty, !queue.push(.frames(chunk)) { return }
                _ = queue.push(.end(.success(summary)))
            } catch {
                _ = queue.push(.end(.failure(error)))
            }
        }
        do {
            while true {
                switch queue.pop() {
                case .frames(let frames):
                    for frame in frames { try fold(frame, into: &rebuilt) }
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
        case frames([DecodedFrame])
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
