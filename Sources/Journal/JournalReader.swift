import POSIX
/// How a read ended.
public struct ReadSummary: Sendable {
    /// Events passed to the caller (by a frame read: in the frames passed).
    public var deliveredCount: Int
    /// The last seq of the last valid frame reached (0 if none).
    public var lastSeq: UInt64
    /// Damage that stopped the read: corruption (events after it were not read) or a torn tail
    /// (`isTornTail`; everything before it was read).
    public var damage: JournalDamage?
}

/// Reads a journal folder in constant memory, safe while a writer appends: events, frames
/// (commits, with the chain after each), the chain at a seq, the seq at a time, and a live
/// follower (`follow(_:)`, in JournalFollower.swift).
///
/// Every frame is checked (CRC, seq continuity, chain from the start of its segment or from an
/// index entry) before any of its events is delivered. Reads start at the index entry for the
/// filter's `fromSeq` and `since`; frames outside the filter's seq or time range are skipped
/// using their headers alone (no inflate).
public final class JournalReader {
    /// The journal folder read.
    let directory: String
    /// The syscall funnel reads go through.
    let io: FileIO

    /// A reader of the journal folder `directory` (e.g. `<data>/journal`).
    public init(directory: String, kernel: Kernel = .live) {
        self.directory = directory
        self.io = kernel.io
    }

    /// Calls `body` with each event matching `filter`, in seq order, until `body` returns false,
    /// the journal ends, or damage stops the read (reported in the summary, not thrown).
    ///
    /// The frame read below, event by event: a frame's events are delivered only once all of
    /// its records have passed their checks.
    public func read(_ filter: EventFilter = EventFilter(), _ body: (JournalEvent) throws -> Bool) throws -> ReadSummary {
        let walk = try FrameWalk(directory: directory, io: io, filter: filter)
        return try walk.run { scanned, segment in try walk.forEachAcceptedEvent(in: scanned, of: segment, body) }
    }

    /// Calls `body` with each frame (one commit) overlapping `filter`'s seq and time range, in
    /// seq order, until `body` returns false, the journal ends, or damage stops the read
    /// (reported in the summary, not thrown).
    ///
    /// Each frame carries its seqs, timestamps, segment and offset, the chain value after it,
    /// and those of its events the filter accepts — possibly none (see `ReadFrame`).
    public func readFrames(_ filter: EventFilter = EventFilter(), _ body: (ReadFrame) throws -> Bool) throws -> ReadSummary {
        let walk = try FrameWalk(directory: directory, io: io, filter: filter)
        return try walk.run { scanned, segment in
            var events: [JournalEvent] = []
            guard try walk.forEachAcceptedEvent(in: scanned, of: segment, { events.append($0); return true }) else { return false }
            return try body(ReadFrame(scanned, segment: segment.name, events: events))
        }
    }

    /// `readFrames(_:_:)` without copying any event: `body` gets each frame (its `events`
    /// empty) with its accepted events borrowed — their data points into the reader's inflate
    /// buffer and the buffer is valid only during that call. The replay path: no allocation per
    /// event for the data (a million events' copies and frees were a tenth of a replay).
    public func readFrames(_ filter: EventFilter = EventFilter(),
                           borrowingEvents body: (ReadFrame, UnsafeBufferPointer<BorrowedJournalEvent>) throws -> Bool) throws -> ReadSummary {
        let walk = try FrameWalk(directory: directory, io: io, filter: filter)
        var events: [BorrowedJournalEvent] = []
        return try walk.run { scanned, segment in
            events.removeAll(keepingCapacity: true)
            guard try walk.forEachAcceptedBorrowedEvent(in: scanned, of: segment, { events.append($0); return true }) else { return false }
            let frame = ReadFrame(scanned, segment: segment.name, events: [])
            return try events.withUnsafeBufferPointer { try body(frame, $0) }
        }
    }
}
